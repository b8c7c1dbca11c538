namespace CamStudio.Media.Video;

/// <summary>What the video source learned about one RTP packet it hands to a sink.</summary>
/// <param name="IsKeyFrameStart">First packet of an access unit that opens a GOP (starts with parameter sets or an IDR/IRAP picture).</param>
/// <param name="IsAccessUnitEnd">Last packet of an access unit (the marker bit as sent).</param>
/// <param name="IsFromCache">Replayed from the GOP cache (late join or PLI answer) rather than received just now.</param>
/// <param name="SourceTimestamp">The RTP timestamp the camera stream put on the packet.</param>
/// <param name="SourceSsrc">The SSRC of the camera stream (changes when FFmpeg restarts).</param>
/// <param name="SourceSequenceNumber">The sequence number of the camera stream.</param>
/// <param name="Codec">The payload's codec: RFC 6184 H.264 or RFC 7798 H.265 (changes only across an FFmpeg restart).</param>
/// <param name="SourcePacketNumber">The source's own number for this packet (increasing, never reused; 0 = none), by which
/// <see cref="IVideoStreamSource.TryCopyPacket"/> finds its bytes again for a retransmission.</param>
public readonly record struct VideoPacketInfo(
    bool IsKeyFrameStart,
    bool IsAccessUnitEnd,
    bool IsFromCache,
    uint SourceTimestamp,
    uint SourceSsrc = 0,
    ushort SourceSequenceNumber = 0,
    VideoCodec Codec = VideoCodec.H264,
    long SourcePacketNumber = 0);
