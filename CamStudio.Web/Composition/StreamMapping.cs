using CamStudio.Core.Cameras;
using CamStudio.Media.Streaming;

namespace CamStudio.Web.Composition;

/// <summary>
/// Between the camera model (CamStudio.Core, which owns the JSON wire names) and the media library's own types
/// (CamStudio.Media.Streaming, which knows nothing of the app). Each pair has the same members; the tests in
/// CamStudio.Tests/Web/Composition check that every value maps.
/// </summary>
public static class StreamMapping
{
    public static StreamVariant ToVariant(this StreamQuality quality) =>
        quality == StreamQuality.Stream1 ? StreamVariant.Stream1 : StreamVariant.Stream2;

    public static StreamQuality ToStreamQuality(this StreamVariant variant) =>
        variant == StreamVariant.Stream1 ? StreamQuality.Stream1 : StreamQuality.Stream2;

    public static CameraStreamState ToCameraStreamState(this StreamState state) => state switch
    {
        StreamState.Starting => CameraStreamState.Starting,
        StreamState.Streaming => CameraStreamState.Streaming,
        StreamState.Reconnecting => CameraStreamState.Reconnecting,
        StreamState.AuthFailed => CameraStreamState.AuthFailed,
        StreamState.Stopping => CameraStreamState.Stopping,
        _ => CameraStreamState.Idle,
    };

    public static CameraQualityStatus ToQualityStatus(this StreamStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        return new CameraQualityStatus
        {
            Quality = status.Quality.ToStreamQuality(),
            State = status.State.ToCameraStreamState(),
            IsRunning = status.IsRunning,
            ViewerCount = status.ViewerCount,
            WebRtcViewerCount = status.ViewerCount - status.HlsViewerCount,
            HlsViewerCount = status.HlsViewerCount,
            HlsProblem = status.HlsProblem,
            PeerConnectionCount = status.PeerConnectionCount,
            UptimeSeconds = status.UptimeSeconds,
            LastFrameTime = status.LastFrameTime,
            LastError = status.LastError,
            Fps = status.Fps,
            BitrateKbps = status.BitrateKbps,
            KeyframeIntervalS = status.KeyframeIntervalS,
            ReconnectCount = status.ReconnectCount,
            Width = status.Width,
            Height = status.Height,
            Codec = status.Codec,
            NextAttemptAt = status.NextAttemptAt,
        };
    }
}
