using System.Security.Cryptography;

namespace CamStudio.Media.Dtls;

/// <summary>
/// SHA-256 certificate fingerprints in the SDP <c>a=fingerprint</c> notation (RFC 8122 §5): upper-case hex byte pairs
/// joined by colons, e.g. <c>AB:CD:…</c> (95 characters for SHA-256).
/// </summary>
public static class DtlsFingerprint
{
    /// <summary>Length of a SHA-256 digest in bytes.</summary>
    public const int Sha256Length = 32;

    /// <summary>Length of a formatted SHA-256 fingerprint: 32 pairs plus 31 colons.</summary>
    public const int Sha256TextLength = (Sha256Length * 3) - 1;

    /// <summary>SHA-256 over the DER encoding of a certificate.</summary>
    public static byte[] ComputeSha256(ReadOnlySpan<byte> certificateDer) => SHA256.HashData(certificateDer);

    /// <summary>Formats a digest as upper-case hex pairs separated by colons.</summary>
    public static string Format(ReadOnlySpan<byte> digest)
    {
        if (digest.IsEmpty)
        {
            return string.Empty;
        }

        return string.Create((digest.Length * 3) - 1, digest.ToArray(), static (chars, bytes) =>
        {
            for (int i = 0; i < bytes.Length; i++)
            {
                int offset = i * 3;
                chars[offset] = ToHexDigit(bytes[i] >> 4);
                chars[offset + 1] = ToHexDigit(bytes[i] & 0xF);
                if (i + 1 < bytes.Length)
                {
                    chars[offset + 2] = ':';
                }
            }
        });
    }

    /// <summary>
    /// Parses a colon-separated hex fingerprint (either case, as browsers send it). Returns false for anything else,
    /// including a fingerprint that is not exactly <paramref name="expectedLength"/> bytes long.
    /// </summary>
    public static bool TryParse(string? text, int expectedLength, out byte[] digest)
    {
        digest = [];
        if (text is null || expectedLength <= 0)
        {
            return false;
        }

        ReadOnlySpan<char> span = text.AsSpan().Trim();
        if (span.Length != (expectedLength * 3) - 1)
        {
            return false;
        }

        var result = new byte[expectedLength];
        for (int i = 0; i < expectedLength; i++)
        {
            int offset = i * 3;
            int high = FromHexDigit(span[offset]);
            int low = FromHexDigit(span[offset + 1]);
            if (high < 0 || low < 0 || (i + 1 < expectedLength && span[offset + 2] != ':'))
            {
                return false;
            }

            result[i] = (byte)((high << 4) | low);
        }

        digest = result;
        return true;
    }

    private static char ToHexDigit(int value) => (char)(value < 10 ? '0' + value : 'A' + value - 10);

    private static int FromHexDigit(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'A' and <= 'F' => c - 'A' + 10,
        >= 'a' and <= 'f' => c - 'a' + 10,
        _ => -1,
    };
}
