using CamStudio.Media.Video;

namespace CamStudio.Media.Hls;

/// <summary>
/// One complete access unit (one picture) as the muxer takes it: the NAL units in Annex-B byte-stream form (H.264 and
/// H.265 Annex B alike: each NAL unit preceded by a 00 00 01 or 00 00 00 01 start code), which is what a depacketiser
/// naturally produces and what FFmpeg's <c>-f h264</c> / <c>-f hevc</c> write.
/// </summary>
/// <param name="AnnexB">The NAL units of the access unit, starting with a start code.</param>
/// <param name="DecodeTime">
/// Decode time in 90 kHz ticks, already unwrapped to 64 bits and counted from the start of the stream (RTP's 32-bit
/// timestamp wraps every 13 hours; unwrapping is the caller's job). Without B-frames it is also the presentation time.
/// </param>
/// <param name="IsKeyFrame">An IDR (H.264) or IRAP (H.265) access unit, where a decoder can start (a sync sample).</param>
/// <param name="Codec">Which NAL header layout the units use: it decides which NAL units stay out of the sample.</param>
public readonly record struct VideoAccessUnit(
    ReadOnlyMemory<byte> AnnexB, long DecodeTime, bool IsKeyFrame, VideoCodec Codec = VideoCodec.H264);
