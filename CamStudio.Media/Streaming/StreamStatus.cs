namespace CamStudio.Media.Streaming;

/// <summary>
/// Runtime state of one <see cref="CameraStream"/> (camera + quality), as <see cref="CameraStream.GetStatus"/> measures
/// it. The app turns these into its wire model (per camera, with a headline stream); this library has no JSON format.
/// </summary>
public sealed record StreamStatus
{
    public required StreamVariant Quality { get; init; }
    public StreamState State { get; init; } = StreamState.Idle;

    /// <summary>FFmpeg is wanted (viewers, or the grace period after the last one).</summary>
    public bool IsRunning { get; init; }

    /// <summary>Every viewer: WebRTC sessions and HLS clients.</summary>
    public int ViewerCount { get; init; }

    /// <summary>Of <see cref="ViewerCount"/>, the LL-HLS clients (those that fetched within three target durations).</summary>
    public int HlsViewerCount { get; init; }

    /// <summary>Why HLS cannot carry this stream (e.g. B-frames), when that is so.</summary>
    public string? HlsProblem { get; init; }

    /// <summary>Viewers whose DTLS handshake completed.</summary>
    public int PeerConnectionCount { get; init; }

    public double UptimeSeconds { get; init; }
    public DateTimeOffset? LastFrameTime { get; init; }

    /// <summary>The most recent failure, user-facing and already redacted.</summary>
    public string? LastError { get; init; }

    /// <summary>Access units per second; 0 when the last frame is not fresh.</summary>
    public double Fps { get; init; }

    public double BitrateKbps { get; init; }
    public double KeyframeIntervalS { get; init; }
    public int ReconnectCount { get; init; }
    public int Width { get; init; }
    public int Height { get; init; }

    /// <summary>The video as FFmpeg named it on the last run, e.g. "H.265 (Main)"; null before the first run.</summary>
    public string? Codec { get; init; }

    /// <summary>When FFmpeg is next tried while reconnecting or after an authentication failure.</summary>
    public DateTimeOffset? NextAttemptAt { get; init; }
}

/// <summary>Where a stream is in its life. <see cref="Streaming"/> is never reported from a live process alone.</summary>
public enum StreamState
{
    Idle,
    Starting,

    /// <summary>Frames arrived within <see cref="CameraStreamOptions.FrameFreshness"/>.</summary>
    Streaming,

    Reconnecting,

    /// <summary>The camera refused the credentials (401/403); retried slowly.</summary>
    AuthFailed,

    Stopping,
}
