namespace CamStudio.Media.Sdp;

/// <summary>
/// Picks the offered H.265 codec to answer for an H.265 camera (RFC 7798 §7.1). Matched by name, never by payload
/// type. Browsers that decode H.265 (Safari; Chromium with a hardware decoder) offer it alongside H.264.
/// </summary>
public static class H265CodecSelector
{
    /// <summary>
    /// Returns the codec to answer, or null when the section offers no H.265. Preference, ties broken by offer order:
    /// Main profile (profile-id 1, also the default when absent) first, then Main 10 (2), then any other H.265 — the
    /// camera's bitstream is sent as is, and a decoder that offers a profile decodes its subsets.
    /// The answer echoes the chosen codec's fmtp, so tier-flag and level-id stay those the browser can decode; the
    /// camera's own level is not enforced by decoders in practice (as with H.264).
    /// </summary>
    public static SdpCodec? Select(SdpMediaDescription video)
    {
        ArgumentNullException.ThrowIfNull(video);
        SdpCodec? best = null;
        int bestRank = int.MaxValue;
        foreach (SdpCodec codec in video.Codecs)
        {
            if (!IsH265(codec))
            {
                continue;
            }

            int rank = codec.GetParameter("profile-id") switch
            {
                null or "1" => 0,
                "2" => 1,
                _ => 2,
            };
            if (rank < bestRank)
            {
                best = codec;
                bestRank = rank;
            }
        }

        return best;
    }

    /// <summary>True for H265/90000.</summary>
    public static bool IsH265(SdpCodec codec)
    {
        ArgumentNullException.ThrowIfNull(codec);
        return string.Equals(codec.Name, "H265", StringComparison.OrdinalIgnoreCase) && codec.ClockRate == 90000;
    }
}
