using CamStudio.Media.Streaming;

namespace CamStudio.Web.Cluster;

/// <summary>
/// How the coordinator ends this node's pull of a camera it no longer may serve: the stream host's
/// <see cref="CameraStreamHost.FenceAsync"/> (FFmpeg killed without grace, viewers closed with SourceMoved). A seam so
/// the coordinator's timing can be tested with a recording fence and no FFmpeg.
/// </summary>
public interface ICameraFence
{
    /// <summary>Returns when no FFmpeg of the camera runs on this node any more.</summary>
    Task FenceAsync(int cameraId);

    /// <summary>
    /// True when nobody watches the camera here and no grace period runs: only such a camera is handed to another
    /// node for balance (a watched one moves only when its owner fails).
    /// </summary>
    bool IsIdle(int cameraId);
}

/// <summary>
/// The real fence: the node's <see cref="CameraStreamHost"/>, resolved on first use because the host itself depends on
/// the admission, which asks the coordinator (a constructor cycle otherwise).
/// </summary>
public sealed class CameraStreamHostFence(IServiceProvider services) : ICameraFence
{
    private readonly Lazy<CameraStreamHost> _streams = new(services.GetRequiredService<CameraStreamHost>);

    public Task FenceAsync(int cameraId) => _streams.Value.FenceAsync(cameraId);

    public bool IsIdle(int cameraId) => _streams.Value.Streams.All(s => s.CameraId != cameraId || s.IsIdle);
}
