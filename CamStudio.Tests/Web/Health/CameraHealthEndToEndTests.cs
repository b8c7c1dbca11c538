using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using CamStudio.Core.Health;
using CamStudio.Media.Rtsp;
using CamStudio.Tests.Infrastructure;
using FluentAssertions;
using Microsoft.Extensions.DependencyInjection;

namespace CamStudio.Tests.Web.Health;

/// <summary>
/// The whole app checking the real RTSP test camera (GStreamer) with a one-second interval: every state a user can meet,
/// seen through the API, the metrics and the observers; and no DESCRIBE while the camera streams.
/// </summary>
public sealed class CameraHealthEndToEndTests
{
    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(30);

    private static readonly Dictionary<string, string?> s_fastChecks = new()
    {
        ["Health:Enabled"] = "true",
        ["Health:IntervalSeconds"] = "1",
        // The test camera answers DESCRIBE after its encoder prerolled (seconds on a loaded machine); a timeout there
        // would read as a spurious offline between the states the test expects.
        ["Health:TimeoutSeconds"] = "10",
    };

    [Fact]
    public async Task Up_stopped_wrong_password_and_wrong_path_each_read_as_what_they_are()
    {
        var observer = new RecordingObserver();
        await using RtspTestCamera camera = await RtspTestCamera.StartAsync(new RtspTestCameraOptions(), default);
        await using var app = new CamStudioAppFactory(s_fastChecks, services => services.AddSingleton<ICameraHealthObserver>(observer));
        HttpClient api = app.CreateClient();

        int good = await api.CreateRtspCameraAsync(camera, "Porch", password: null, quality: "stream2");
        int wrongPassword = await api.CreateRtspCameraAsync(camera, "Garage", password: "not-the-password", quality: "stream2");
        int wrongPath = await CreateCameraAsync(api, camera, "Shed", sdPath: "no-such-stream");

        JsonElement online = await WaitForHealthAsync(api, good, "online");
        await WaitForHealthAsync(api, wrongPassword, "wrong_password");
        JsonElement notFound = await WaitForHealthAsync(api, wrongPath, "stream_not_found");
        online.GetProperty("last_seen").ValueKind.Should().Be(JsonValueKind.String);
        online.GetProperty("checked_at").ValueKind.Should().Be(JsonValueKind.String);
        notFound.GetProperty("detail").GetString().Should().Be("The camera has no stream at /no-such-stream.");

        string metrics = await api.GetStringAsync("/metrics");
        metrics.Should().Contain($"camstudio_camera_health{{camera_id=\"{good}\",state=\"online\"}} 1")
            .And.Contain($"camstudio_camera_health{{camera_id=\"{wrongPassword}\",state=\"wrong_password\"}} 1")
            .And.Contain($"camstudio_camera_last_seen_age_seconds{{camera_id=\"{good}\"}}");

        await camera.KillAsync();
        JsonElement offline = await WaitForHealthAsync(api, good, "offline");
        offline.GetProperty("detail").GetString().Should().StartWith("Connection refused");
        offline.GetProperty("last_seen").GetDateTimeOffset().Should().BeOnOrAfter(
            online.GetProperty("last_seen").GetDateTimeOffset(), "offline keeps the time the camera last answered");

        await camera.RestartAsync(default);
        await WaitForHealthAsync(api, good, "online");

        // Each change once, by name; the list endpoint carries the same object.
        observer.For(good).Should().Equal(
            ("Porch", CameraHealthState.Unknown, CameraHealthState.Online),
            ("Porch", CameraHealthState.Online, CameraHealthState.Offline),
            ("Porch", CameraHealthState.Offline, CameraHealthState.Online));
        JsonElement list = await api.GetFromJsonAsync<JsonElement>("/api/cameras");
        list.EnumerateArray().Single(c => c.GetProperty("camera_id").GetInt32() == wrongPassword)
            .GetProperty("status").GetProperty("health").GetProperty("state").GetString().Should().Be("wrong_password");
    }

    [Fact]
    public async Task No_DESCRIBE_reaches_the_camera_while_it_streams()
    {
        await using RtspTestCamera camera = await RtspTestCamera.StartAsync(new RtspTestCameraOptions(), default);
        await using var app = new CamStudioAppFactory(s_fastChecks);
        HttpClient api = app.CreateClient();
        RtspDescribeClient client = app.Services.GetRequiredService<RtspDescribeClient>();
        int id = await api.CreateRtspCameraAsync(camera, "Porch", password: null, quality: "stream2");
        await WaitForHealthAsync(api, id, "online");

        // An HLS viewer starts the stream without a browser; the app answers once FFmpeg delivers pictures.
        using HttpResponseMessage playlist = await api.GetAsync($"/api/cameras/{id}/hls/index.m3u8");
        ((int)playlist.StatusCode).Should().Be(200, await playlist.Content.ReadAsStringAsync());
        JsonElement fromStream = await api.WaitForStatusAsync(id,
            s => s.GetProperty("health").GetProperty("from_stream").GetBoolean(), s_deadline, "health read from the stream");
        long describesBefore = client.RequestsSent;
        DateTimeOffset since = fromStream.GetProperty("health").GetProperty("checked_at").GetDateTimeOffset();

        // Three intervals' worth of monitor passes while streaming (each pass re-reads the stream and stamps checked_at).
        JsonElement later = await api.WaitForStatusAsync(id,
            s => s.GetProperty("health").GetProperty("checked_at").GetDateTimeOffset() >= since.AddSeconds(3.5),
            s_deadline, "three more monitor passes");

        later.GetProperty("is_running").GetBoolean().Should().BeTrue();
        later.GetProperty("health").GetProperty("state").GetString().Should().Be("online");
        client.RequestsSent.Should().Be(describesBefore, "the stream is the witness while it runs; no check may disturb the camera");
    }

    private static async Task<JsonElement> WaitForHealthAsync(HttpClient api, int cameraId, string state)
    {
        JsonElement status = await api.WaitForStatusAsync(cameraId,
            s => s.GetProperty("health").GetProperty("state").GetString() == state, s_deadline, $"camera {cameraId} {state}");
        return status.GetProperty("health");
    }

    private static async Task<int> CreateCameraAsync(HttpClient api, RtspTestCamera camera, string name, string sdPath)
    {
        using HttpResponseMessage response = await api.PostAsJsonAsync("/api/cameras/create", new
        {
            name,
            ip_address = "127.0.0.1",
            rtsp_port = camera.Port,
            sd_path = sdPath,
            username = camera.User,
            password = camera.Password,
        });
        string body = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).Should().Be(201, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("camera_id").GetInt32();
    }

    private sealed class RecordingObserver : ICameraHealthObserver
    {
        private readonly ConcurrentQueue<CameraHealthChange> _changes = new();

        public IReadOnlyList<(string, CameraHealthState, CameraHealthState)> For(int cameraId) =>
            [.. _changes.Where(c => c.CameraId == cameraId).Select(c => (c.CameraName, c.Previous, c.Current))];

        public void OnHealthChanged(CameraHealthChange change) => _changes.Enqueue(change);
    }
}
