using System.Buffers.Text;
using System.Text;

namespace CamStudio.Media.Rtsp;

/// <summary>Whether a buffer holds a whole RTSP response head.</summary>
public enum RtspReadStatus : byte
{
    /// <summary>The head (status line and headers up to the blank line) is complete.</summary>
    Complete,

    /// <summary>So far so good: read more bytes.</summary>
    Incomplete,

    /// <summary>Not an RTSP response, or a head that breaks the grammar or our size limit.</summary>
    Malformed,
}

/// <summary>
/// The parts of an RTSP/1.0 response head (RFC 2326 §7) a DESCRIBE needs. Header values stay in the caller's buffer:
/// the challenges are kept as ranges of it.
/// <code>
/// RTSP/1.0 401 Unauthorized\r\n                      Status-Line = RTSP-Version SP Status-Code SP Reason-Phrase CRLF
/// CSeq: 1\r\n
/// WWW-Authenticate: Digest realm="…", nonce="…"\r\n
/// Content-Length: 0\r\n
/// \r\n
/// </code>
/// </summary>
public readonly struct RtspResponseHead
{
    /// <summary>A head longer than this is not a camera's answer to DESCRIBE.</summary>
    public const int MaxHeadLength = 8 * 1024;

    /// <summary>Challenges beyond this many are ignored (cameras send one or two: Basic and Digest).</summary>
    public const int MaxChallenges = 4;

    private const int StatusCodeOffset = 9; // "RTSP/1.0 " is 9 bytes
    private static ReadOnlySpan<byte> VersionPrefix => "RTSP/1."u8;

    private readonly Range _challenge0;
    private readonly Range _challenge1;
    private readonly Range _challenge2;
    private readonly Range _challenge3;

    private RtspResponseHead(int statusCode, int contentLength, int challengeCount, Range c0, Range c1, Range c2, Range c3)
    {
        StatusCode = statusCode;
        ContentLength = contentLength;
        ChallengeCount = challengeCount;
        _challenge0 = c0;
        _challenge1 = c1;
        _challenge2 = c2;
        _challenge3 = c3;
    }

    public int StatusCode { get; }

    /// <summary>The body's length; 0 when the header is absent.</summary>
    public int ContentLength { get; }

    /// <summary>How many WWW-Authenticate values were kept.</summary>
    public int ChallengeCount { get; }

    /// <summary>The value of the <paramref name="index"/>th WWW-Authenticate header, as a range of the parsed buffer.</summary>
    public Range Challenge(int index) => index switch
    {
        0 => _challenge0,
        1 => _challenge1,
        2 => _challenge2,
        3 => _challenge3,
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    /// <summary>
    /// Reads a response head from the start of <paramref name="buffer"/>. <paramref name="headLength"/> is the number of
    /// bytes up to and including the blank line when <see cref="RtspReadStatus.Complete"/>. Never throws on any input.
    /// Bare LF line ends are accepted, as some cameras send them.
    /// </summary>
    public static RtspReadStatus TryRead(ReadOnlySpan<byte> buffer, out RtspResponseHead head, out int headLength)
    {
        head = default;
        headLength = 0;
        int prefix = Math.Min(buffer.Length, VersionPrefix.Length);
        if (!buffer[..prefix].SequenceEqual(VersionPrefix[..prefix]))
        {
            return RtspReadStatus.Malformed;
        }

        int lineStart = 0;
        int statusCode = 0;
        int contentLength = 0;
        int challenges = 0;
        Span<Range> kept = stackalloc Range[MaxChallenges];
        while (true)
        {
            int newline = buffer[lineStart..].IndexOf((byte)'\n');
            if (newline < 0)
            {
                return buffer.Length > MaxHeadLength ? RtspReadStatus.Malformed : RtspReadStatus.Incomplete;
            }

            int lineEnd = lineStart + newline;
            int next = lineEnd + 1;
            if (next > MaxHeadLength)
            {
                return RtspReadStatus.Malformed;
            }

            ReadOnlySpan<byte> line = buffer[lineStart..lineEnd];
            if (!line.IsEmpty && line[^1] == (byte)'\r')
            {
                line = line[..^1];
            }

            if (lineStart == 0)
            {
                if (!TryReadStatusLine(line, out statusCode))
                {
                    return RtspReadStatus.Malformed;
                }
            }
            else if (line.IsEmpty)
            {
                headLength = next;
                head = new RtspResponseHead(statusCode, contentLength, challenges, kept[0], kept[1], kept[2], kept[3]);
                return RtspReadStatus.Complete;
            }
            else
            {
                int colon = line.IndexOf((byte)':');
                if (colon <= 0)
                {
                    return RtspReadStatus.Malformed;
                }

                ReadOnlySpan<byte> name = line[..colon].Trim((byte)' ');
                int valueStart = colon + 1;
                while (valueStart < line.Length && line[valueStart] is (byte)' ' or (byte)'\t')
                {
                    valueStart++;
                }

                ReadOnlySpan<byte> value = line[valueStart..].TrimEnd((byte)' ');
                if (Ascii.EqualsIgnoreCase(name, "Content-Length"u8))
                {
                    if (!Utf8Parser.TryParse(value, out contentLength, out int used) || used != value.Length || contentLength < 0)
                    {
                        return RtspReadStatus.Malformed;
                    }
                }
                else if (Ascii.EqualsIgnoreCase(name, "WWW-Authenticate"u8) && challenges < MaxChallenges)
                {
                    int absolute = lineStart + valueStart;
                    kept[challenges++] = new Range(absolute, absolute + value.Length);
                }
            }

            lineStart = next;
        }
    }

    private static bool TryReadStatusLine(ReadOnlySpan<byte> line, out int statusCode)
    {
        statusCode = 0;
        // "RTSP/1.x " then three digits, then a space and the reason (which may be empty) or the end of the line.
        if (line.Length < StatusCodeOffset + 3 || !line.StartsWith(VersionPrefix) || line[StatusCodeOffset - 1] != (byte)' ')
        {
            return false;
        }

        ReadOnlySpan<byte> digits = line.Slice(StatusCodeOffset, 3);
        foreach (byte b in digits)
        {
            if (b is < (byte)'0' or > (byte)'9')
            {
                return false;
            }

            statusCode = (statusCode * 10) + (b - '0');
        }

        return line.Length == StatusCodeOffset + 3 || line[StatusCodeOffset + 3] == (byte)' ';
    }
}
