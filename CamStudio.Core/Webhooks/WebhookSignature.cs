using System.Security.Cryptography;
using System.Text;

namespace CamStudio.Core.Webhooks;

/// <summary>
/// <c>X-CamStudio-Signature: sha256=&lt;hex&gt;</c> = HMAC-SHA256 (RFC 2104) keyed with the webhook's secret (its UTF-8
/// bytes) over <c>timestamp + "." + body</c>. The timestamp (Unix seconds, also sent as <c>X-CamStudio-Timestamp</c>)
/// is inside the signed text so a receiver can refuse replays of old deliveries.
/// </summary>
public static class WebhookSignature
{
    public const string Prefix = "sha256=";

    /// <summary>The header value for <paramref name="body"/> sent at <paramref name="timestamp"/>.</summary>
    public static string Compute(string secret, string timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentNullException.ThrowIfNull(timestamp);
        int prefixLength = Encoding.UTF8.GetByteCount(timestamp) + 1;
        byte[] message = new byte[prefixLength + body.Length];
        Encoding.UTF8.GetBytes(timestamp, message);
        message[prefixLength - 1] = (byte)'.';
        body.CopyTo(message.AsSpan(prefixLength));
        return Prefix + HmacSha256Hex(Encoding.UTF8.GetBytes(secret), message);
    }

    /// <summary>Lower-case hex HMAC-SHA256 of <paramref name="message"/> under <paramref name="key"/>.</summary>
    public static string HmacSha256Hex(ReadOnlySpan<byte> key, ReadOnlySpan<byte> message) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(key, message));

    /// <summary>Constant-time check of a received header (what a receiver does; the tests use it too).</summary>
    public static bool Verify(string secret, string timestamp, ReadOnlySpan<byte> body, string? header)
    {
        if (header is null)
        {
            return false;
        }

        byte[] expected = Encoding.ASCII.GetBytes(Compute(secret, timestamp, body));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(header));
    }
}
