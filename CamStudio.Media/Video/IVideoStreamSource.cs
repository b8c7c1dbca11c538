namespace CamStudio.Media.Video;

/// <summary>
/// What a viewer needs from a camera's video (H.264 or H.265): its codec, live packets, the cached GOP on join and on PLI, and the
/// camera's profile so the SDP answer can prefer it. One source outlives FFmpeg restarts, which is how
/// viewers keep their session (no renegotiation) while the camera reconnects.
/// </summary>
public interface IVideoStreamSource
{
    /// <summary>
    /// The codec of the packets: what FFmpeg said the current run sends, else the last run's, else H.264. A session
    /// negotiates this codec; if a later run sends the other one, the session ends (its browser re-offers).
    /// </summary>
    VideoCodec Codec { get; }

    /// <summary>The camera's H.264 profile-level-id (six hex digits, from its SPS), or null before the first SPS.</summary>
    string? ProfileLevelId { get; }

    /// <summary>
    /// The most packets one replay of the cached GOP has needed so far (0 before the first keyframe). A viewer's
    /// retransmission history must hold a whole replay burst, or the burst overwrites its own keyframe before the
    /// browser's NACK for a lost keyframe packet arrives.
    /// </summary>
    int LargestReplayPackets { get; }

    /// <summary>
    /// Copies the packet the source delivered as <see cref="VideoPacketInfo.SourcePacketNumber"/> = <paramref name="packetNumber"/>
    /// (its bytes as delivered: the source's header, before any viewer's rewrite), while the source still keeps it. This is
    /// the one copy per stream that every viewer's NACK answer reads from. Safe from any thread; never throws; false for
    /// unknown, expired or too large packets.
    /// </summary>
    bool TryCopyPacket(long packetNumber, Span<byte> destination, out int bytesWritten)
    {
        bytesWritten = 0;
        return false;
    }

    /// <summary>Starts delivering to <paramref name="sink"/>: first the cached GOP, then live packets.</summary>
    IDisposable Subscribe(IVideoPacketSink sink);

    /// <summary>Replays the cached GOP to one sink (the answer to a PLI).</summary>
    void ResendKeyFrame(IVideoPacketSink sink);

    /// <summary>
    /// FFmpeg's latest sender report for this output (its SSRC names the run), which places the video on the same
    /// timeline as the audio; null when unknown (no report yet, or a source that has none).
    /// </summary>
    Rtcp.RtpClockAnchor? ClockAnchor => null;
}
