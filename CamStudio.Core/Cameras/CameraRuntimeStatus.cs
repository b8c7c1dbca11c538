namespace CamStudio.Core.Cameras;

/// <summary>
/// What a camera is doing right now. Defined here so the wire format is fixed; the streams layer fills it in.
/// </summary>
public sealed record CameraRuntimeStatus
{
    /// <summary>The only transport CamStudio relays to browsers.</summary>
    public const string WebRtcStreamType = "webrtc";

    public required int CameraId { get; init; }
    public bool IsRunning { get; init; }
    public int ViewerCount { get; init; }
    public string StreamType { get; init; } = WebRtcStreamType;
    public double UptimeSeconds { get; init; }
    public DateTimeOffset? LastFrameTime { get; init; }
    public int PeerConnectionCount { get; init; }

    /// <summary>A camera with no stream and no viewers.</summary>
    public static CameraRuntimeStatus Idle(int cameraId) => new() { CameraId = cameraId };
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
/// Reports runtime status. The default reports every camera idle; the streams layer registers its own
/// implementation, which replaces this one.
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
