using System.Globalization;

namespace CamStudio.Media.Hls;

/// <summary>
/// The one place that names the resources of a stream's LL-HLS playlist (all relative to the playlist's URI, so the
/// HTTP layer decides the path prefix) and the strict parsers the HTTP layer uses to map a requested name back to a
/// segment or part. Only exactly what <see cref="SegmentName"/> / <see cref="PartName"/> produce is accepted: ASCII
/// digits without leading zeros (so one resource has one name, and a cache cannot be filled with aliases), values that
/// fit, no path separators, no signs, no whitespace.
/// </summary>
public static class HlsResourceNames
{
    /// <summary>The Media Initialization Section (EXT-X-MAP).</summary>
    public const string InitName = "init.mp4";

    private const string SegmentPrefix = "seg";
    private const string PartPrefix = "part";
    private const string Suffix = ".m4s";

    /// <summary><c>seg{msn}.m4s</c>: a whole Media Segment.</summary>
    public static string SegmentName(long msn)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(msn);
        return string.Create(CultureInfo.InvariantCulture, $"{SegmentPrefix}{msn}{Suffix}");
    }

    /// <summary><c>part{msn}.{index}.m4s</c>: the Partial Segment with Part Index <paramref name="index"/> of segment <paramref name="msn"/>.</summary>
    public static string PartName(long msn, int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(msn);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        return string.Create(CultureInfo.InvariantCulture, $"{PartPrefix}{msn}.{index}{Suffix}");
    }

    /// <summary>Inverse of <see cref="SegmentName"/>; false for every other string.</summary>
    public static bool TryParseSegmentName(ReadOnlySpan<char> name, out long msn)
    {
        msn = 0;
        if (!name.StartsWith(SegmentPrefix, StringComparison.Ordinal) || !name.EndsWith(Suffix, StringComparison.Ordinal))
        {
            return false;
        }

        return HlsDecimal.TryParseInt64(name[SegmentPrefix.Length..^Suffix.Length], out msn);
    }

    /// <summary>Inverse of <see cref="PartName"/>; false for every other string.</summary>
    public static bool TryParsePartName(ReadOnlySpan<char> name, out long msn, out int index)
    {
        msn = 0;
        index = 0;
        if (!name.StartsWith(PartPrefix, StringComparison.Ordinal) || !name.EndsWith(Suffix, StringComparison.Ordinal))
        {
            return false;
        }

        ReadOnlySpan<char> numbers = name[PartPrefix.Length..^Suffix.Length];
        int dot = numbers.IndexOf('.');
        return dot >= 0
            && HlsDecimal.TryParseInt64(numbers[..dot], out msn)
            && HlsDecimal.TryParseInt32(numbers[(dot + 1)..], out index);
    }
}

/// <summary>
/// The strict decimal-integer grammar shared by resource names and the blocking-reload directives: one or more ASCII
/// digits, no leading zero except "0" itself, no sign, no whitespace, no overflow.
/// </summary>
internal static class HlsDecimal
{
    public static bool TryParseInt64(ReadOnlySpan<char> text, out long value)
    {
        value = 0;
        if (!IsCanonicalDigits(text))
        {
            return false;
        }

        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    public static bool TryParseInt32(ReadOnlySpan<char> text, out int value)
    {
        value = 0;
        if (!IsCanonicalDigits(text))
        {
            return false;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    private static bool IsCanonicalDigits(ReadOnlySpan<char> text)
    {
        // Checked by hand rather than trusting NumberStyles alone: "0005" parses, but is a second name for "5".
        if (text.IsEmpty || (text.Length > 1 && text[0] == '0'))
        {
            return false;
        }

        foreach (char c in text)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
