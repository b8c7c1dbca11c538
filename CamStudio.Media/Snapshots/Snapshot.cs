using CamStudio.Media.Streaming;

namespace CamStudio.Media.Snapshots;

/// <summary>One picture of a camera.</summary>
/// <param name="CameraId">The camera.</param>
/// <param name="Quality">The stream it was taken from.</param>
/// <param name="Jpeg">The JPEG bytes (never modified after creation).</param>
/// <param name="TakenAt">When the picture was decoded or grabbed (for a key frame from a running stream: when it was decoded).</param>
/// <param name="FromRunningStream">True when it is the running stream's last key frame, false when grabbed from the camera.</param>
public sealed record Snapshot(int CameraId, StreamVariant Quality, byte[] Jpeg, DateTimeOffset TakenAt, bool FromRunningStream);

/// <summary>Why there is no snapshot.</summary>
public enum SnapshotFailure
{
    None,

    /// <summary>No camera has this id.</summary>
    CameraNotFound,

    /// <summary>The camera could not be reached, refused the credentials, or sent no picture in time.</summary>
    Unavailable,
}

/// <summary>A snapshot, or why there is none (<see cref="Reason"/> is one user-facing sentence, already free of secrets).</summary>
public sealed record SnapshotResult(Snapshot? Snapshot, SnapshotFailure Failure, string? Reason)
{
    public static SnapshotResult Of(Snapshot snapshot) => new(snapshot, SnapshotFailure.None, null);

    public static SnapshotResult NotFound { get; } = new(null, SnapshotFailure.CameraNotFound, null);

    public static SnapshotResult Unavailable(string reason) => new(null, SnapshotFailure.Unavailable, reason);
}
