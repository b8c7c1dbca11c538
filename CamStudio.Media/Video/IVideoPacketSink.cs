namespace CamStudio.Media.Video;

/// <summary>
/// Receives the packets of one H.264 source (<c>Streaming/VideoRtpSource</c>). Called synchronously on the source's receive thread while
/// the source holds its fan-out lock, so an implementation must be quick and must not block: copy the packet (the span
/// is only valid during the call), rewrite, protect, send, return.
/// </summary>
public interface IVideoPacketSink
{
    void OnPacket(ReadOnlySpan<byte> rtpPacket, in VideoPacketInfo info);
}
