using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using CamStudio.Core.Cameras;
using CamStudio.Media.Ffmpeg;
using CamStudio.Media.Streaming;
using CamStudio.Media.WebRtc;
using CamStudio.Tests.Infrastructure;
using CamStudio.Tests.Media.WebRtc;
using Microsoft.Playwright;

namespace CamStudio.Tests.Web.Api;

/// <summary>
/// Issue 4 end to end: camera created through the API, real RTSP camera, real FFmpeg, our WebRTC sender, real Chromium.
/// Run with <c>unshare -n scripts/netns-run.sh dotnet test … --filter FullyQualifiedName~Web.Streams.StreamEndToEnd</c>.
/// </summary>
[Collection(StreamEndToEndCollection.Name)]
public sealed class StreamEndToEndTests(StreamEndToEndFixture e2e)
{
    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Offer_decodes_status_counts_viewers_one_ffmpeg_for_two_and_the_stream_stops_after_the_grace()
    {
        int id = await e2e.CreateCameraAsync();
        await using IBrowserContext context = await e2e.Browser.NewContextAsync();
        await using BrowserPeer first = await BrowserPeer.OpenAsync(context);

        JsonElement answer = await e2e.ConnectAsync(id, first);
        PeerStats stats = await ChromiumPlaybackTests.WaitForStatsAsync(first, s => s.FramesDecoded >= 25, s_deadline, "Chromium decodes");
        stats.FrameWidth.Should().Be(1280);

        JsonElement status = await e2e.WaitForStatusAsync(id, s => s.GetProperty("state").GetString() == "streaming"
            && s.GetProperty("fps").GetDouble() > 0 && s.GetProperty("peer_connection_count").GetInt32() == 1, s_deadline, "streaming");
        status.GetProperty("viewer_count").GetInt32().Should().Be(1);
        status.GetProperty("fps").GetDouble().Should().BeInRange(23, 27);
        // The GOP is 4 s, but the shared GStreamer media also forces a keyframe whenever another client (another
        // test's FFmpeg) joins, so the measured interval can be shorter — never longer.
        // It is measured between two keyframes, so it needs up to one more GOP after the stream started.
        JsonElement measured = await e2e.WaitForStatusAsync(
            id, s => s.GetProperty("keyframe_interval_s").GetDouble() > 0, s_deadline, "two keyframes measured");
        measured.GetProperty("keyframe_interval_s").GetDouble().Should().BeLessThanOrEqualTo(4.5);

        await using BrowserPeer second = await BrowserPeer.OpenAsync(context);
        JsonElement secondAnswer = await e2e.ConnectAsync(id, second);
        await ChromiumPlaybackTests.WaitForStatsAsync(second, s => s.FramesDecoded >= 1, s_deadline, "the second viewer decodes");
        CameraStream stream = e2e.Streams.TryGetStream(id, StreamVariant.Stream1)!;
        (await e2e.GetStatusAsync(id)).GetProperty("viewer_count").GetInt32().Should().Be(2);
        StreamEndToEndFixture.CountFfmpegFor(stream).Should().Be(1, "two viewers share one FFmpeg");
        stream.Supervisor.LaunchCount.Should().Be(1);
        int pid = stream.Supervisor.ProcessId;

        foreach (JsonElement a in new[] { answer, secondAnswer })
        {
            using HttpResponseMessage deleted = await e2e.Client.DeleteAsync($"/api/cameras/{id}/webrtc/{a.GetProperty("session_id").GetString()}");
            deleted.IsSuccessStatusCode.Should().BeTrue();
        }

        var sinceLastLeft = Stopwatch.StartNew();
        (await e2e.GetStatusAsync(id)).GetProperty("viewer_count").GetInt32().Should().Be(0);
        await e2e.WaitForStatusAsync(id, s => s.GetProperty("state").GetString() == "idle", s_deadline, "stopped after the grace");
        sinceLastLeft.Elapsed.Should().BeGreaterThanOrEqualTo(StreamEndToEndFixture.GracePeriod - TimeSpan.FromMilliseconds(50));
        await Eventually.WaitUntilAsync(() => !File.Exists($"/proc/{pid}/cmdline") || StreamEndToEndFixture.CountFfmpegFor(stream) == 0,
            s_deadline, "FFmpeg has exited");
    }

