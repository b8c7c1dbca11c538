using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace CamStudio.Web.Services;

/// <summary>
/// Time-limited TURN credentials from a secret shared with the TURN server — the "TURN REST API" scheme
/// (draft-uberti-behave-turn-rest) that coturn checks with <c>use-auth-secret</c>: the username is
/// <c>expiry:user</c> (expiry in Unix seconds), the credential base64(HMAC-SHA1(secret, username)). The TURN server
/// recomputes the HMAC and refuses the username once its expiry has passed, so a leaked credential dies by itself and
/// the secret never reaches a browser.
/// </summary>
public static class TurnRestCredentials
{
    public static (string Username, string Credential) Mint(string secret, string user, DateTimeOffset expiry)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        ArgumentException.ThrowIfNullOrEmpty(user);
        // The separator is the scheme's; a user id containing ':' would still verify, but keep the form unambiguous.
        string username = string.Create(CultureInfo.InvariantCulture, $"{expiry.ToUnixTimeSeconds()}:{user.Replace(':', '_')}");
        byte[] mac = HMACSHA1.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(username));
        return (username, Convert.ToBase64String(mac));
    }
}
