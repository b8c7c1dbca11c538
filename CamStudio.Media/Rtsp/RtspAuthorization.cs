using System.Security.Cryptography;
using System.Text;

namespace CamStudio.Media.Rtsp;

/// <summary>
/// One Digest challenge (RFC 7616 §3.3; RFC 2617 §3.2.1 for the legacy form without qop) as a camera sent it.
/// </summary>
public sealed record DigestChallenge(string Realm, string Nonce, string? Opaque, string Algorithm, bool QopAuth, bool Stale)
{
    /// <summary>The algorithms this client computes: MD5 (every camera) and SHA-256 (RFC 7616).</summary>
    public static bool IsSupportedAlgorithm(string algorithm) =>
        algorithm.Equals("MD5", StringComparison.OrdinalIgnoreCase)
        || algorithm.Equals("SHA-256", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Parses the value of a WWW-Authenticate header that starts with "Digest"; false for another scheme, a missing
    /// realm or nonce, or broken syntax. Never throws.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> value, out DigestChallenge? challenge)
    {
        challenge = null;
        if (!RtspChallenge.IsScheme(value, "Digest"u8))
        {
            return false;
        }

        string? realm = null, nonce = null, opaque = null, algorithm = null, qop = null, stale = null;
        ReadOnlySpan<byte> rest = value["Digest".Length..];
        while (true)
        {
            RtspChallenge.ParameterStatus status = RtspChallenge.ReadParameter(ref rest, out ReadOnlySpan<byte> name, out string parameter);
            if (status == RtspChallenge.ParameterStatus.End)
            {
                break;
            }

            if (status == RtspChallenge.ParameterStatus.Malformed)
            {
                return false;
            }

            if (Ascii.EqualsIgnoreCase(name, "realm"u8)) realm = parameter;
            else if (Ascii.EqualsIgnoreCase(name, "nonce"u8)) nonce = parameter;
            else if (Ascii.EqualsIgnoreCase(name, "opaque"u8)) opaque = parameter;
            else if (Ascii.EqualsIgnoreCase(name, "algorithm"u8)) algorithm = parameter;
            else if (Ascii.EqualsIgnoreCase(name, "qop"u8)) qop = parameter;
            else if (Ascii.EqualsIgnoreCase(name, "stale"u8)) stale = parameter;
        }

        if (realm is null || nonce is null)
        {
            return false;
        }

        bool qopAuth = qop is not null && qop.Split(',', StringSplitOptions.TrimEntries).Contains("auth", StringComparer.OrdinalIgnoreCase);
        challenge = new DigestChallenge(realm, nonce, opaque, algorithm ?? "MD5", qopAuth,
            string.Equals(stale, "true", StringComparison.OrdinalIgnoreCase));
        return true;
    }
}

/// <summary>Builds the Authorization header for a 401 (RFC 7616 Digest, RFC 7617 Basic). The values contain secrets.</summary>
public static class RtspAuthorization
{
    /// <summary>Nonce count of the only request this client answers a challenge with.</summary>
    public const string FirstNonceCount = "00000001";

    /// <summary>
    /// The request-digest (RFC 7616 §3.4.1; RFC 2617 §3.2.2.1 when <paramref name="qop"/> is null):
    /// H(H(user:realm:password):nonce[:nc:cnonce:qop]:H(method:uri)) in lower-case hex.
    /// </summary>
    public static string DigestResponse(
        string algorithm, string username, string realm, string password, string method, string uri, string nonce,
        string? qop, string? nonceCount, string? clientNonce)
    {
        string ha1 = Hash(algorithm, $"{username}:{realm}:{password}");
        string ha2 = Hash(algorithm, $"{method}:{uri}");
        return qop is null
            ? Hash(algorithm, $"{ha1}:{nonce}:{ha2}")
            : Hash(algorithm, $"{ha1}:{nonce}:{nonceCount}:{clientNonce}:{qop}:{ha2}");
    }

    /// <summary>The Digest Authorization header value answering <paramref name="challenge"/> for one request.</summary>
    public static string Digest(DigestChallenge challenge, string username, string password, string method, string uri, string clientNonce)
    {
        ArgumentNullException.ThrowIfNull(challenge);
        string? qop = challenge.QopAuth ? "auth" : null;
        string response = DigestResponse(challenge.Algorithm, username, challenge.Realm, password, method, uri, challenge.Nonce,
            qop, FirstNonceCount, clientNonce);
        var header = new StringBuilder("Digest ");
        header.Append("username=\"").Append(Quote(username))
            .Append("\", realm=\"").Append(Quote(challenge.Realm))
            .Append("\", nonce=\"").Append(Quote(challenge.Nonce))
            .Append("\", uri=\"").Append(Quote(uri))
            .Append("\", response=\"").Append(response).Append('"');
        if (!challenge.Algorithm.Equals("MD5", StringComparison.OrdinalIgnoreCase) || challenge.QopAuth)
        {
            header.Append(", algorithm=").Append(challenge.Algorithm);
        }

        if (challenge.Opaque is not null)
        {
            header.Append(", opaque=\"").Append(Quote(challenge.Opaque)).Append('"');
        }

        if (qop is not null)
        {
            header.Append(", qop=auth, nc=").Append(FirstNonceCount).Append(", cnonce=\"").Append(clientNonce).Append('"');
        }

        return header.ToString();
    }

    /// <summary>The Basic Authorization header value (RFC 7617 §2: base64 of user-id ":" password in UTF-8).</summary>
    public static string Basic(string username, string password) =>
        "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(username + ":" + password));

    /// <summary>A fresh client nonce: 16 random bytes in hex.</summary>
    public static string NewClientNonce() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    private static string Hash(string algorithm, string text)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        // MD5 is what RTSP cameras speak (RFC 2617); it authenticates to the camera here, it protects nothing of ours.
#pragma warning disable CA5351
        return algorithm.Equals("SHA-256", StringComparison.OrdinalIgnoreCase)
            ? Convert.ToHexStringLower(SHA256.HashData(bytes))
            : Convert.ToHexStringLower(MD5.HashData(bytes));
#pragma warning restore CA5351
    }

    // quoted-string (RFC 9110 §5.6.4): escape the two characters that would end or break it.
    private static string Quote(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
}
