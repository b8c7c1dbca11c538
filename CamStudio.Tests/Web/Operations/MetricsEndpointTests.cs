using System.Net;
using System.Net.Http.Json;
using CamStudio.Core.Cameras;
using CamStudio.Tests.Infrastructure;
using CamStudio.Web.Operations;
using Microsoft.Extensions.DependencyInjection;

namespace CamStudio.Tests.Web.Operations;

/// <summary>/metrics through the real app, and the collector against a status provider that reports a live camera.</summary>
public sealed class MetricsEndpointTests
{
    private static readonly string[] s_perCameraMetrics =
    [
        "camstudio_camera_info", "camstudio_camera_running", "camstudio_camera_viewers", "camstudio_camera_hls_viewers",
        "camstudio_camera_peer_connections", "camstudio_camera_uptime_seconds", "camstudio_camera_fps",
        "camstudio_camera_bitrate_kbps", "camstudio_camera_keyframe_interval_seconds", "camstudio_camera_reconnects",
        "camstudio_camera_state",
    ];

    private static readonly string[] s_processMetrics =
    [
        "process_cpu_seconds_total", "process_resident_memory_bytes", "process_virtual_memory_bytes", "process_start_time_seconds",
        "process_threads", "dotnet_gc_heap_size_bytes", "dotnet_gc_allocated_bytes_total", "dotnet_gc_collections_total",
        "dotnet_threadpool_threads",
    ];

