using AngleSharp.Dom;
using Bunit;
using CamStudio.Core.Cameras;
using CamStudio.Core.Health;
using CamStudio.Web.Components.Status;

namespace CamStudio.Tests.Web.Components.Status;

public sealed class StatusPageTests : UiTestContext
{
    [Fact]
    public async Task EveryCamera_ShowsItsStateAndCounters()
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        CameraResponse idle = await CreateCameraAsync("Idle cam");
        CameraResponse connecting = await CreateCameraAsync("Connecting cam");
        CameraResponse live = await CreateCameraAsync("Live cam");
        CameraResponse stalled = await CreateCameraAsync("Stalled cam");
        CameraResponse outside = await CreateCameraAsync("Outside cam");
        CameraResponse mixed = await CreateCameraAsync("Mixed cam");
        Statuses.Set(new CameraRuntimeStatus
        {
            CameraId = outside.CameraId, IsRunning = true, ViewerCount = 1, HlsViewerCount = 1, StreamType = CameraRuntimeStatus.HlsStreamType,
            State = CameraStreamState.Streaming, LastFrameTime = now,
        });
        Statuses.Set(new CameraRuntimeStatus
        {
            CameraId = mixed.CameraId, IsRunning = true, ViewerCount = 3, WebRtcViewerCount = 2, HlsViewerCount = 1, PeerConnectionCount = 2,
            State = CameraStreamState.Streaming, LastFrameTime = now,
        });
        Statuses.Set(new CameraRuntimeStatus { CameraId = connecting.CameraId, IsRunning = true, UptimeSeconds = 2, State = CameraStreamState.Starting });
        Statuses.Set(new CameraRuntimeStatus
        {
            CameraId = live.CameraId, IsRunning = true, LastFrameTime = now, ViewerCount = 2, PeerConnectionCount = 3, UptimeSeconds = 3725,
            State = CameraStreamState.Streaming, Fps = 24.96, BitrateKbps = 1812.4, KeyframeIntervalS = 2, ReconnectCount = 1,
            LastError = "The camera stream ended.",
            Streams =
            [
                new CameraQualityStatus { Quality = StreamQuality.Stream2, Codec = "H.264 (High)", Width = 640, Height = 360 },
                new CameraQualityStatus { Quality = StreamQuality.Stream1, Codec = "H.265 (Main)", Width = 1920, Height = 1080 },
            ],
        });
        Statuses.Set(new CameraRuntimeStatus
        {
            CameraId = stalled.CameraId, IsRunning = true, LastFrameTime = now.AddSeconds(-42), ViewerCount = 1, PeerConnectionCount = 1, UptimeSeconds = 95,
            State = CameraStreamState.Reconnecting,
        });

        IRenderedComponent<StatusPage> page = Render<StatusPage>();
        page.WaitForElements("tbody tr", 6);

