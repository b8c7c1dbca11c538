using AngleSharp.Dom;
using Bunit;
using CamStudio.Core.Cameras;
using CamStudio.Media.Snapshots;
using CamStudio.Media.Streaming;
using CamStudio.Web.Components.Live;
using CamStudio.Web.Services;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;

namespace CamStudio.Tests.Web.Components.Live;

/// <summary>
/// The tile in each state: the player's state (reported from the browser) combined with the server's stream state.
/// The player itself runs in the browser end-to-end tests; here its reports are replayed.
/// </summary>
public sealed class LiveTileTests : UiTestContext
{
    [Theory]
    [InlineData("idle", CameraStreamState.Idle, "Connecting", true)]
    [InlineData("connecting", CameraStreamState.Starting, "Connecting", true)]
    [InlineData("live", CameraStreamState.Streaming, "Live", false)]
    [InlineData("live", CameraStreamState.Reconnecting, "Reconnecting", false)]
    [InlineData("reconnecting", CameraStreamState.Reconnecting, "Reconnecting", true)]
    [InlineData("paused", CameraStreamState.Idle, "Paused", false)]
    public async Task PlayableStates_ShowTheChip_AndASpinnerOnlyWhileWaiting(string playerState, CameraStreamState server, string chip, bool spinner)
    {
        IRenderedComponent<LiveTile> tile = await RenderTileAsync(server);

        await tile.InvokeAsync(() => tile.Instance.OnPlayerStateChanged(playerState, new PlayerStateDetail { Quality = "stream2" }));

        tile.Find(".mud-chip").TextContent.Trim().Should().Be(chip);
        tile.FindAll(".live-tile__center .mud-progress-circular").Should().HaveCount(spinner ? 1 : 0);
        tile.FindAll("[data-testid=tile-problem]").Should().BeEmpty();
        tile.Find(".live-tile").GetAttribute("data-player-state").Should().Be(playerState);
    }

    [Fact]
    public async Task WrongPassword_FromTheServer_IsShownWhileThePlayerIsStillConnecting()
    {
        IRenderedComponent<LiveTile> tile = await RenderTileAsync(CameraStreamState.AuthFailed, lastError: "401 Unauthorized");

        await tile.InvokeAsync(() => tile.Instance.OnPlayerStateChanged("connecting", new PlayerStateDetail { Quality = "stream2" }));

        tile.Find(".mud-chip").TextContent.Trim().Should().Be("Wrong password");
        IElement problem = tile.Find("[data-testid=tile-problem]");
        problem.TextContent.Should().Contain("rejected the username or password").And.Contain("401 Unauthorized");
        problem.QuerySelector("a")!.GetAttribute("href").Should().EndWith("/edit");
        tile.FindAll(".live-tile__center").Should().BeEmpty("no spinner under an error");
    }

    [Fact]
    public async Task FailedWithAuthFailed_OffersRetry_WhichAsksThePlayerToRetry()
    {
        IRenderedComponent<LiveTile> tile = await RenderTileAsync(CameraStreamState.Idle);

        await tile.InvokeAsync(() => tile.Instance.OnPlayerStateChanged(
            "failed", new PlayerStateDetail { Quality = "stream2", Reason = "auth_failed", Message = "Wrong username or password." }));

        tile.Find(".mud-chip").TextContent.Trim().Should().Be("Wrong password");
        IElement retry = tile.FindAll("[data-testid=tile-problem] button").Single(b => b.TextContent.Trim() == "Retry");
        await retry.ClickAsync(new MouseEventArgs());
        JSInterop.Invocations.Select(i => i.Identifier).Should().Contain("retry");
    }

