using System.Globalization;

namespace CamStudio.Media.Sdp;

/// <summary>
/// Picks the offered H.264 codec to answer. Codecs are matched by name and fmtp, never by payload type number:
/// browsers assign dynamic numbers freely (Chromium's H.264 moves between 102, 106, 127, ... across versions).
/// </summary>
public static class H264CodecSelector
{
    /// <summary>Constrained Baseline level 3.1: the one profile every WebRTC browser accepts.</summary>
    public const string ConstrainedBaseline31 = "42e01f";

    // RFC 6184 §8.1: without profile-level-id the stream is Baseline level 1.0.
    private const string DefaultProfileLevelId = "420010";

    /// <summary>
    /// Returns the codec to answer, or null when the section offers no H.264 with packetization-mode=1 (the camera's
    /// FFmpeg packetiser emits FU-A fragments, which mode 0 forbids). Preference, ties broken by offer order
    /// (the browser's own preference):
    /// 1. profile-level-id equal to <paramref name="preferredProfileLevelId"/>;
    /// 2. the same profile at an equal or higher level (the offer's level is the most it can decode);
    /// 3. the same profile at a lower level (decoders do not enforce the level in practice);
    /// 4. 42e01f; 5. any Constrained Baseline; 6. any H.264 with packetization-mode=1.
    /// Steps 4-6 are safe for a High-profile camera with Chromium: its software decoder decodes whatever profile
    /// arrives, so the usual fallback to a 42e01f negotiation still plays a High stream. Other receivers may not,
    /// which is why a real profile match is tried first.
    /// </summary>
    public static SdpCodec? Select(SdpMediaDescription video, string? preferredProfileLevelId)
    {
        ArgumentNullException.ThrowIfNull(video);
        var preferred = TryParseProfileLevelId(preferredProfileLevelId, out var wanted) ? wanted : (H264Profile?)null;

        SdpCodec? best = null;
        var bestRank = int.MaxValue;
        foreach (var codec in video.Codecs)
        {
            if (!IsUsableH264(codec))
            {
                continue;
            }

            var id = codec.GetParameter("profile-level-id") ?? DefaultProfileLevelId;
            if (!TryParseProfileLevelId(id, out var offered))
            {
                continue; // A malformed profile-level-id says nothing we could rely on.
            }

            var rank = Rank(offered, preferred);
            if (rank < bestRank)
            {
                best = codec;
                bestRank = rank;
            }
        }

        return best;
    }

    /// <summary>True for H.264/90000 with packetization-mode=1 (RFC 6184 §8.1; absent means mode 0).</summary>
    public static bool IsUsableH264(SdpCodec codec)
    {
        ArgumentNullException.ThrowIfNull(codec);
        return IsH264(codec) && string.Equals(codec.GetParameter("packetization-mode"), "1", StringComparison.Ordinal);
    }

    public static bool IsH264(SdpCodec codec)
    {
        ArgumentNullException.ThrowIfNull(codec);
        return string.Equals(codec.Name, "H264", StringComparison.OrdinalIgnoreCase) && codec.ClockRate == 90000;
    }

    private static int Rank(H264Profile offered, H264Profile? preferred)
    {
        if (preferred is { } p && offered.Profile == p.Profile)
        {
            if (offered.Level == p.Level)
            {
                return 1;
            }

            return offered.Level > p.Level ? 2 : 3;
        }

        if (offered.Profile == H264ProfileKind.ConstrainedBaseline)
        {
            return offered.Level == 31 ? 4 : 5;
        }

        return 6;
    }

    /// <summary>Parses the 3-byte hex profile-level-id (profile_idc, constraint flags, level_idc) of RFC 6184 §8.1.</summary>
    internal static bool TryParseProfileLevelId(string? text, out H264Profile profile)
    {
        profile = default;
        if (text is null || text.Length != 6
            || !int.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value))
        {
            return false;
        }

        var profileIdc = (value >> 16) & 0xFF;
        var flags = (value >> 8) & 0xFF;
        var level = value & 0xFF;

        // constraint_set3 with level_idc 11 in the Baseline family is level 1b, which sits between 1.0 and 1.1.
        if (level == 11 && (flags & 0x10) != 0 && profileIdc is 0x42 or 0x4D or 0x58)
        {
            level = 10;
        }

        // RFC 6184 Table 5: the profile is profile_idc refined by the constraint flags.
        var kind = profileIdc switch
        {
            0x42 => (flags & 0x40) != 0 ? H264ProfileKind.ConstrainedBaseline : H264ProfileKind.Baseline,
            0x4D => (flags & 0x80) != 0 ? H264ProfileKind.ConstrainedBaseline : H264ProfileKind.Main,
            0x58 => (flags & 0xC0) == 0xC0 ? H264ProfileKind.ConstrainedBaseline
                : (flags & 0x80) != 0 ? H264ProfileKind.Baseline : H264ProfileKind.Extended,
            0x64 => (flags & 0x0C) == 0x0C ? H264ProfileKind.ConstrainedHigh : H264ProfileKind.High,
            0xF4 => H264ProfileKind.High444Predictive,
            _ => H264ProfileKind.Other,
        };
        profile = new H264Profile(kind, level);
        return true;
    }

    internal enum H264ProfileKind
    {
        ConstrainedBaseline,
        Baseline,
        Main,
        Extended,
        ConstrainedHigh,
        High,
        High444Predictive,
        Other,
    }

    internal readonly record struct H264Profile(H264ProfileKind Profile, int Level);
}