    [Fact]
    public async Task Metrics_is_valid_exposition_format_with_cameras_webrtc_and_process_figures()
    {
        await using var app = new CamStudioAppFactory(configureServices: HealthEndpointTests.AddMediaUnlessPresent);
        using HttpClient client = app.CreateClient();
        const string TrickyName = "Gate \"north\" \\ yard";
        using (HttpResponseMessage created = await client.PostAsJsonAsync("/api/cameras/create", new { name = TrickyName, ip_address = "10.0.0.9" }))
        {
            created.StatusCode.Should().Be(HttpStatusCode.Created);
        }

        using (HttpResponseMessage created = await client.PostAsJsonAsync("/api/cameras/create", new { name = "Plain", ip_address = "10.0.0.10" }))
        {
            created.StatusCode.Should().Be(HttpStatusCode.Created);
        }

        using HttpResponseMessage response = await client.GetAsync("/metrics");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.ToString().Should().Be("text/plain; version=0.0.4; charset=utf-8");
        string text = await response.Content.ReadAsStringAsync();
        PrometheusExposition.Document metrics = PrometheusExposition.Parse(text);

        metrics.Types.Keys.Should().Contain(s_perCameraMetrics).And.Contain(s_processMetrics)
            .And.Contain(["camstudio_cameras", "camstudio_webrtc_enabled", "camstudio_webrtc_sessions", "camstudio_webrtc_udp_datagrams_total"]);
        metrics.Types["process_cpu_seconds_total"].Should().Be("counter");
        Value(metrics, "camstudio_cameras").Should().Be(2);
        Value(metrics, "camstudio_webrtc_enabled").Should().Be(1);
        Value(metrics, "camstudio_webrtc_sessions").Should().Be(0);
        Value(metrics, "process_resident_memory_bytes").Should().BeGreaterThan(10_000_000);
        Value(metrics, "process_start_time_seconds").Should().BeInRange(
            DateTimeOffset.UtcNow.AddHours(-2).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        metrics.Samples.Where(s => s.Name == "camstudio_camera_info").Select(s => s.Labels["name"])
            .Should().BeEquivalentTo(TrickyName, "Plain");
        text.Should().Contain("name=\"Gate \\\"north\\\" \\\\ yard\"", "quotes and backslashes are escaped on the wire");
        foreach (string metric in s_perCameraMetrics)
        {
            metrics.Samples.Count(s => s.Name == metric).Should().Be(2, metric + " has one sample per camera");
        }

        // The sample Grafana dashboard must only query metrics the app really exports.
        string dashboard = await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, "docs", "grafana-dashboard.json"));
        List<string> queried = [.. System.Text.RegularExpressions.Regex.Matches(dashboard, @"\b(?:camstudio|process|dotnet)_[a-z_]+")
            .Select(m => m.Value).Distinct()];
        queried.Should().NotBeEmpty().And.OnlyContain(name => metrics.Types.ContainsKey(name));
    }

    [Fact]
    public async Task Collector_reports_runtime_status_and_escapes_a_stored_name_with_a_newline()
    {
        var clock = new FixedClock(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
        var store = new FixedStore(Camera(7, "Legacy\nname"), Camera(8, "Idle"));
        var status = new FixedStatus(new CameraRuntimeStatus
        {
            CameraId = 7, IsRunning = true, ViewerCount = 3, HlsViewerCount = 1, PeerConnectionCount = 4, UptimeSeconds = 42.5,
            LastFrameTime = clock.GetUtcNow().AddSeconds(-2.25), State = CameraStreamState.Streaming, Fps = 25,
            BitrateKbps = 2048.5, KeyframeIntervalS = 4, ReconnectCount = 2,
        });
        var collector = new MetricsCollector(store, status, new ServiceCollection().BuildServiceProvider(), clock);

        string text = await collector.CollectAsync(CancellationToken.None);

        text.Should().Contain("name=\"Legacy\\nname\"").And.NotContain("Legacy\nname");
        PrometheusExposition.Document metrics = PrometheusExposition.Parse(text);
        Value(metrics, "camstudio_camera_running", "7").Should().Be(1);
        Value(metrics, "camstudio_camera_running", "8").Should().Be(0);
        Value(metrics, "camstudio_camera_viewers", "7").Should().Be(3);
        Value(metrics, "camstudio_camera_hls_viewers", "7").Should().Be(1);
        Value(metrics, "camstudio_camera_peer_connections", "7").Should().Be(4);
        Value(metrics, "camstudio_camera_uptime_seconds", "7").Should().Be(42.5);
        Value(metrics, "camstudio_camera_last_frame_age_seconds", "7").Should().Be(2.25);
        Value(metrics, "camstudio_camera_fps", "7").Should().Be(25);
        Value(metrics, "camstudio_camera_bitrate_kbps", "7").Should().Be(2048.5);
        Value(metrics, "camstudio_camera_keyframe_interval_seconds", "7").Should().Be(4);
        Value(metrics, "camstudio_camera_reconnects", "7").Should().Be(2);
        metrics.Samples.Should().Contain(s => s.Name == "camstudio_camera_state" && s.Labels["camera_id"] == "7" &&
            s.Labels["state"] == "streaming" && s.Value == 1);
        metrics.Samples.Should().Contain(s => s.Name == "camstudio_camera_state" && s.Labels["camera_id"] == "8" &&
            s.Labels["state"] == "idle");
        metrics.Samples.Should().NotContain(s => s.Name == "camstudio_camera_last_frame_age_seconds" && s.Labels["camera_id"] == "8",
            "a camera that never had a frame has no age");
        Value(metrics, "camstudio_webrtc_enabled").Should().Be(0);
        metrics.Types.Should().NotContainKey("camstudio_webrtc_sessions");
    }

    private static double Value(PrometheusExposition.Document metrics, string name, string? cameraId = null) =>
        metrics.Samples.Single(s => s.Name == name && (cameraId is null || s.Labels["camera_id"] == cameraId)).Value;

    private static CameraResponse Camera(int id, string name) => new()
    {
        CameraId = id, Name = name, Source = CameraSourceKind.Rtsp, IpAddress = "10.0.0.1", RtspPort = 554, Brand = "custom",
        HdPath = "a", SdPath = "b", Username = "", HasPassword = false, StreamQuality = StreamQuality.Stream2, Audio = false, Description = "",
        CreatedAt = DateTimeOffset.UnixEpoch, UpdatedAt = DateTimeOffset.UnixEpoch, Version = 1,
    };

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private sealed class FixedStatus(params CameraRuntimeStatus[] statuses) : ICameraRuntimeStatusProvider
    {
        public CameraRuntimeStatus GetStatus(int cameraId) =>
            statuses.FirstOrDefault(s => s.CameraId == cameraId) ?? CameraRuntimeStatus.Idle(cameraId);
    }

    private sealed class FixedStore(params CameraResponse[] cameras) : ICameraStore
    {
        public Task<IReadOnlyList<CameraResponse>> ListAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<CameraResponse>>(cameras);

        public Task<CameraResponse?> GetAsync(int cameraId, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<CameraResult> CreateAsync(CameraCreateRequest request, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<CameraResult> UpdateAsync(int cameraId, CameraUpdate update, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<bool> DeleteAsync(int cameraId, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<CameraStreamSource?> GetStreamSourceAsync(int cameraId, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
