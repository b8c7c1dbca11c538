using CamStudio.Media.Video;

namespace CamStudio.Media.Hls;

/// <summary>
/// One complete access unit as a depacketizer (<see cref="H264RtpDepacketizer"/>, <see cref="H265RtpDepacketizer"/>)
/// hands it out: the NAL units in Annex-B form (each after a 4-byte start code), with the RTP timestamp and SSRC they
/// arrived with. <see cref="AnnexB"/> points into the depacketizer's reused buffer and is only valid during
/// <see cref="IRtpAccessUnitSink.OnAccessUnit"/>.
/// </summary>
public readonly ref struct RtpAccessUnit
{
    public RtpAccessUnit(ReadOnlySpan<byte> annexB, uint rtpTimestamp, uint ssrc, bool isKeyFrame, bool hasPicture,
        VideoCodec codec = VideoCodec.H264)
    {
        AnnexB = annexB;
        RtpTimestamp = rtpTimestamp;
        Ssrc = ssrc;
        IsKeyFrame = isKeyFrame;
        HasPicture = hasPicture;
        Codec = codec;
    }

    /// <summary>The NAL units, each preceded by 00 00 00 01.</summary>
    public ReadOnlySpan<byte> AnnexB { get; }

    /// <summary>The 32-bit 90 kHz RTP timestamp (the presentation time; unwrapping is the receiver's job).</summary>
    public uint RtpTimestamp { get; }

    /// <summary>The RTP SSRC; a new one means a new sender (FFmpeg restarted).</summary>
    public uint Ssrc { get; }

    /// <summary>Holds an IDR slice (H.264 NAL type 5) or an IRAP picture (H.265 types 16-23): a decoder can start here.</summary>
    public bool IsKeyFrame { get; }

    /// <summary>
    /// Holds a coded slice (H.264 NAL types 1-5, H.265 VCL types 0-31). False for an access unit of parameter sets or SEI
    /// alone, which some cameras send with a timestamp of their own before the key frame.
    /// </summary>
    public bool HasPicture { get; }

    /// <summary>The codec whose NAL header layout <see cref="AnnexB"/> uses.</summary>
    public VideoCodec Codec { get; }
}

/// <summary>Receives the access units of a depacketizer, synchronously, on the caller's thread.</summary>
public interface IRtpAccessUnitSink
{
    /// <summary>One complete, undamaged access unit; the bytes are only valid during the call.</summary>
    void OnAccessUnit(in RtpAccessUnit accessUnit);
}
