using System.Security.Cryptography;
using System.Text;

namespace CamStudio.Media.Stun;

/// <summary>Keys for MESSAGE-INTEGRITY (RFC 8489 §9).</summary>
public static class StunCredentials
{
    /// <summary>Short-term key (RFC 8489 §9.1.1, as ICE uses it): the password's UTF-8 bytes.</summary>
    public static byte[] GetShortTermKey(string password) => Encoding.UTF8.GetBytes(password);

    /// <summary>
    /// Long-term key (RFC 8489 §9.2.2, MD5 algorithm): MD5(username ":" realm ":" password). The caller passes
    /// values that are already SASLprep/OpaqueString-prepared; this codec does not implement stringprep.
    /// The server side of long-term auth is not implemented: the key exists for clients and the RFC 5769 §2.4 vector.
    /// </summary>
    public static byte[] GetLongTermKey(string username, string realm, string password)
    {
        ArgumentNullException.ThrowIfNull(username);
        ArgumentNullException.ThrowIfNull(realm);
        ArgumentNullException.ThrowIfNull(password);
#pragma warning disable CA5351 // MD5 is what RFC 8489 §9.2.2 specifies for the long-term key; not our choice.
        return MD5.HashData(Encoding.UTF8.GetBytes(string.Concat(username, ":", realm, ":", password)));
#pragma warning restore CA5351
    }
}
