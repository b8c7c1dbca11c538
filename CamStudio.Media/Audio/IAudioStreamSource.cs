namespace CamStudio.Media.Audio;

/// <summary>
/// A camera's audio for viewers: RTP packets of one <see cref="Codec"/>, fanned out live (audio needs no cache: every
/// packet is independently decodable). One source per camera stream, living as long as the stream, like the video
/// source.
/// </summary>
public interface IAudioStreamSource
{
    /// <summary>
    /// The codec of the packets this stream sends (or will send on its next run); null when the camera's audio is
    /// off in its settings. A session negotiates this codec; when a later run sends another one the session ends and
    /// its player re-offers (as for a video codec change).
    /// </summary>
    AudioCodec? Codec { get; }

    /// <summary>Starts delivering live packets to <paramref name="sink"/>. Dispose the result to stop.</summary>
    IDisposable Subscribe(IAudioPacketSink sink);

    /// <summary>FFmpeg's latest sender report for the audio output; null when unknown (see IVideoStreamSource).</summary>
    Rtcp.RtpClockAnchor? ClockAnchor => null;
}

/// <summary>Receives a camera's audio RTP packets; called on the source's receive loop, so it must not block.</summary>
public interface IAudioPacketSink
{
    /// <summary>One RTP packet (header and payload, as FFmpeg sent it); only valid during the call.</summary>
    void OnAudioPacket(ReadOnlySpan<byte> rtpPacket, in AudioPacketInfo info);
}

/// <summary>What the audio source knows about one packet.</summary>
/// <param name="Codec">The payload's codec.</param>
/// <param name="SourceTimestamp">The RTP timestamp FFmpeg put on it (clock rate of <paramref name="Codec"/>).</param>
/// <param name="SourceSsrc">FFmpeg's SSRC (changes when FFmpeg restarts).</param>
/// <param name="SourceSequenceNumber">FFmpeg's sequence number.</param>
public readonly record struct AudioPacketInfo(AudioCodec Codec, uint SourceTimestamp, uint SourceSsrc, ushort SourceSequenceNumber);