    [Fact]
    public async Task FailedForAnotherReason_IsOffline_WithTheReasonAndRetry()
    {
        IRenderedComponent<LiveTile> tile = await RenderTileAsync(CameraStreamState.Idle);

        await tile.InvokeAsync(() => tile.Instance.OnPlayerStateChanged(
            "failed", new PlayerStateDetail { Quality = "stream2", Reason = "not_found", Message = "This camera no longer exists." }));

        tile.Find(".mud-chip").TextContent.Trim().Should().Be("Offline");
        tile.Find("[data-testid=tile-problem]").TextContent.Should().Contain("This camera no longer exists.");
        tile.FindAll("[data-testid=tile-problem] button").Select(b => b.TextContent.Trim()).Should().Equal("Retry");
    }

    [Fact]
    public async Task LiveOverHls_ShowsTheHlsBadge_AndTheTransportOnTheTile()
    {
        IRenderedComponent<LiveTile> tile = await RenderTileAsync(CameraStreamState.Streaming);

        await tile.InvokeAsync(() => tile.Instance.OnPlayerStateChanged(
            "connecting", new PlayerStateDetail { Quality = "stream2", Transport = "hls", Reason = "webrtc_timeout" }));
        tile.FindAll("[data-testid=tile-transport]").Should().BeEmpty("nothing plays yet");

        await tile.InvokeAsync(() => tile.Instance.OnPlayerStateChanged("live", new PlayerStateDetail { Quality = "stream2", Transport = "hls" }));

        tile.Find("[data-testid=tile-transport]").TextContent.Trim().Should().Be("HLS");
        tile.Find(".live-tile").GetAttribute("data-transport").Should().Be("hls");
        tile.Find(".mud-chip").TextContent.Trim().Should().Be("Live");
    }

    [Fact]
    public async Task LiveOverWebRtc_HasNoBadge_AndABackgroundSwitchRemovesIt()
    {
        IRenderedComponent<LiveTile> tile = await RenderTileAsync(CameraStreamState.Streaming);
        await tile.InvokeAsync(() => tile.Instance.OnPlayerStateChanged("live", new PlayerStateDetail { Quality = "stream2", Transport = "hls" }));
        tile.FindAll("[data-testid=tile-transport]").Should().HaveCount(1);

        // The player's periodic WebRTC retry succeeded: the same 'live', now over WebRTC.
        await tile.InvokeAsync(() => tile.Instance.OnPlayerStateChanged("live", new PlayerStateDetail { Quality = "stream2", Transport = "webrtc" }));

        tile.FindAll("[data-testid=tile-transport]").Should().BeEmpty();
        tile.Find(".live-tile").GetAttribute("data-transport").Should().Be("webrtc");
    }

    [Fact]
    public async Task TransportMode_GoesToThePlayerAtStart_AndAChangeReachesTheRunningPlayer()
    {
        CameraResponse camera = await CreateCameraAsync("Gate");
        var status = new CameraRuntimeStatus { CameraId = camera.CameraId, State = CameraStreamState.Streaming };
        IRenderedComponent<LiveTile> tile = Render<LiveTile>(p => p.Add(t => t.Camera, camera).Add(t => t.Status, status).Add(t => t.TransportMode, "hls"));
        tile.WaitForAssertion(() => JSInterop.Invocations.Should().Contain(i => i.Identifier == "start"));
        object options = JSInterop.Invocations.First(i => i.Identifier == "start").Arguments[2]!;
        options.GetType().GetProperty("transport")!.GetValue(options).Should().Be("hls");

        tile.Render(p => p.Add(t => t.TransportMode, "webrtc"));

        tile.WaitForAssertion(() => JSInterop.Invocations.Should().Contain(i => i.Identifier == "setTransportMode" && Equals(i.Arguments[0], "webrtc")));
    }

