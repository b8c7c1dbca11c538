using CamStudio.Media.Ffmpeg;
using CamStudio.Media.WebRtc;

namespace CamStudio.Media.Streaming;

// Status of a CameraStream: what the API and the dashboard show. The lifecycle is in CameraStream.cs.
public sealed partial class CameraStream
{
    public StreamStatus GetStatus()
    {
        FfmpegSupervisor supervisor;
        int viewers;
        int connected;
        bool running;
        lock (_lock)
        {
            supervisor = _supervisor;
            running = _running;
            viewers = _viewers.Count;
            connected = _viewers.Values.Count(s => s is { State: ViewerSessionState.Connected });
        }

        DateTimeOffset now = _time.GetUtcNow();
        VideoSourceStats stats = Source.Stats;
        bool fresh = stats.LastFrameTime is { } last && now - last <= _options.FrameFreshness;
        StreamState state = Map(supervisor.State);
        if (state == StreamState.Streaming && !fresh)
        {
            // last_frame_time is the truth: a live process that sends nothing is not streaming.
            state = StreamState.Reconnecting;
        }

        return new StreamStatus
        {
            Quality = Quality,
            State = state,
            IsRunning = running,
            ViewerCount = viewers,
            HlsViewerCount = HlsViewerCount,
            HlsProblem = Hls?.Problem,
            PeerConnectionCount = connected,
            UptimeSeconds = supervisor.StartedAt is { } started ? Math.Max(0, (now - started).TotalSeconds) : 0,
            LastFrameTime = stats.LastFrameTime,
            LastError = supervisor.LastError,
            Fps = fresh ? Math.Round(stats.FramesPerSecond, 2) : 0,
            BitrateKbps = fresh ? Math.Round(stats.BitrateKbps, 1) : 0,
            KeyframeIntervalS = Math.Round(stats.KeyFrameIntervalSeconds, 2),
            ReconnectCount = supervisor.ReconnectCount,
            Width = stats.Width,
            Height = stats.Height,
            Codec = supervisor.VideoStream?.DescribeCodec(),
            NextAttemptAt = supervisor.NextAttemptAt,
        };
    }

    internal static StreamState Map(FfmpegSupervisorState state) => state switch
    {
        FfmpegSupervisorState.Starting => StreamState.Starting,
        FfmpegSupervisorState.Streaming => StreamState.Streaming,
        FfmpegSupervisorState.Reconnecting => StreamState.Reconnecting,
        FfmpegSupervisorState.AuthFailed => StreamState.AuthFailed,
        FfmpegSupervisorState.Stopping => StreamState.Stopping,
        _ => StreamState.Idle,
    };
}
