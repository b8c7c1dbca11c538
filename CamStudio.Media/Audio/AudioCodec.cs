namespace CamStudio.Media.Audio;

/// <summary>
/// What a camera's audio travels to WebRTC viewers as. G.711 passes through untouched (every WebRTC browser decodes
/// PCMA and PCMU); anything else (AAC, usually) is transcoded to Opus by the FFmpeg that copies the video.
/// </summary>
public enum AudioCodec
{
    /// <summary>G.711 A-law, 8 kHz mono, RTP static payload type 8 (RFC 3551).</summary>
    Pcma,

    /// <summary>G.711 µ-law, 8 kHz mono, RTP static payload type 0 (RFC 3551).</summary>
    Pcmu,

    /// <summary>Opus at 48 kHz (RFC 7587: always "opus/48000/2" in SDP), transcoded from the camera's AAC.</summary>
    Opus,

    /// <summary>
    /// The camera's own AAC, copied untouched as RFC 3640 mpeg4-generic for LL-HLS only (CameraStream's HLS audio
    /// source); never negotiated with a WebRTC browser, which cannot decode AAC there.
    /// </summary>
    Aac,
}

/// <summary>SDP and FFmpeg names of <see cref="AudioCodec"/>.</summary>
public static class AudioCodecNames
{
    /// <summary>The rtpmap encoding name ("PCMA", "PCMU", "opus"; "mpeg4-generic" for the HLS-only AAC).</summary>
    public static string RtpEncodingName(AudioCodec codec) => codec switch
    {
        AudioCodec.Pcma => "PCMA",
        AudioCodec.Pcmu => "PCMU",
        AudioCodec.Aac => "mpeg4-generic", // never offered by a browser, so never matched: AAC stays out of WebRTC answers
        _ => "opus",
    };

    /// <summary>The RTP clock rate: 8000 for G.711, 48000 for Opus.</summary>
    public static int ClockRate(AudioCodec codec) => codec == AudioCodec.Opus ? 48_000 : 8_000;

    /// <summary>The SDP channel count (RFC 7587 §7: Opus is always signalled as 2).</summary>
    public static int SdpChannels(AudioCodec codec) => codec == AudioCodec.Opus ? 2 : 1;

    /// <summary>Maps FFmpeg's codec name of the camera's audio to the G.711 we pass through; false means transcode to Opus.</summary>
    public static bool TryPassThrough(string? ffmpegName, out AudioCodec codec)
    {
        switch (ffmpegName)
        {
            case "pcm_alaw":
                codec = AudioCodec.Pcma;
                return true;
            case "pcm_mulaw":
                codec = AudioCodec.Pcmu;
                return true;
            default:
                codec = AudioCodec.Opus;
                return false;
        }
    }
}
