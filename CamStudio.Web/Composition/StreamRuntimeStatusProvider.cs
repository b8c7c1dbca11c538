using CamStudio.Core.Cameras;
using CamStudio.Media.Streaming;

namespace CamStudio.Web.Composition;

/// <summary>
/// The app's <see cref="ICameraRuntimeStatusProvider"/>: the camera's streams in <see cref="CameraStreamHost"/>, one entry
/// per quality plus a headline, in Core's wire model.
/// </summary>
internal sealed class StreamRuntimeStatusProvider(CameraStreamHost streams) : ICameraRuntimeStatusProvider
{
    public CameraRuntimeStatus GetStatus(int cameraId) => Aggregate(cameraId, streams.GetStatuses(cameraId));

    /// <summary>The headline is the stream people watch (or the one that is busy); the list has each quality.</summary>
    public static CameraRuntimeStatus Aggregate(int cameraId, IReadOnlyList<StreamStatus> statuses)
    {
        ArgumentNullException.ThrowIfNull(statuses);
        CameraQualityStatus[] qualities = [.. statuses.Select(s => s.ToQualityStatus()).OrderBy(s => s.Quality)];
        if (qualities.Length == 0)
        {
            return CameraRuntimeStatus.Idle(cameraId);
        }

        CameraQualityStatus main = qualities
            .OrderByDescending(s => s.ViewerCount)
            .ThenByDescending(s => s.IsRunning)
            .First();
        int hls = qualities.Sum(s => s.HlsViewerCount);
        int webRtc = qualities.Sum(s => s.WebRtcViewerCount);
        return new CameraRuntimeStatus
        {
            CameraId = cameraId,
            IsRunning = qualities.Any(s => s.IsRunning),
            ViewerCount = qualities.Sum(s => s.ViewerCount),
            WebRtcViewerCount = webRtc,
            HlsViewerCount = hls,
            StreamType = hls > 0 && webRtc == 0 ? CameraRuntimeStatus.HlsStreamType : CameraRuntimeStatus.WebRtcStreamType,
            PeerConnectionCount = qualities.Sum(s => s.PeerConnectionCount),
            UptimeSeconds = main.UptimeSeconds,
            LastFrameTime = main.LastFrameTime,
            State = main.State,
            LastError = main.LastError,
            Fps = main.Fps,
            BitrateKbps = main.BitrateKbps,
            KeyframeIntervalS = main.KeyframeIntervalS,
            ReconnectCount = main.ReconnectCount,
            Streams = qualities,
        };
    }
}
