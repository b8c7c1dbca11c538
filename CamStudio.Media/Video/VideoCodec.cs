namespace CamStudio.Media.Video;

/// <summary>The video codecs CamStudio passes through without re-encoding.</summary>
public enum VideoCodec
{
    /// <summary>H.264 / AVC, RTP per RFC 6184.</summary>
    H264,

    /// <summary>H.265 / HEVC, RTP per RFC 7798.</summary>
    H265,
}

/// <summary>Names of <see cref="VideoCodec"/> as FFmpeg, SDP and people spell them.</summary>
public static class VideoCodecNames
{
    /// <summary>Maps FFmpeg's codec name ("h264", "hevc") to a codec we pass through; false for anything else.</summary>
    public static bool TryFromFfmpeg(string? ffmpegName, out VideoCodec codec)
    {
        switch (ffmpegName)
        {
            case "h264":
                codec = VideoCodec.H264;
                return true;
            case "hevc" or "h265":
                codec = VideoCodec.H265;
                return true;
            default:
                codec = default;
                return false;
        }
    }

    /// <summary>"H.264" or "H.265", as the dashboard shows it.</summary>
    public static string Display(VideoCodec codec) => codec == VideoCodec.H265 ? "H.265" : "H.264";

    /// <summary>The SDP rtpmap encoding name (RFC 6184 "H264", RFC 7798 "H265").</summary>
    public static string RtpEncodingName(VideoCodec codec) => codec == VideoCodec.H265 ? "H265" : "H264";
}
