namespace CamStudio.Media.Hls;

/// <summary>Limits and timing of one stream's <see cref="HlsPartStore"/>. All durations are 90 kHz ticks, the media clock.</summary>
public sealed record HlsPartStoreOptions
{
    /// <summary>90 kHz ticks per second.</summary>
    public const long Clock = 90_000;

    /// <summary>
    /// EXT-X-TARGETDURATION in seconds. It MUST NOT change (§6.2.1) and every segment rounded to whole seconds MUST fit
    /// in it (§4.4.3.1), so the store closes a segment early, at a non-independent part, rather than exceed it: choose it
    /// at least as long as the camera's key-frame interval plus <see cref="SegmentDuration"/>.
    /// </summary>
    public int TargetDurationSeconds { get; init; } = 4;

    /// <summary>A segment closes at the first independent part once it is at least this long.</summary>
    public long SegmentDuration { get; init; } = 2 * Clock;

    /// <summary>
    /// EXT-X-PART-INF PART-TARGET; every part MUST be at most this long (§4.4.4.9). A third of a second: hls.js in
    /// low-latency mode plays PART-HOLD-BACK = 3 × PART-TARGET behind the live edge, so this keeps that at 1 s (0.5 s
    /// parts would make it 1.5 s, the whole latency budget of issue 14). <see cref="HlsPackager"/> rounds it to whole
    /// frames of the camera.
    /// </summary>
    public long PartTarget { get; init; } = Clock / 3;

    /// <summary>Complete segments kept (the playlist window).</summary>
    public int MaxSegments { get; init; } = 6;

    /// <summary>
    /// Bytes of all parts kept, complete and open segments together. Old segments are evicted until both bounds hold,
    /// keeping at least the newest complete segment, so memory stays under this plus one segment's worth.
    /// </summary>
    public long MaxBytes { get; init; } = 8 * 1024 * 1024;

    /// <summary>Bound of a blocking wait; §6.2.5.2 suggests answering 503 after three target durations. Null = that.</summary>
    public TimeSpan? BlockingTimeout { get; init; }

    internal TimeSpan EffectiveBlockingTimeout => BlockingTimeout ?? TimeSpan.FromSeconds(3 * TargetDurationSeconds);

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(TargetDurationSeconds, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(PartTarget, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(SegmentDuration, PartTarget);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(SegmentDuration, TargetDurationSeconds * Clock);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxSegments, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBytes, 1);
        if (BlockingTimeout is { } timeout)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        }
    }
}
