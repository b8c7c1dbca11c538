namespace CamStudio.Media.Hls;

/// <summary>
/// One complete H.264 access unit (one picture) as the muxer takes it: the NAL units in Annex-B byte-stream form
/// (ITU-T H.264 Annex B: each NAL unit preceded by a 00 00 01 or 00 00 00 01 start code), which is what a depacketiser
/// naturally produces and what FFmpeg's <c>-f h264</c> writes.
/// </summary>
/// <param name="AnnexB">The NAL units of the access unit, starting with a start code.</param>
/// <param name="DecodeTime">
/// Decode time in 90 kHz ticks, already unwrapped to 64 bits and counted from the start of the stream (RTP's 32-bit
/// timestamp wraps every 13 hours; unwrapping is the caller's job). Without B-frames it is also the presentation time.
/// </param>
/// <param name="IsKeyFrame">An IDR access unit, where a decoder can start (becomes a sync sample in the fragment).</param>
public readonly record struct H264AccessUnit(ReadOnlyMemory<byte> AnnexB, long DecodeTime, bool IsKeyFrame);