    [Fact]
    public async Task StatsToggle_ShowsThePlayersNumbers()
    {
        IRenderedComponent<LiveTile> tile = await RenderTileAsync(CameraStreamState.Streaming);
        await tile.Find("[data-action=stats]").ClickAsync(new MouseEventArgs());
        JSInterop.Invocations.Should().Contain(i => i.Identifier == "setStatsEnabled" && Equals(i.Arguments[0], true));

        await tile.InvokeAsync(() => tile.Instance.OnPlayerStats(new PlayerStats
        {
            Width = 640, Height = 360, Fps = 25, BitrateKbps = 812.4, PacketsLost = 3, JitterBufferMs = 41.6,
        }));

        tile.Find("[data-testid=tile-stats]").TextContent.Should().Be("640×360 · 25 fps · 812 kb/s · lost 3 · jitter buffer 42 ms");
    }

    [Fact]
    public async Task Video_IsMutedInlineAutoplay_AndThePlayerStartsOnSd()
    {
        IRenderedComponent<LiveTile> tile = await RenderTileAsync(CameraStreamState.Idle);

        IElement video = tile.Find("video");
        video.HasAttribute("muted").Should().BeTrue();
        video.HasAttribute("playsinline").Should().BeTrue();
        video.HasAttribute("autoplay").Should().BeTrue();
        JSInterop.Invocations.Should().Contain(i => i.Identifier == "import" && Equals(i.Arguments[0], LiveTile.ModulePath));
        tile.WaitForAssertion(() => JSInterop.Invocations.Should().Contain(i => i.Identifier == "start"));
    }

    [Fact]
    public async Task A_camera_with_a_poster_shows_it_with_its_age_until_live_video_and_not_again_after_a_reconnect()
    {
        CameraResponse camera = await CreateCameraAsync("Gate");
        DateTimeOffset takenAt = DateTimeOffset.UtcNow.AddMinutes(-3).AddSeconds(-5);
        Services.GetRequiredService<PosterStore>().Save(new Snapshot(camera.CameraId, StreamVariant.Stream2, [0xFF, 0xD8, 0xFF, 0xD9], takenAt, false));
        var status = new CameraRuntimeStatus { CameraId = camera.CameraId, State = CameraStreamState.Idle };
        IRenderedComponent<LiveTile> tile = Render<LiveTile>(p => p.Add(t => t.Camera, camera).Add(t => t.Status, status));

        IElement poster = tile.Find("[data-testid=poster]");
        poster.TextContent.Trim().Should().Be("Snapshot 3 min ago");
        poster.QuerySelector("img")!.GetAttribute("src").Should().Be($"api/cameras/{camera.CameraId}/poster.jpg?v={takenAt.ToUnixTimeSeconds()}");

        await tile.InvokeAsync(() => tile.Instance.OnPlayerStateChanged("connecting", new PlayerStateDetail { Quality = "stream2" }));
        tile.FindAll("[data-testid=poster]").Should().HaveCount(1, "no video yet");
        await tile.InvokeAsync(() => tile.Instance.OnPlayerStateChanged("live", new PlayerStateDetail { Quality = "stream2" }));
        tile.FindAll("[data-testid=poster]").Should().BeEmpty("live video replaced the poster");
        await tile.InvokeAsync(() => tile.Instance.OnPlayerStateChanged("reconnecting", new PlayerStateDetail { Quality = "stream2" }));
        tile.FindAll("[data-testid=poster]").Should().BeEmpty("the video element keeps its own last frame while reconnecting");
    }

    [Fact]
    public async Task A_camera_without_a_poster_shows_none()
    {
        IRenderedComponent<LiveTile> tile = await RenderTileAsync(CameraStreamState.Idle);

        tile.FindAll("[data-testid=poster]").Should().BeEmpty();
    }

    private async Task<IRenderedComponent<LiveTile>> RenderTileAsync(CameraStreamState server, string? lastError = null)
    {
        CameraResponse camera = await CreateCameraAsync("Gate");
        var status = new CameraRuntimeStatus { CameraId = camera.CameraId, State = server, LastError = lastError };
        return Render<LiveTile>(p => p.Add(t => t.Camera, camera).Add(t => t.Status, status));
    }
}
