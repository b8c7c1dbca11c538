namespace CamStudio.Core.Cameras;

/// <summary>
/// What a camera is doing right now. Defined here so the wire format is fixed; the streams layer fills it in.
/// </summary>
public sealed record CameraRuntimeStatus
{
    /// <summary>Browsers watch over WebRTC (the default, and whenever any viewer does).</summary>
    public const string WebRtcStreamType = "webrtc";

    /// <summary>Every viewer of the camera is an LL-HLS client (the fallback where WebRTC cannot reach).</summary>
    public const string HlsStreamType = "hls";

    public required int CameraId { get; init; }
    public bool IsRunning { get; init; }

    /// <summary>Every viewer: WebRTC sessions plus HLS clients.</summary>
    public int ViewerCount { get; init; }

    /// <summary>"hls" when HLS is all that is being served (every viewer is an HLS client), otherwise "webrtc".</summary>
    public string StreamType { get; init; } = WebRtcStreamType;

    /// <summary>Of <see cref="ViewerCount"/>, the WebRTC sessions.</summary>
    [System.Text.Json.Serialization.JsonPropertyName("webrtc_viewer_count")] // not the naming policy's web_rtc_…
    public int WebRtcViewerCount { get; init; }

    /// <summary>Of <see cref="ViewerCount"/>, the LL-HLS clients (those that fetched within three target durations).</summary>
    public int HlsViewerCount { get; init; }

    public double UptimeSeconds { get; init; }
    public DateTimeOffset? LastFrameTime { get; init; }
    public int PeerConnectionCount { get; init; }

    /// <summary>The state of the camera's busiest stream; see <see cref="Streams"/> for each quality.</summary>
    public CameraStreamState State { get; init; } = CameraStreamState.Idle;

    /// <summary>The most recent failure, user-facing and with credentials redacted; kept after recovery as history.</summary>
    public string? LastError { get; init; }

    /// <summary>Measured access units per second (0 when no recent frame).</summary>
    public double Fps { get; init; }

    public double BitrateKbps { get; init; }

    /// <summary>Seconds between the camera's last two keyframes.</summary>
    public double KeyframeIntervalS { get; init; }

    /// <summary>FFmpeg restarts after failures since the stream was started.</summary>
    public int ReconnectCount { get; init; }

    /// <summary>One entry per quality (stream1/stream2) that has a stream in memory; empty when idle.</summary>
    public IReadOnlyList<CameraQualityStatus> Streams { get; init; } = [];

    /// <summary>Whether the camera answers, streaming or not (the background health check); null where no checker runs.</summary>
    public Health.CameraHealth? Health { get; init; }

    /// <summary>
    /// The cluster node serving the camera (its <c>Cluster:NodeName</c>); null on a single node, and in a cluster while
    /// nobody serves it or its owner's status has not arrived for a while (shown as "moving").
    /// </summary>
    public string? Node { get; init; }

    /// <summary>A camera with no stream and no viewers.</summary>
    public static CameraRuntimeStatus Idle(int cameraId) => new() { CameraId = cameraId };
}

/// <summary>Runtime state of one stream (camera + quality).</summary>
public sealed record CameraQualityStatus
{
    public required StreamQuality Quality { get; init; }
    public CameraStreamState State { get; init; } = CameraStreamState.Idle;
    public bool IsRunning { get; init; }
    public int ViewerCount { get; init; }

    /// <summary>Of <see cref="ViewerCount"/>, the WebRTC sessions.</summary>
    [System.Text.Json.Serialization.JsonPropertyName("webrtc_viewer_count")] // not the naming policy's web_rtc_…
    public int WebRtcViewerCount { get; init; }

    /// <summary>Of <see cref="ViewerCount"/>, the LL-HLS clients.</summary>
    public int HlsViewerCount { get; init; }

    /// <summary>Why HLS cannot carry this stream (e.g. the camera sends B-frames), when that is so.</summary>
    public string? HlsProblem { get; init; }

    public int PeerConnectionCount { get; init; }
    public double UptimeSeconds { get; init; }
    public DateTimeOffset? LastFrameTime { get; init; }
    public string? LastError { get; init; }
    public double Fps { get; init; }
    public double BitrateKbps { get; init; }
    public double KeyframeIntervalS { get; init; }
    public int ReconnectCount { get; init; }
    public int Width { get; init; }
    public int Height { get; init; }

    /// <summary>The camera's video codec and profile as FFmpeg named it, e.g. "H.265 (Main)"; null before its first run.</summary>
    public string? Codec { get; init; }

    /// <summary>When FFmpeg is next tried while reconnecting or after an authentication failure.</summary>
    public DateTimeOffset? NextAttemptAt { get; init; }
}

/// <summary>Where a camera stream is in its life; wire names are snake_case.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(WireEnumConverter<CameraStreamState>))]
public enum CameraStreamState
{
    [System.Text.Json.Serialization.JsonStringEnumMemberName("idle")]
    Idle,

    [System.Text.Json.Serialization.JsonStringEnumMemberName("starting")]
    Starting,

    /// <summary>Frames arrived within the last few seconds. Never reported from a live process alone.</summary>
    [System.Text.Json.Serialization.JsonStringEnumMemberName("streaming")]
    Streaming,

    [System.Text.Json.Serialization.JsonStringEnumMemberName("reconnecting")]
    Reconnecting,

    [System.Text.Json.Serialization.JsonStringEnumMemberName("auth_failed")]
    AuthFailed,

    [System.Text.Json.Serialization.JsonStringEnumMemberName("stopping")]
    Stopping,
}

/// <summary>A camera's configuration plus its <see cref="Status"/>, as <c>GET /api/cameras</c> returns it.</summary>
public sealed record CameraWithStatus : CameraResponse
{
    [System.Diagnostics.CodeAnalysis.SetsRequiredMembers]
    public CameraWithStatus(CameraResponse camera, CameraRuntimeStatus status)
        : base(camera)
    {
        Status = status;
    }

    [System.Text.Json.Serialization.JsonPropertyOrder(1)]
    public CameraRuntimeStatus Status { get; init; }
}

/// <summary>
/// Reports runtime status. The default reports every camera idle; the web layer registers its own
/// implementation over the media library's streams (CamStudio.Web/Composition), which replaces this one.
/// </summary>
public interface ICameraRuntimeStatusProvider
{
    CameraRuntimeStatus GetStatus(int cameraId);
}

/// <summary>The provider used until streams exist: every camera is idle.</summary>
public sealed class IdleCameraRuntimeStatusProvider : ICameraRuntimeStatusProvider
{
    public CameraRuntimeStatus GetStatus(int cameraId) => CameraRuntimeStatus.Idle(cameraId);
}
