using CamStudio.Media.Audio;

namespace CamStudio.Media.Sdp;

/// <summary>
/// Decides whether the offer's audio section can carry the camera's audio, and with which of the browser's payload
/// types. The camera's audio is never re-encoded for a browser (it travels as one codec for every viewer), so the
/// browser has to offer exactly that codec. Codecs are matched by name and clock rate, never by payload type number:
/// PCMA and PCMU have static numbers (8 and 0, RFC 3551) but browsers may still map them dynamically, and Opus is
/// dynamic everywhere (Chromium 111, Firefox 109).
/// </summary>
public static class AudioCodecSelector
{
    /// <summary>
    /// The offer's audio section and the codec to answer it with, or null when the audio section must be rejected:
    /// <list type="bullet">
    /// <item>the camera's audio is off (<paramref name="codec"/> is null) or the offer has no (enabled) audio section;</item>
    /// <item>the browser does not want to receive audio (sendonly or inactive);</item>
    /// <item>the section is not DTLS-SRTP with rtcp-mux and a mid, or not in the same BUNDLE group as the video
    /// section: CamStudio runs one ICE/DTLS transport per viewer, so audio must ride on the video's (RFC 8843);</item>
    /// <item>none of the offered codecs is the one the camera's audio travels as.</item>
    /// </list>
    /// </summary>
    public static SdpAudioChoice? Choose(SdpOffer offer, AudioCodec? codec)
    {
        ArgumentNullException.ThrowIfNull(offer);
        SdpMediaDescription? audio = offer.Audio;
        SdpMediaDescription? video = offer.Video;
        if (codec is not { } wanted || audio is null || video?.Mid is null || audio.Mid is null)
        {
            return null;
        }

        if (audio.Direction is not (SdpDirection.RecvOnly or SdpDirection.SendRecv) || !audio.RtcpMux
            || !string.Equals(audio.Protocol, video.Protocol, StringComparison.Ordinal)
            || !offer.BundleGroups.Any(g => g.Contains(video.Mid, StringComparer.Ordinal) && g.Contains(audio.Mid, StringComparer.Ordinal)))
        {
            return null;
        }

        SdpCodec? chosen = Select(audio, wanted);
        return chosen is null ? null : new SdpAudioChoice(audio, chosen, wanted);
    }

    /// <summary>The first offered codec (the browser's preference) that is <paramref name="codec"/>, or null.</summary>
    public static SdpCodec? Select(SdpMediaDescription audio, AudioCodec codec)
    {
        ArgumentNullException.ThrowIfNull(audio);
        foreach (SdpCodec offered in audio.Codecs)
        {
            if (Matches(offered, codec))
            {
                return offered;
            }
        }

        return null;
    }

    /// <summary>
    /// True when <paramref name="offered"/> names <paramref name="codec"/>: "opus/48000/2" (RFC 7587 §7 fixes both the
    /// clock rate and the channel count), "PCMA/8000" or "PCMU/8000" (mono; a channel count, if written, must be 1).
    /// </summary>
    public static bool Matches(SdpCodec offered, AudioCodec codec)
    {
        ArgumentNullException.ThrowIfNull(offered);
        return string.Equals(offered.Name, AudioCodecNames.RtpEncodingName(codec), StringComparison.OrdinalIgnoreCase)
            && offered.ClockRate == AudioCodecNames.ClockRate(codec)
            && (offered.Channels ?? 1) == AudioCodecNames.SdpChannels(codec);
    }
}

/// <summary>The audio section to answer, the offered codec chosen in it, and the camera codec that codec carries.</summary>
public sealed record SdpAudioChoice(SdpMediaDescription Section, SdpCodec Codec, AudioCodec AudioCodec);
