namespace CamStudio.Media.Streaming;

/// <summary>A snapshot of what an <see cref="VideoRtpSource"/> has measured.</summary>
public sealed record VideoSourceStats
{
    /// <summary>The codec of the payloads (what FFmpeg said the current or last run sends).</summary>
    public Video.VideoCodec Codec { get; init; }

    public DateTimeOffset? LastPacketTime { get; init; }
    public DateTimeOffset? LastFrameTime { get; init; }

    /// <summary>Access units per second over the last completed window of at least 2 s of RTP (90 kHz) time.</summary>
    public double FramesPerSecond { get; init; }

    /// <summary>RTP bits per second (headers included) over the last window of at least 1 s of arrivals, in kbit/s.</summary>
    public double BitrateKbps { get; init; }

    /// <summary>Seconds between the last two keyframes, from their RTP timestamps (0 until two were seen).</summary>
    public double KeyFrameIntervalSeconds { get; init; }

    public int Width { get; init; }
    public int Height { get; init; }

    /// <summary>RFC 6184 profile-level-id from the SPS, e.g. "640028" (null until an SPS was seen).</summary>
    public string? ProfileLevelId { get; init; }

    public long Packets { get; init; }
    public long Frames { get; init; }
    public long KeyFrames { get; init; }

    /// <summary>Datagrams that were not RTP version 2 (or too large), dropped.</summary>
    public long DroppedPackets { get; init; }

    public int GopCacheBytes { get; init; }
    public int GopCachePackets { get; init; }
    public bool GopCacheTruncated { get; init; }
}
