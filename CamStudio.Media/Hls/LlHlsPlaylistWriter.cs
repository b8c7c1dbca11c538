using System.Globalization;
using System.Text;

namespace CamStudio.Media.Hls;

/// <summary>
/// Writes the LL-HLS Media Playlist (RFC 8216bis §4.4) for a <see cref="HlsPlaylistSnapshot"/>:
/// <code>
/// #EXTM3U
/// #EXT-X-VERSION:6                        EXT-X-MAP without I-FRAMES-ONLY needs 6 (§8); nothing here needs more
/// #EXT-X-TARGETDURATION:4
/// #EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=1.5    ≥ 3 × PART-TARGET (§4.4.3.8)
/// #EXT-X-PART-INF:PART-TARGET=0.5
/// #EXT-X-MEDIA-SEQUENCE:7
/// #EXT-X-MAP:URI="init.mp4"
/// #EXT-X-PROGRAM-DATE-TIME:…               optional, per segment
/// #EXT-X-PART:DURATION=0.5,URI="part7.0.m4s",INDEPENDENT=YES       only for segments near the live edge (§6.2.2)
/// #EXTINF:2.0,
/// seg7.m4s
/// …                                        parts of the open segment
/// #EXT-X-PRELOAD-HINT:TYPE=PART,URI="part9.3.m4s"                  the next part (§4.4.5.3)
/// </code>
/// Numbers use the invariant culture; durations are exact to the 90 kHz tick (at most 5 decimals).
/// </summary>
public static class LlHlsPlaylistWriter
{
    /// <summary>§6.2.2: EXT-X-PART tags SHOULD go once they are more than three target durations from the end.</summary>
    private const int PartWindowTargetDurations = 3;

    private const int PartHoldBackPartTargets = 3;

    /// <summary>
    /// PART-HOLD-BACK never below 1 s (90 kHz ticks): hls.js keeps this far from the live edge, and with 0.2 s parts
    /// 3 × PART-TARGET left so little buffer that a late part on a busy machine stalled the player (seen in CI).
    /// §4.4.3.8 only sets a minimum (2×, SHOULD 3×); more is allowed. Latency for robustness: see docs/benchmarks.md.
    /// </summary>
    private const long MinPartHoldBack = HlsPartStoreOptions.Clock;

    public static string Write(HlsPlaylistSnapshot snapshot, bool includeProgramDateTime)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var text = new StringBuilder(1024);
        Line(text, "#EXTM3U");
        Line(text, "#EXT-X-VERSION:6");
        text.Append(CultureInfo.InvariantCulture, $"#EXT-X-TARGETDURATION:{snapshot.TargetDurationSeconds}\n");
        text.Append(CultureInfo.InvariantCulture, $"#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK={Seconds(Math.Max(PartHoldBackPartTargets * snapshot.PartTarget, MinPartHoldBack))}\n");
        text.Append(CultureInfo.InvariantCulture, $"#EXT-X-PART-INF:PART-TARGET={Seconds(snapshot.PartTarget)}\n");
        text.Append(CultureInfo.InvariantCulture, $"#EXT-X-MEDIA-SEQUENCE:{snapshot.MediaSequence}\n");
        text.Append(CultureInfo.InvariantCulture, $"#EXT-X-MAP:URI=\"{HlsResourceNames.InitName}\"\n");

        // Walk back from the end to find the oldest segment whose parts are still listed: one that ends less than
        // three target durations before the end of the playlist.
        long partWindow = PartWindowTargetDurations * snapshot.TargetDurationSeconds * HlsPartStoreOptions.Clock;
        long afterSegment = snapshot.OpenParts.Sum(p => p.Duration);
        int firstWithParts = snapshot.Segments.Count;
        for (int i = snapshot.Segments.Count - 1; i >= 0 && afterSegment < partWindow; i--)
        {
            firstWithParts = i;
            afterSegment += snapshot.Segments[i].Duration;
        }

        for (int i = 0; i < snapshot.Segments.Count; i++)
        {
            HlsSegment segment = snapshot.Segments[i];
            if (includeProgramDateTime)
            {
                ProgramDateTime(text, segment.ProgramDateTime);
            }

            if (i >= firstWithParts)
            {
                Parts(text, segment.Msn, segment.Parts);
            }

            text.Append(CultureInfo.InvariantCulture, $"#EXTINF:{Seconds(segment.Duration)},\n");
            Line(text, HlsResourceNames.SegmentName(segment.Msn));
        }

        if (includeProgramDateTime && snapshot.OpenProgramDateTime is { } openDate)
        {
            ProgramDateTime(text, openDate);
        }

        Parts(text, snapshot.OpenMsn, snapshot.OpenParts);

        // The next part is named as part N of the open segment. If it turns out to be an IDR that starts a new segment,
        // that name is never published and its request gets 404 (§6.2.6 allows changing planned segmentation).
        text.Append(CultureInfo.InvariantCulture, $"#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"{HlsResourceNames.PartName(snapshot.OpenMsn, snapshot.OpenParts.Count)}\"\n");
        return text.ToString();
    }

    /// <summary>Decimal seconds of a 90 kHz duration, invariant culture, at least one decimal ("2.0", "0.03333").</summary>
    public static string Seconds(long ticks90kHz) =>
        ((decimal)ticks90kHz / HlsPartStoreOptions.Clock).ToString("0.0####", CultureInfo.InvariantCulture);

    private static void Parts(StringBuilder text, long msn, IReadOnlyList<HlsPart> parts)
    {
        for (int i = 0; i < parts.Count; i++)
        {
            HlsPart part = parts[i];
            string independent = part.Independent ? ",INDEPENDENT=YES" : string.Empty;
            text.Append(CultureInfo.InvariantCulture, $"#EXT-X-PART:DURATION={Seconds(part.Duration)},URI=\"{HlsResourceNames.PartName(msn, i)}\"{independent}\n");
        }
    }

    private static void ProgramDateTime(StringBuilder text, DateTimeOffset date) =>
        text.Append(CultureInfo.InvariantCulture, $"#EXT-X-PROGRAM-DATE-TIME:{date.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)}\n");

    private static void Line(StringBuilder text, string line) => text.Append(line).Append('\n');
}
