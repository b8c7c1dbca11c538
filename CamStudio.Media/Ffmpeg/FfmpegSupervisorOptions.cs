namespace CamStudio.Media.Ffmpeg;

/// <summary>Lifecycle states of a supervised FFmpeg; the status API exposes them in snake_case.</summary>
public enum FfmpegSupervisorState
{
    Idle,
    Starting,
    Streaming,
    Reconnecting,
    AuthFailed,
    Stopping,
}

/// <summary>Timing policy of <see cref="FfmpegSupervisor"/>. Defaults follow the README's backoff section.</summary>
public sealed record FfmpegSupervisorOptions
{
    /// <summary>First retry delay; doubles per consecutive failure.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Each delay is multiplied by a random factor in [1 − Jitter, 1 + Jitter].</summary>
    public double Jitter { get; init; } = 0.2;

    /// <summary>A run that streamed this long before failing resets the backoff to <see cref="InitialBackoff"/>.</summary>
    public TimeSpan StableAfter { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Retry delay after the camera refused the credentials (or the path/codec is wrong): slow, so an
    /// operator's typo never turns into a tight loop that locks the camera account.</summary>
    public TimeSpan ConfigurationErrorRetry { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>No frame for this long while streaming means the stream stalled: restart.</summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a fresh run may take to deliver its first frame (RTSP setup plus waiting for a keyframe).</summary>
    public TimeSpan FirstFrameTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long FFmpeg gets to quit after 'q' before its process tree is killed.</summary>
    public TimeSpan StopGrace { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// A cheap "is the camera there?" check (a TCP connect to its RTSP port), run every <see cref="ProbeInterval"/>
    /// during a backoff. When it sees the camera come back after having seen it gone, FFmpeg starts at once instead
    /// of at the end of the backoff, so viewers resume within about a second of a rebooted camera serving again.
    /// Null (the demo pattern, tests) means plain backoff.
    /// </summary>
    public Func<CancellationToken, Task<bool>>? ReachabilityProbe { get; init; }

    public TimeSpan ProbeInterval { get; init; } = TimeSpan.FromMilliseconds(250);
}

/// <summary>Raised by <see cref="FfmpegSupervisor.StateChanged"/>.</summary>
public sealed class FfmpegStateChangedEventArgs(FfmpegSupervisorState oldState, FfmpegSupervisorState newState, string? lastError)
    : EventArgs
{
    public FfmpegSupervisorState OldState { get; } = oldState;

    public FfmpegSupervisorState NewState { get; } = newState;

    /// <summary>Redacted.</summary>
    public string? LastError { get; } = lastError;
}