        Row(page, idle).Should().Equal("Idle cam", "Idle", "—", "—", "0", "0", "—", "—", "—", "—", "—", "0", "—");
        Row(page, connecting).Should().Equal("Connecting cam", "Connecting", "webrtc", "—", "0", "0", "2s", "—", "—", "—", "—", "0", "—");
        Row(page, live)[..7].Should().Equal(
            "Live cam", "Live", "webrtc", "HD H.265 (Main) 1920×1080 · SD H.264 (High) 640×360", "2", "3", "1h 02m");
        // The age counts from the frame time set above, so it may be a few seconds on a loaded machine, never more
        // than the seconds that really passed.
        string age = Row(page, live)[7];
        int passed = (int)Math.Ceiling((DateTimeOffset.UtcNow - now).TotalSeconds);
        (age == "just now" || (age.EndsWith("s ago", StringComparison.Ordinal)
            && int.Parse(age[..^"s ago".Length], System.Globalization.CultureInfo.InvariantCulture) <= passed))
            .Should().BeTrue("a frame {0} s old reads as '{1}'", passed, age);
        Row(page, live)[8..].Should().Equal("25.0", "1812 kb/s", "2.0 s", "1", "The camera stream ended.");
        Row(page, stalled)[..7].Should().Equal("Stalled cam", "Reconnecting", "webrtc", "—", "1", "1", "1m 35s");
        Row(page, stalled)[7].Should().MatchRegex("^4[2-9]s ago$", "42 s old when the test set it");
        Row(page, outside)[..6].Should().Equal("Outside cam", "Live", "hls", "—", "1", "0");
        Row(page, mixed)[..6].Should().Equal("Mixed cam", "Live", "webrtc 2 · hls 1", "—", "3", "2");
    }

    [Fact]
    public async Task SingleNode_ShowsNoNodeColumnAndNoNodesTable()
    {
        CameraResponse camera = await CreateCameraAsync("Gate");
        Statuses.Set(new CameraRuntimeStatus { CameraId = camera.CameraId, State = CameraStreamState.Streaming, IsRunning = true });

        IRenderedComponent<StatusPage> page = Render<StatusPage>();
        page.WaitForElements("tbody tr", 1);

        page.FindAll("th").Select(th => th.TextContent.Trim()).Should().NotContain(["Node", "Last heartbeat"]);
        page.FindAll("[data-testid=status-node]").Should().BeEmpty();
        page.FindAll("[data-testid=status-nodes]").Should().BeEmpty();
        page.Markup.Should().NotContain("moving…");
    }

    [Fact]
    public async Task Status_IsPushedByTheNotifier()
    {
        CameraResponse camera = await CreateCameraAsync("Front door");
        IRenderedComponent<StatusPage> page = Render<StatusPage>();
        page.WaitForElements("tbody tr", 1);
        Row(page, camera)[1].Should().Be("Idle");

        Statuses.Set(new CameraRuntimeStatus
        {
            CameraId = camera.CameraId, IsRunning = true, LastFrameTime = DateTimeOffset.UtcNow, ViewerCount = 4, PeerConnectionCount = 4,
            State = CameraStreamState.Streaming,
        });
        Notifier.Check().Should().BeTrue("the state and viewer count changed");

        page.WaitForAssertion(() => Row(page, camera)[1..6].Should().Equal("Live", "webrtc", "—", "4", "4"), TimeSpan.FromSeconds(5));
    }

    private static string[] Row(IRenderedComponent<StatusPage> page, CameraResponse camera)
    {
        IElement row = page.Find($"td[data-camera-id='{camera.CameraId}']").ParentElement!;
        // The health cell (last) has its own test below.
        return row.QuerySelectorAll("td").Where(td => td.QuerySelector("[data-testid=health]") is null)
            .Select(td => td.TextContent.Trim()).ToArray();
    }

    [Fact]
    public async Task Health_OfACameraNobodyWatches_IsShownWithLastSeen_AndPushedWhenItChanges()
    {
        CameraResponse camera = await CreateCameraAsync("Garage");
        IRenderedComponent<StatusPage> page = Render<StatusPage>();
        page.WaitForElements("tbody tr", 1);
        page.Find("[data-testid=health]").GetAttribute("data-health").Should().Be("unknown");

        DateTimeOffset now = DateTimeOffset.UtcNow;
        Statuses.Set(new CameraRuntimeStatus
        {
            CameraId = camera.CameraId,
            Health = new CameraHealth
            {
                CameraId = camera.CameraId, State = CameraHealthState.Offline, Detail = "Connection refused: nothing listens on port 554.",
                LastSeen = now.AddMinutes(-3), CheckedAt = now,
            },
        });
        Notifier.Check().Should().BeTrue("the health changed, though the stream state did not");

        page.WaitForAssertion(() =>
        {
            IElement health = page.Find("[data-testid=health]");
            health.GetAttribute("data-health").Should().Be("offline");
            health.TextContent.Should().Contain("Offline");
            page.Find("[data-testid=last-seen]").TextContent.Should().MatchRegex("^seen 3m [0-9]+s ago$");
        }, TimeSpan.FromSeconds(5));
    }
}
