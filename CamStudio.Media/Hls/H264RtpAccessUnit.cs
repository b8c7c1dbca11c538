namespace CamStudio.Media.Hls;

/// <summary>
/// One complete access unit as <see cref="H264RtpDepacketizer"/> hands it out: the NAL units in Annex-B form (each after a
/// 4-byte start code), with the RTP timestamp and SSRC they arrived with. <see cref="AnnexB"/> points into the
/// depacketizer's reused buffer and is only valid during <see cref="IH264AccessUnitSink.OnAccessUnit"/>.
/// </summary>
public readonly ref struct H264RtpAccessUnit
{
    public H264RtpAccessUnit(ReadOnlySpan<byte> annexB, uint rtpTimestamp, uint ssrc, bool isKeyFrame, bool hasPicture)
    {
        AnnexB = annexB;
        RtpTimestamp = rtpTimestamp;
        Ssrc = ssrc;
        IsKeyFrame = isKeyFrame;
        HasPicture = hasPicture;
    }

    /// <summary>The NAL units, each preceded by 00 00 00 01.</summary>
    public ReadOnlySpan<byte> AnnexB { get; }

    /// <summary>The 32-bit 90 kHz RTP timestamp (the presentation time; unwrapping is the receiver's job).</summary>
    public uint RtpTimestamp { get; }

    /// <summary>The RTP SSRC; a new one means a new sender (FFmpeg restarted).</summary>
    public uint Ssrc { get; }

    /// <summary>Holds an IDR slice (NAL type 5): a decoder can start here.</summary>
    public bool IsKeyFrame { get; }

    /// <summary>
    /// Holds a coded slice (NAL types 1-5). False for an access unit of parameter sets or SEI alone, which some cameras
    /// send with a timestamp of their own before the IDR.
    /// </summary>
    public bool HasPicture { get; }
}

/// <summary>Receives the access units of an <see cref="H264RtpDepacketizer"/>, synchronously, on the caller's thread.</summary>
public interface IH264AccessUnitSink
{
    /// <summary>One complete, undamaged access unit; the bytes are only valid during the call.</summary>
    void OnAccessUnit(in H264RtpAccessUnit accessUnit);
}
