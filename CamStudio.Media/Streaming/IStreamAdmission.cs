namespace CamStudio.Media.Streaming;

/// <summary>
/// Whether this process may contact a camera now: start (or restart) its FFmpeg, or take a one-shot grab. One node asks
/// nobody (<see cref="AllowAllStreamAdmission"/>); in a cluster only the node holding the camera's lease may, so two
/// nodes never pull one camera. Asked before every launch, including the supervisor's relaunches after a crash or a
/// backoff, because a lease can be lost while a stream runs.
/// </summary>
public interface IStreamAdmission
{
    /// <summary>
    /// True when <paramref name="cameraId"/> may be pulled now. Called on the supervision loop and on request paths:
    /// it must answer from memory, at once, and never throw.
    /// </summary>
    bool MayRun(int cameraId);
}

/// <summary>The single-node admission: every camera may always run (today's behaviour).</summary>
public sealed class AllowAllStreamAdmission : IStreamAdmission
{
    public static AllowAllStreamAdmission Instance { get; } = new();

    public bool MayRun(int cameraId) => true;
}

/// <summary>
/// <see cref="CameraStreamHost.GetOrCreateAsync"/> refused a camera because <see cref="IStreamAdmission"/> does not let
/// this process pull it now (in a cluster: another node serves it, or it is moving). Like the host's
/// <see cref="ObjectDisposedException"/> at shutdown, callers turn it into a retryable refusal.
/// </summary>
public sealed class StreamNotAdmittedException : InvalidOperationException
{
    public StreamNotAdmittedException()
    {
    }

    public StreamNotAdmittedException(string message)
        : base(message)
    {
    }

    public StreamNotAdmittedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public StreamNotAdmittedException(int cameraId)
        : base(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Camera {cameraId} may not be pulled by this node now."))
    {
        CameraId = cameraId;
    }

    public int CameraId { get; }
}