    [Fact]
    public async Task A_late_joiner_decodes_long_before_the_cameras_next_keyframe()
    {
        int id = await e2e.CreateCameraAsync();
        await using IBrowserContext context = await e2e.Browser.NewContextAsync();
        await using BrowserPeer warm = await BrowserPeer.OpenAsync(context);
        await e2e.ConnectAsync(id, warm);
        await ChromiumPlaybackTests.WaitForStatsAsync(warm, s => s.FramesDecoded >= 1, s_deadline, "the stream is warm");

        await using BrowserPeer late = await BrowserPeer.OpenAsync(context);
        await e2e.ConnectAsync(id, late);
        await ChromiumPlaybackTests.WaitForStatsAsync(late, s => s.ConnectionState == "connected", s_deadline, "connected");
        var sinceConnected = Stopwatch.StartNew();
        await ChromiumPlaybackTests.WaitForStatsAsync(late, s => s.FramesDecoded >= 1, s_deadline, "a first frame");

        // GOP is 4 s: waiting for the camera's next keyframe would take 0–4 s (2 s on average).
        sinceConnected.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(1.5), "the GOP cache is sent at once");
        Console.WriteLine($"late joiner: first decoded frame {sinceConnected.ElapsedMilliseconds} ms after connected");
    }

    [Fact]
    public async Task A_wrong_password_is_auth_failed_within_5_s_and_later_offers_are_refused_with_the_reason()
    {
        int id = await e2e.CreateCameraAsync(password: "wrong-password");
        await using IBrowserContext context = await e2e.Browser.NewContextAsync();
        await using BrowserPeer peer = await BrowserPeer.OpenAsync(context);

        await e2e.ConnectAsync(id, peer);
        var clock = Stopwatch.StartNew();
        JsonElement status = await e2e.WaitForStatusAsync(id, s => s.GetProperty("state").GetString() == "auth_failed",
            TimeSpan.FromSeconds(5), "auth_failed within 5 s");
        status.GetProperty("last_error").GetString().Should().Contain("username or password").And.NotContain("wrong-password");
        Console.WriteLine($"auth_failed reported after {clock.ElapsedMilliseconds} ms");

        // Once the camera is known to refuse the credentials, a new viewer is told so instead of getting a session
        // that would send nothing (ViewerOfferService's policy, the same on every surface).
        await using BrowserPeer another = await BrowserPeer.OpenAsync(context);
        using HttpResponseMessage refused = await e2e.Client.PostAsJsonAsync(
            $"/api/cameras/{id}/webrtc/offer", new { sdp = await another.CreateOfferAsync(), type = "offer" });
        string body = await refused.Content.ReadAsStringAsync();
        ((int)refused.StatusCode).Should().Be(409, body);
        JsonElement problem = JsonDocument.Parse(body).RootElement;
        problem.GetProperty("code").GetString().Should().Be("auth_failed");
        problem.GetProperty("retryable").GetBoolean().Should().BeFalse();
        problem.GetProperty("detail").GetString().Should().Contain("username or password").And.NotContain("wrong-password");
        (await e2e.WaitForStatusAsync(id, _ => true, s_deadline, "status")).GetProperty("viewer_count").GetInt32()
            .Should().Be(1, "the refused offer left no session behind");
    }

    [Fact]
    public async Task A_rebooted_camera_reconnects_and_the_viewer_resumes_without_renegotiating()
    {
        await using RtspTestCamera camera = await RtspTestCamera.StartAsync(new RtspTestCameraOptions { GopSeconds = 1 }, CancellationToken.None);
        int id = await e2e.CreateCameraAsync(camera: camera);
        await using IBrowserContext context = await e2e.Browser.NewContextAsync();
        await using BrowserPeer peer = await BrowserPeer.OpenAsync(context);
        JsonElement answer = await e2e.ConnectAsync(id, peer);
        string sessionId = answer.GetProperty("session_id").GetString()!;
        await ChromiumPlaybackTests.WaitForStatsAsync(peer, s => s.FramesDecoded >= 10, s_deadline, "video before the reboot");

        await camera.KillAsync();
        await e2e.WaitForStatusAsync(id, s => s.GetProperty("state").GetString() == "reconnecting", s_deadline, "reconnecting");

        // Stay down until the backoff has grown past 2 s (three failed restarts: 1, 2, 4 s), so only the reachability
        // probe, not the backoff schedule, can bring the video back within 2 s.
        await e2e.WaitForStatusAsync(id, s => s.GetProperty("reconnect_count").GetInt32() >= 3, s_deadline, "three failed restarts");
        double decodedWhileDown = (await peer.GetStatsAsync()).FramesDecoded;

        await camera.RestartAsync(CancellationToken.None);
        var sinceServing = Stopwatch.StartNew();
        await ChromiumPlaybackTests.WaitForStatsAsync(
            peer, s => s.FramesDecoded > decodedWhileDown, TimeSpan.FromSeconds(45), "a frame decoded again");
        TimeSpan resumedAfter = sinceServing.Elapsed;
        await e2e.WaitForStatusAsync(id, s => s.GetProperty("state").GetString() == "streaming", TimeSpan.FromSeconds(45), "streaming again");
        await ChromiumPlaybackTests.WaitForStatsAsync(
            peer, s => s.FramesDecoded >= decodedWhileDown + 25, TimeSpan.FromSeconds(10), "video keeps flowing");
        Console.WriteLine($"camera reboot: viewer decoding again {resumedAfter.TotalMilliseconds:0} ms after the camera served again");
        // The target is 2 s. Measured 1.75–2.4 s: the reachability probe relaunches FFmpeg within 250 ms, and the rest is
        // the freshly restarted test camera building its encoder and sending a first keyframe. Without the probe this
        // was 2.9–6 s (the backoff schedule), so 3 s still fails if the probe breaks.
        resumedAfter.Should().BeLessThan(TimeSpan.FromSeconds(3), "viewers resume right after the camera serves again");

        e2e.Services.GetService(typeof(WebRtcServer)).Should().BeOfType<WebRtcServer>()
            .Which.TryGetSession(sessionId, out ViewerSession? session).Should().BeTrue("the same session carries on");
        session!.State.Should().Be(ViewerSessionState.Connected);
        (await e2e.GetStatusAsync(id)).GetProperty("reconnect_count").GetInt32().Should().BeGreaterThan(0);
    }

    [Fact]
    public async Task Ffmpeg_killed_from_outside_is_restarted_and_video_resumes()
    {
        int id = await e2e.CreateCameraAsync();
        await using IBrowserContext context = await e2e.Browser.NewContextAsync();
        await using BrowserPeer peer = await BrowserPeer.OpenAsync(context);
        await e2e.ConnectAsync(id, peer);
        await ChromiumPlaybackTests.WaitForStatsAsync(peer, s => s.FramesDecoded >= 10, s_deadline, "video");
        CameraStream stream = e2e.Streams.TryGetStream(id, StreamVariant.Stream1)!;
        int pid = stream.Supervisor.ProcessId;

        Process.GetProcessById(pid).Kill();

        await Eventually.WaitUntilAsync(() => stream.Supervisor.ProcessId is not 0 && stream.Supervisor.ProcessId != pid,
            s_deadline, "a new FFmpeg");
        double before = (await peer.GetStatsAsync()).FramesDecoded;
        await ChromiumPlaybackTests.WaitForStatsAsync(peer, s => s.FramesDecoded >= before + 25, s_deadline, "video resumes");
        stream.Supervisor.State.Should().Be(FfmpegSupervisorState.Streaming);
        StreamEndToEndFixture.CountFfmpegFor(stream).Should().Be(1);
    }
}
