using System.Security.Cryptography;
using System.Text;

namespace CamStudio.Media.Ice;

/// <summary>
/// Our ICE username fragment and password for one viewer (RFC 8839 §5.4: ice-ufrag 4-256 and ice-pwd 22-256
/// ice-chars, i.e. ALPHA / DIGIT / "+" / "/"). The password is the short-term MESSAGE-INTEGRITY key.
/// </summary>
public sealed class IceCredentials
{
    public const int MinUfragLength = 4;
    public const int MinPasswordLength = 22;
    public const int MaxLength = 256;

    // 8 ufrag chars (48 bits) keep collisions between live viewers negligible; the 24-char password
    // (144 bits) goes beyond RFC 8445 §5.3's 128-bit minimum for the secret part.
    public const int RandomUfragLength = 8;
    public const int RandomPasswordLength = 24;

    private const string IceChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    private readonly byte[] _passwordKey;

    public IceCredentials(string ufrag, string password)
    {
        ArgumentNullException.ThrowIfNull(ufrag);
        ArgumentNullException.ThrowIfNull(password);
        if (!IsValid(ufrag, MinUfragLength))
        {
            throw new ArgumentException("ice-ufrag must be 4-256 ice-chars (RFC 8839 §5.4).", nameof(ufrag));
        }

        if (!IsValid(password, MinPasswordLength))
        {
            throw new ArgumentException("ice-pwd must be 22-256 ice-chars (RFC 8839 §5.4).", nameof(password));
        }

        Ufrag = ufrag;
        Password = password;
        _passwordKey = Encoding.ASCII.GetBytes(password);
    }

    public string Ufrag { get; }

    public string Password { get; }

    /// <summary>The MESSAGE-INTEGRITY key (RFC 8445 §7.2.2: the password, as short-term credential).</summary>
    internal ReadOnlySpan<byte> PasswordKey => _passwordKey;

    /// <summary>Fresh random credentials from a cryptographic RNG, one set per viewer.</summary>
    public static IceCredentials CreateRandom() =>
        new(RandomNumberGenerator.GetString(IceChars, RandomUfragLength),
            RandomNumberGenerator.GetString(IceChars, RandomPasswordLength));

    /// <summary>Whether <paramref name="value"/> consists of 1..256 ice-chars (used for the remote ufrag).</summary>
    public static bool IsIceChars(string value) => IsValid(value, 1);

    private static bool IsValid(string value, int minLength) =>
        value.Length >= minLength && value.Length <= MaxLength && value.AsSpan().IndexOfAnyExcept(IceChars) < 0;
}
