using System.Diagnostics;
using System.Globalization;
using CamStudio.Core.Cameras;
using CamStudio.Core.Health;
using CamStudio.Media.Rtsp;
using CamStudio.Media.WebRtc;

namespace CamStudio.Web.Operations;

/// <summary>
/// Gathers a scrape: per-camera runtime status (via <see cref="ICameraRuntimeStatusProvider"/>, for every camera in the
/// store), the WebRTC server's sessions and UDP counters when the media plane is registered, and process figures.
/// Computed on demand: nothing runs between scrapes.
/// </summary>
public sealed class MetricsCollector(
    ICameraStore cameras,
    ICameraRuntimeStatusProvider statusProvider,
    IServiceProvider services,
    TimeProvider timeProvider)
{
    public async Task<string> CollectAsync(CancellationToken cancellationToken)
    {
        var writer = new PrometheusTextWriter();
        IReadOnlyList<CameraResponse> all = await cameras.ListAsync(cancellationToken);
        WriteCameras(writer, all);
        WriteHealth(writer, all, services.GetService<RtspDescribeClient>());
        WriteWebRtc(writer, services.GetService<WebRtcServer>());
        if (services.GetService<Cluster.RedisConnection>() is { } redis)
        {
            // Cluster mode only: a single node has no Redis and no such series.
            writer.Single("camstudio_redis_connected", "gauge", "1 while this node's Redis connection is up (cluster mode).", redis.IsConnected ? 1 : 0);
        }

        if (services.GetService<Cluster.ClusterCoordinator>() is { } coordinator)
        {
            WriteCluster(writer, coordinator);
        }

        WriteProcess(writer);
        return writer.ToString();
    }

    private void WriteCameras(PrometheusTextWriter writer, IReadOnlyList<CameraResponse> all)
    {
        CameraRuntimeStatus[] statuses = [.. all.Select(c => statusProvider.GetStatus(c.CameraId))];
        DateTimeOffset now = timeProvider.GetUtcNow();

        writer.Single("camstudio_cameras", "gauge", "Cameras configured.", all.Count);

        writer.Declare("camstudio_camera_info", "gauge", "Configured camera (value always 1); joins camera_id to its name.");
        foreach (CameraResponse camera in all)
        {
            writer.Sample("camstudio_camera_info", 1, ("camera_id", Id(camera.CameraId)), ("name", camera.Name));
        }

        PerCamera(writer, statuses, "camstudio_camera_running", "1 while the camera's stream is running.", s => s.IsRunning ? 1 : 0);
        PerCamera(writer, statuses, "camstudio_camera_viewers", "Viewers watching the camera (WebRTC and HLS).", s => s.ViewerCount);
        PerCamera(writer, statuses, "camstudio_camera_hls_viewers", "Of the viewers, LL-HLS clients (fetched within three target durations).", s => s.HlsViewerCount);
        PerCamera(writer, statuses, "camstudio_camera_peer_connections", "WebRTC peer connections of the camera.", s => s.PeerConnectionCount);
        PerCamera(writer, statuses, "camstudio_camera_uptime_seconds", "Seconds the camera's stream has been running.", s => s.UptimeSeconds);
        PerCamera(writer, statuses, "camstudio_camera_fps", "Measured frames per second of the camera's stream.", s => s.Fps);
        PerCamera(writer, statuses, "camstudio_camera_bitrate_kbps", "Measured bitrate of the camera's stream in kbit/s.", s => s.BitrateKbps);
        PerCamera(writer, statuses, "camstudio_camera_keyframe_interval_seconds", "Seconds between the camera's last two keyframes.", s => s.KeyframeIntervalS);
        PerCamera(writer, statuses, "camstudio_camera_reconnects", "FFmpeg restarts after failures since the stream started.", s => s.ReconnectCount);

        writer.Declare("camstudio_camera_state", "gauge", "1 for the camera's current stream state (idle, starting, streaming, reconnecting, auth_failed, stopping).");
        foreach (CameraRuntimeStatus status in statuses)
        {
            writer.Sample("camstudio_camera_state", 1, ("camera_id", Id(status.CameraId)), ("state", StateName(status.State)));
        }

        writer.Declare("camstudio_camera_last_frame_age_seconds", "gauge", "Seconds since the camera's last frame (absent before the first frame).");
        foreach (CameraRuntimeStatus status in statuses)
        {
            if (status.LastFrameTime is { } last)
            {
                writer.Sample("camstudio_camera_last_frame_age_seconds", Math.Max(0, (now - last).TotalSeconds), ("camera_id", Id(status.CameraId)));
            }
        }
    }

    private static readonly (CameraHealthState State, string Name)[] s_healthStates =
    [
        (CameraHealthState.Unknown, "unknown"), (CameraHealthState.Online, "online"), (CameraHealthState.Offline, "offline"),
        (CameraHealthState.WrongPassword, "wrong_password"), (CameraHealthState.StreamNotFound, "stream_not_found"),
        (CameraHealthState.UnsupportedCodec, "unsupported_codec"),
    ];

    private void WriteHealth(PrometheusTextWriter writer, IReadOnlyList<CameraResponse> all, RtspDescribeClient? client)
    {
        CameraHealth[] health = [.. all.Select(c => statusProvider.GetStatus(c.CameraId).Health ?? CameraHealth.Unknown(c.CameraId))];
        DateTimeOffset now = timeProvider.GetUtcNow();

        // One series per state (1 for the current one, 0 for the others), so alerts can match a state directly.
        writer.Declare("camstudio_camera_health", "gauge", "1 for the camera's current health state (unknown, online, offline, wrong_password, stream_not_found, unsupported_codec), 0 for the others.");
        foreach (CameraHealth camera in health)
        {
            foreach ((CameraHealthState state, string name) in s_healthStates)
            {
                writer.Sample("camstudio_camera_health", camera.State == state ? 1 : 0, ("camera_id", Id(camera.CameraId)), ("state", name));
            }
        }

        writer.Declare("camstudio_camera_last_seen_age_seconds", "gauge", "Seconds since the camera last answered a health check or sent a frame (absent if never).");
        foreach (CameraHealth camera in health)
        {
            if (camera.LastSeen is { } seen)
            {
                writer.Sample("camstudio_camera_last_seen_age_seconds", Math.Max(0, (now - seen).TotalSeconds), ("camera_id", Id(camera.CameraId)));
            }
        }

        if (client is not null)
        {
            writer.Single("camstudio_health_describe_requests_total", "counter", "RTSP DESCRIBE requests sent by the background health checks.", client.RequestsSent);
        }
    }

    private static string StateName(CameraStreamState state) => state switch
    {
        CameraStreamState.Idle => "idle",
        CameraStreamState.Starting => "starting",
        CameraStreamState.Streaming => "streaming",
        CameraStreamState.Reconnecting => "reconnecting",
        CameraStreamState.AuthFailed => "auth_failed",
        _ => "stopping",
    };

    private static void PerCamera(
        PrometheusTextWriter writer, CameraRuntimeStatus[] statuses, string name, string help, Func<CameraRuntimeStatus, double> value)
    {
        writer.Declare(name, "gauge", help);
        foreach (CameraRuntimeStatus status in statuses)
        {
            writer.Sample(name, value(status), ("camera_id", Id(status.CameraId)));
        }
    }

    private static void WriteWebRtc(PrometheusTextWriter writer, WebRtcServer? server)
    {
        writer.Single("camstudio_webrtc_enabled", "gauge", "1 when the WebRTC media plane is registered.", server is null ? 0 : 1);
        if (server is null)
        {
            return;
        }

        writer.Single("camstudio_webrtc_udp_bound", "gauge", "1 while the shared UDP media socket is bound.", server.LocalEndPoint is null ? 0 : 1);
        writer.Single("camstudio_webrtc_sessions", "gauge", "Open viewer sessions.", server.SessionCount);
        writer.Single("camstudio_webrtc_sessions_created_total", "counter", "Viewer sessions created.", server.SessionsCreated);
        writer.Single("camstudio_webrtc_offers_rejected_total", "counter", "SDP offers rejected.", server.OffersRejected);
        if (server.MuxCounters is not { } mux)
        {
            return;
        }

        writer.Declare("camstudio_webrtc_udp_datagrams_total", "counter", "Datagrams on the shared UDP socket by outcome.");
        foreach ((string kind, long value) in (ReadOnlySpan<(string, long)>)
        [
            ("received", mux.Received), ("dtls", mux.Dtls), ("rtcp", mux.Rtcp),
            ("stun_answered", mux.StunAnswered), ("stun_error_sent", mux.StunErrorsSent),
            ("dropped_unknown_endpoint", mux.DroppedUnknownEndpoint), ("dropped_bad_stun", mux.DroppedBadStun),
            ("dropped_garbage", mux.DroppedGarbage),
        ])
        {
            writer.Sample("camstudio_webrtc_udp_datagrams_total", value, ("kind", kind));
        }

        writer.Declare("camstudio_webrtc_udp_errors_total", "counter", "Errors on the shared UDP socket by kind.");
        writer.Sample("camstudio_webrtc_udp_errors_total", mux.SendErrors, ("kind", "send"));
        writer.Sample("camstudio_webrtc_udp_errors_total", mux.ReceiveErrors, ("kind", "receive"));
        writer.Sample("camstudio_webrtc_udp_errors_total", mux.HandlerErrors, ("kind", "handler"));
        writer.Single("camstudio_webrtc_consent_expired_total", "counter", "Sessions closed because ICE consent expired.", mux.ConsentExpired);
    }

    /// <summary>
    /// Cluster mode: the node's own leases and lease events, labelled with the node, so a Prometheus scraping every node
    /// sums them without double counting (each camera is held by one node).
    /// </summary>
    private static void WriteCluster(PrometheusTextWriter writer, Cluster.ClusterCoordinator coordinator)
    {
        (string, string) node = ("node", coordinator.NodeName);
        writer.Declare("camstudio_node_info", "gauge", "This cluster node (value always 1); the node label of the series below.");
        writer.Sample("camstudio_node_info", 1, node);
        writer.Declare("camstudio_cluster_leases", "gauge", "Camera leases this node holds now (the cameras it serves).");
        writer.Sample("camstudio_cluster_leases", coordinator.LocalCameras.Count, node);
        writer.Declare("camstudio_cluster_lease_renew_failures_total", "counter", "Lease renewals that failed (database unreachable or slow).");
        writer.Sample("camstudio_cluster_lease_renew_failures_total", coordinator.RenewFailuresTotal, node);
        writer.Declare("camstudio_cluster_fenced_total", "counter", "Cameras this node stopped because it no longer held their lease (lost, expired, handed off, stopped).");
        writer.Sample("camstudio_cluster_fenced_total", coordinator.FencedTotal, node);
        writer.Declare("camstudio_cluster_claims_total", "counter", "Camera leases this node claimed.");
        writer.Sample("camstudio_cluster_claims_total", coordinator.ClaimsTotal, node);
    }

    private static void WriteProcess(PrometheusTextWriter writer)
    {
        using Process process = Process.GetCurrentProcess();
        writer.Single("process_cpu_seconds_total", "counter", "User and system CPU time spent in seconds.", process.TotalProcessorTime.TotalSeconds);
        writer.Single("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.", process.WorkingSet64);
        writer.Single("process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.", process.VirtualMemorySize64);
        writer.Single("process_start_time_seconds", "gauge", "Start time of the process since unix epoch in seconds.",
            new DateTimeOffset(process.StartTime.ToUniversalTime()).ToUnixTimeMilliseconds() / 1000.0);
        writer.Single("process_threads", "gauge", "OS threads of the process.", process.Threads.Count);

        // GetTotalMemory rather than GCMemoryInfo: the latter reads 0 until the first collection.
        writer.Single("dotnet_gc_heap_size_bytes", "gauge", "Bytes currently allocated on the managed heap.", GC.GetTotalMemory(forceFullCollection: false));
        writer.Single("dotnet_gc_allocated_bytes_total", "counter", "Bytes allocated on the managed heap.", GC.GetTotalAllocatedBytes());
        writer.Declare("dotnet_gc_collections_total", "counter", "Garbage collections by generation.");
        for (int generation = 0; generation <= GC.MaxGeneration; generation++)
        {
            writer.Sample("dotnet_gc_collections_total", GC.CollectionCount(generation), ("generation", generation.ToString(CultureInfo.InvariantCulture)));
        }

        writer.Single("dotnet_threadpool_threads", "gauge", "Thread-pool threads.", ThreadPool.ThreadCount);
    }

    private static string Id(int cameraId) => cameraId.ToString(CultureInfo.InvariantCulture);
}
