using System.Diagnostics;
using System.Text.Json;
using CamStudio.Tests.Infrastructure;
using CamStudio.Web.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace CamStudio.Tests.Web.Components.EndToEnd;

/// <summary>
/// Issue 5 end to end: the operator UI in Debian's Chromium against the real app, FFmpeg and the RTSP test camera.
/// Run with <c>unshare -n scripts/netns-run.sh dotnet test … --filter FullyQualifiedName~Web.Components.EndToEnd</c>.
/// </summary>
[Collection(UiEndToEndCollection.Name)]
public sealed class OperatorUiTests(UiEndToEndFixture e2e) : IAsyncLifetime
{
    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(30);

    public Task InitializeAsync() => e2e.DeleteAllCamerasAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task CameraAddedThroughTheForm_Decodes_CountsOneViewer_MaximisesToHdWithoutABlackFrame_AndLeavesWhenClosed()
    {
        IPage form = await e2e.OpenPageAsync("cameras/new");
        string name = "Porch " + Guid.NewGuid().ToString("N")[..6];
        await FillAsync(form, "name", name);
        await FillAsync(form, "ip_address", "127.0.0.1");
        await FillAsync(form, "rtsp_port", e2e.Camera.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await FillAsync(form, "username", e2e.Camera.User);
        await FillAsync(form, "password", e2e.Camera.Password);
        await FillAsync(form, "hd_path", RtspTestCamera.MainStream);
        await FillAsync(form, "sd_path", RtspTestCamera.SubStream);
        await UiEndToEndFixture.ScreenshotAsync(form, "camera-form");
        await form.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();

        ILocator row = form.Locator("td[data-camera-id]", new() { HasText = name });
        await row.WaitForAsync(new() { Timeout = 20_000 });
        int id = int.Parse((await row.GetAttributeAsync("data-camera-id"))!, System.Globalization.CultureInfo.InvariantCulture);
        await UiEndToEndFixture.ScreenshotAsync(form, "cameras");

        IPage live = await e2e.OpenPageAsync("", form.Context);
        TileSample decoding = await LiveTileProbe.WaitForDecodingAsync(live, id, s_deadline);
        decoding.Width.Should().Be(640, "grid tiles watch the SD stream");
        decoding.Quality.Should().Be("stream2");
        await LiveTileProbe.WaitForAsync(live, id, s => s.Chip == "Live", s_deadline, "the chip says Live");
        await UiEndToEndFixture.ScreenshotAsync(live, "live");

        IPage status = await e2e.OpenPageAsync("status", form.Context);
        ILocator viewers = status.Locator($"td[data-camera-id='{id}'] ~ td[data-label='Viewers']");
        await Eventually.WaitUntilAsync(async () => (await viewers.TextContentAsync())?.Trim() == "1", s_deadline, "the Status page shows 1 viewer");
        await UiEndToEndFixture.ScreenshotAsync(status, "status");

        await LiveTileProbe.WatchForBlankAsync(live, id);
        await live.Locator($".live-tile[data-camera-id='{id}'] [data-action=maximise]").ClickAsync();
        TileSample hd = await LiveTileProbe.WaitForAsync(live, id, s => s.Width == 1280 && s.Quality == "stream1", s_deadline, "maximised: HD");
        hd.Samples.Should().BeGreaterThan(0);
        hd.BlankSamples.Should().Be(0, "the SD picture stays on screen until HD's first frame");
        await LiveTileProbe.WaitForDecodingAsync(live, id, s_deadline);
        await UiEndToEndFixture.ScreenshotAsync(live, "live-maximised");

        await live.Locator($".live-tile[data-camera-id='{id}'] [data-action=maximise]").ClickAsync();
        TileSample sd = await LiveTileProbe.WaitForAsync(live, id, s => s.Width == 640 && s.Quality == "stream2", s_deadline, "restored: SD");
        sd.BlankSamples.Should().Be(0, "and back without a black frame");
        await e2e.WaitForStatusAsync(id, s => s.GetProperty("viewer_count").GetInt32() == 1, s_deadline, "one viewer after the switches");

        await live.CloseAsync(new PageCloseOptions { RunBeforeUnload = false });
        var sinceClosed = Stopwatch.StartNew();
        await e2e.WaitForStatusAsync(id, s => s.GetProperty("viewer_count").GetInt32() == 0, TimeSpan.FromSeconds(5),
            "the viewer leaves as soon as the page closes");
        await e2e.WaitForStatusAsync(id, s => s.GetProperty("state").GetString() == "idle", s_deadline, "the stream stops after the grace");
        sinceClosed.Elapsed.Should().BeGreaterThanOrEqualTo(UiEndToEndFixture.GracePeriod - TimeSpan.FromMilliseconds(250));
        await form.Context.CloseAsync();
    }

    [Fact]
    public async Task A_tab_counts_as_an_open_circuit_until_it_is_closed()
    {
        // The count behind "the last tab closed with no camera streaming is an idle transition" (OpenCircuitsTests).
        // Other tests' tabs may still be counted (a circuit whose tab died without saying so lingers for minutes), so
        // this looks at the change.
        OpenCircuits circuits = e2e.Services.GetRequiredService<OpenCircuits>();
        int before = circuits.Count;
        IPage page = await e2e.OpenPageAsync("cameras");
        await Eventually.WaitUntilAsync(() => circuits.Count > before, s_deadline, "the tab's circuit is counted");
        int open = circuits.Count;

        await page.Context.CloseAsync(); // the tab says goodbye (Blazor's unload beacon): the circuit closes at once

        await Eventually.WaitUntilAsync(() => circuits.Count < open, s_deadline, "the closed tab's circuit is no longer counted");
    }

    [Fact]
    public async Task Tiles_CreateTheirPeerConnectionsWithTheConfiguredIceServers_AndStillPlay()
    {
        int id = await e2e.CreateCameraAsync("Ice " + Guid.NewGuid().ToString("N")[..6]);
        IPage page = await e2e.OpenPageAsync("status");
        await LiveTileProbe.RecordPeerConnectionsAsync(page.Context);
        await e2e.GoToAsync(page, "");

        await LiveTileProbe.WaitForDecodingAsync(page, id, s_deadline);
        JsonElement servers = await page.EvaluateAsync<JsonElement>("() => window.__csPeers[0].getConfiguration().iceServers");

        servers.GetArrayLength().Should().Be(2, servers.ToString());
        Urls(servers[0]).Should().Equal(UiEndToEndFixture.StunUrl);
        Urls(servers[1]).Should().Equal(UiEndToEndFixture.TurnUrl);
        servers[1].GetProperty("username").GetString().Should().Be(UiEndToEndFixture.TurnUser);
        servers[1].GetProperty("credential").GetString().Should().Be(UiEndToEndFixture.TurnCredential);
        await page.Context.CloseAsync();

        // Chromium reports urls as given: a string or an array of them.
        static string[] Urls(JsonElement server) => server.GetProperty("urls") is { ValueKind: JsonValueKind.Array } urls
            ? urls.EnumerateArray().Select(u => u.GetString()!).ToArray()
            : [server.GetProperty("urls").GetString()!];
    }

    [Fact]
    public async Task WrongPassword_IsShownOnTheTile_AndByTheFormsConnectionTest()
    {
        int id = await e2e.CreateCameraAsync("Wrong password cam", password: "not-the-password");

        IPage live = await e2e.OpenPageAsync("");
        TileSample tile = await LiveTileProbe.WaitForAsync(live, id, s => s.Chip == "Wrong password" && s.Problem is not null, s_deadline,
            "the tile says Wrong password");
        tile.Problem.Should().Contain("rejected the username or password");
        await UiEndToEndFixture.ScreenshotAsync(live, "live-wrong-password");

        IPage form = await e2e.OpenPageAsync("cameras/new", live.Context);
        await FillAsync(form, "name", "Probe");
        await FillAsync(form, "ip_address", "127.0.0.1");
        await FillAsync(form, "rtsp_port", e2e.Camera.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await FillAsync(form, "username", e2e.Camera.User);
        await FillAsync(form, "password", "not-the-password");
        await FillAsync(form, "hd_path", RtspTestCamera.MainStream);
        await FillAsync(form, "sd_path", RtspTestCamera.SubStream);
        await form.GetByRole(AriaRole.Button, new() { Name = "Test connection" }).ClickAsync();
        ILocator result = form.Locator("[data-testid=probe-result]");
        await result.WaitForAsync(new() { Timeout = 30_000 });
        (await result.TextContentAsync()).Should().Contain("Wrong username or password");
        await UiEndToEndFixture.ScreenshotAsync(form, "camera-form-wrong-password");
        await live.Context.CloseAsync();
    }

    [Fact]
    public async Task H265Camera_InABrowserWithoutH265_TileSaysSoInPlainWords_AndTheConnectionTestNamesTheCodec()
    {
        // Debian's Chromium offers no H.265 over WebRTC and cannot decode hvc1 in MSE: the honest outcome is a tile that
        // says why, not a black one. (H.265-capable browsers get the stream as is; the SDP tests cover that answer.)
        await using RtspTestCamera hevc = await RtspTestCamera.StartAsync(
            new RtspTestCameraOptions { Codec = RtspTestVideoCodec.H265, GopSeconds = 1 }, CancellationToken.None);
        int id = await e2e.CreateCameraAsync("H.265 cam", camera: hevc);

        IPage live = await e2e.OpenPageAsync("");
        TileSample tile = await LiveTileProbe.WaitForAsync(live, id, s => s.Problem?.Contains("H.265", StringComparison.Ordinal) == true,
            s_deadline, "the tile says the camera sends H.265");
        tile.Problem.Should().Contain("cannot play").And.Contain("SD stream");
        await UiEndToEndFixture.ScreenshotAsync(live, "live-h265-unsupported");

        // The stream ran (the first offer started it): the Status page names what the camera sends.
        IPage status = await e2e.OpenPageAsync("status", live.Context);
        ILocator video = status.Locator($"tr:has(td[data-camera-id='{id}']) [data-testid=status-video]");
        await video.Filter(new() { HasText = "SD H.265 (Main) 640×360" }).WaitForAsync(new() { Timeout = 20_000 });

        IPage form = await e2e.OpenPageAsync("cameras/new", live.Context);
        await FillAsync(form, "name", "Probe H.265");
        await FillAsync(form, "ip_address", "127.0.0.1");
        await FillAsync(form, "rtsp_port", hevc.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await FillAsync(form, "username", hevc.User);
        await FillAsync(form, "password", hevc.Password);
        await FillAsync(form, "hd_path", RtspTestCamera.MainStream);
        await FillAsync(form, "sd_path", RtspTestCamera.SubStream);
        await form.GetByRole(AriaRole.Button, new() { Name = "Test connection" }).ClickAsync();
        ILocator result = form.Locator("[data-testid=probe-result]");
        await result.WaitForAsync(new() { Timeout = 30_000 });
        (await result.TextContentAsync()).Should().Contain("H.265 (Main), 640×360").And.Contain("SD stream");
        await live.Context.CloseAsync();
    }

    [Fact]
    public async Task H265MainStream_MaximisedTileKeepsPlayingTheH264SdStream_AndSaysWhy()
    {
        await using RtspTestCamera camera = await RtspTestCamera.StartAsync(
            new RtspTestCameraOptions { Codec = RtspTestVideoCodec.H265, SubCodec = RtspTestVideoCodec.H264, GopSeconds = 1 },
            CancellationToken.None);
        int id = await e2e.CreateCameraAsync("Mixed codecs cam", camera: camera);
        IPage live = await e2e.OpenPageAsync("");
        await LiveTileProbe.WaitForDecodingAsync(live, id, s_deadline);

        ILocator tile = live.Locator($".live-tile[data-camera-id='{id}']");
        await tile.Locator("[data-action=maximise]").ClickAsync();
        ILocator note = tile.Locator("[data-testid=tile-note]");
        await note.Filter(new() { HasText = "H.265" }).WaitForAsync(new() { Timeout = 30_000 });
        (await note.TextContentAsync()).Should().Contain("could not switch to HD").And.Contain("cannot play");

        // The picture never went: the SD stream (H.264) keeps playing in the maximised tile.
        TileSample sd = await LiveTileProbe.WaitForDecodingAsync(live, id, s_deadline);
        sd.Width.Should().Be(640);
        sd.Problem.Should().BeNull();
        (await tile.GetAttributeAsync("data-quality")).Should().Be("stream2");
        await UiEndToEndFixture.ScreenshotAsync(live, "live-h265-hd-keeps-sd");
        await live.Context.CloseAsync();
    }

    [Fact]
    public async Task CameraKilledAndRestarted_TileShowsReconnecting_ThenLiveAgain_WithoutAReload()
    {
        int id = await e2e.CreateCameraAsync("Reboot cam");
        IPage live = await e2e.OpenPageAsync("");
        await LiveTileProbe.WaitForDecodingAsync(live, id, s_deadline);
        await live.EvaluateAsync("() => { window.__csNotReloaded = true; }");

        await e2e.Camera.KillAsync();
        await LiveTileProbe.WaitForAsync(live, id, s => s.Chip == "Reconnecting", s_deadline, "the tile shows reconnecting");
        await UiEndToEndFixture.ScreenshotAsync(live, "live-reconnecting");

        await e2e.Camera.RestartAsync(CancellationToken.None);
        await LiveTileProbe.WaitForAsync(live, id, s => s.Chip == "Live" && s.PlayerState == "live", TimeSpan.FromSeconds(60), "live again");
        await LiveTileProbe.WaitForDecodingAsync(live, id, s_deadline);
        (await live.EvaluateAsync<bool>("() => window.__csNotReloaded === true")).Should().BeTrue("the page was not reloaded");
        await live.Context.CloseAsync();
    }

    [Fact]
    public async Task TileOutOfView_StopsWatching_AndResumesWhenScrolledBack()
    {
        int top = await e2e.CreateCameraAsync("A top");
        await e2e.CreateCameraAsync("B middle");
        int below = await e2e.CreateCameraAsync("C bottom");
        // One column in a short window: only the first tile is in view; scrolled to the last, the first is far above.
        IPage live = await e2e.OpenPageAsync("", viewport: new ViewportSize { Width = 1000, Height = 480 });
        await live.Locator("[data-testid=layout-picker] [data-layout='1']").ClickAsync();
        await LiveTileProbe.WaitForDecodingAsync(live, top, s_deadline);
        await LiveTileProbe.WaitForAsync(live, below, s => s.PlayerState == "paused", s_deadline, "the tile below the fold is paused");
        (await e2e.GetStatusAsync(below)).GetProperty("viewer_count").GetInt32().Should().Be(0, "nobody sees it");

        await live.Locator($".live-tile[data-camera-id='{below}']").ScrollIntoViewIfNeededAsync();
        await LiveTileProbe.WaitForDecodingAsync(live, below, s_deadline);
        await e2e.WaitForStatusAsync(below, s => s.GetProperty("viewer_count").GetInt32() == 1, s_deadline, "watching once visible");
        await LiveTileProbe.WaitForAsync(live, top, s => s.PlayerState == "paused", s_deadline, "the tile scrolled away stops");
        await e2e.WaitForStatusAsync(top, s => s.GetProperty("viewer_count").GetInt32() == 0, s_deadline, "its viewer left");
        await live.Context.CloseAsync();
    }

    [Fact]
    public async Task FullScreenButton_ShowsTheTileInBrowserFullscreenInHd_AndLeavingReturnsToSd()
    {
        int id = await e2e.CreateCameraAsync("Fullscreen cam");
        IPage live = await e2e.OpenPageAsync("");
        await LiveTileProbe.WaitForDecodingAsync(live, id, s_deadline);
        await LiveTileProbe.WatchForBlankAsync(live, id);

        await live.Locator($".live-tile[data-camera-id='{id}'] [data-action=fullscreen]").ClickAsync();
        (await live.EvaluateAsync<string?>("() => document.fullscreenElement?.dataset.cameraId ?? null"))
            .Should().Be(id.ToString(System.Globalization.CultureInfo.InvariantCulture), "the whole tile is fullscreen");
        TileSample hd = await LiveTileProbe.WaitForAsync(live, id, s => s.Width == 1280 && s.Quality == "stream1", s_deadline,
            "fullscreen: HD");
        hd.BlankSamples.Should().Be(0, "the SD picture stays on screen until HD's first frame");
        await UiEndToEndFixture.ScreenshotAsync(live, "live-fullscreen");

        // What Escape does: the browser leaves fullscreen, and only 'fullscreenchange' tells the tile.
        await live.EvaluateAsync("() => document.exitFullscreen()");
        TileSample sd = await LiveTileProbe.WaitForAsync(live, id, s => s.Width == 640 && s.Quality == "stream2", s_deadline,
            "left fullscreen: SD");
        sd.BlankSamples.Should().Be(0);
        await e2e.WaitForStatusAsync(id, s => s.GetProperty("viewer_count").GetInt32() == 1, s_deadline, "still one viewer");
        await live.Context.CloseAsync();
    }

    [Fact]
    public async Task HiddenBrowserTab_StopsWatching_AndResumesWhenShownAgain()
    {
        int id = await e2e.CreateCameraAsync("Hidden tab cam");
        IPage live = await e2e.OpenPageAsync("");
        await LiveTileProbe.WaitForDecodingAsync(live, id, s_deadline);
        await e2e.WaitForStatusAsync(id, s => s.GetProperty("viewer_count").GetInt32() == 1, s_deadline, "one viewer");

        // Headless Chromium never hides a page, so the tab switch is what the browser reports for one: the
        // visibilityState the page reads, and the event.
        await live.EvaluateAsync(
            "() => { Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' }); " +
            "document.dispatchEvent(new Event('visibilitychange')); }");
        await LiveTileProbe.WaitForAsync(live, id, s => s.PlayerState == "paused", s_deadline, "the hidden tab's tile pauses");
        await e2e.WaitForStatusAsync(id, s => s.GetProperty("viewer_count").GetInt32() == 0, s_deadline,
            "a hidden tab is not a viewer, so the grace period can stop the camera");

        await live.EvaluateAsync(
            "() => { delete document.visibilityState; document.dispatchEvent(new Event('visibilitychange')); }");
        await LiveTileProbe.WaitForDecodingAsync(live, id, s_deadline);
        await e2e.WaitForStatusAsync(id, s => s.GetProperty("viewer_count").GetInt32() == 1, s_deadline, "watching again");
        await live.Context.CloseAsync();
    }

    private static async Task FillAsync(IPage page, string field, string value)
    {
        ILocator input = page.Locator($"input[data-field='{field}']");
        await input.FillAsync(value);
        // MudBlazor fields bind on change; leaving the field sends it before the next click.
        await input.PressAsync("Tab");
    }
}
