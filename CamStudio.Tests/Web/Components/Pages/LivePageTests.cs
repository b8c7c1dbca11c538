using Bunit;
using CamStudio.Core.Cameras;
using CamStudio.Web.Components.Live;
using CamStudio.Web.Components.Pages;
using Microsoft.AspNetCore.Components.Web;

namespace CamStudio.Tests.Web.Components.Pages;

/// <summary>The Live page: a tile per camera, the layout picker (remembered through layout.js), maximise.</summary>
public sealed class LivePageTests : UiTestContext
{
    [Fact]
    public async Task EveryCamera_GetsATile_InTheAutoLayout()
    {
        for (int i = 0; i < 5; i++)
        {
            await CreateCameraAsync("Cam " + i);
        }

        IRenderedComponent<Home> page = Render<Home>();

        page.WaitForElements(".live-tile", 5);
        page.Find("[data-testid=live-grid]").GetAttribute("style").Should().Contain("--live-columns: 3", "five cameras fit a 3×3 grid");
        page.Find("[data-testid=layout-picker] [aria-pressed=true]").GetAttribute("data-layout").Should().Be("auto");
    }

    [Fact]
    public async Task StoredLayout_IsRestored_AndAPickedOneIsStored()
    {
        await CreateCameraAsync("Cam");
        BunitJSModuleInterop module = JSInterop.SetupModule(LiveTile.ModulePath);
        module.Mode = JSRuntimeMode.Loose;
        module.Setup<string>("getLayout").SetResult("3x3");
        module.Setup<bool>("setLayout", "1").SetResult(true);

        IRenderedComponent<Home> page = Render<Home>();
        page.WaitForAssertion(() => page.Find("[data-testid=live-grid]").GetAttribute("data-layout").Should().Be("3x3"));
        page.Find("[data-testid=live-grid]").GetAttribute("style").Should().Contain("--live-columns: 3");

        await page.Find("[data-testid=layout-picker] [data-layout='1']").ClickAsync(new MouseEventArgs());

        page.Find("[data-testid=live-grid]").GetAttribute("style").Should().Contain("--live-columns: 1");
        page.Find("[data-testid=layout-picker] [aria-pressed=true]").GetAttribute("data-layout").Should().Be("1");
        module.Invocations.Should().Contain(i => i.Identifier == "setLayout" && Equals(i.Arguments[0], "1"));
    }

    [Fact]
    public async Task ALayoutPickedWhileTheStoredOneIsStillLoading_Wins_AndIsStored()
    {
        await CreateCameraAsync("Cam");
        BunitJSModuleInterop module = JSInterop.SetupModule(LiveTile.ModulePath);
        module.Mode = JSRuntimeMode.Loose;
        JSRuntimeInvocationHandler<string> getLayout = module.Setup<string>("getLayout");
        module.Setup<bool>("setLayout", "2x2").SetResult(true);
        IRenderedComponent<Home> page = Render<Home>();
        page.WaitForElements("[data-testid=layout-picker] [data-layout='2x2']", 1);

        await page.Find("[data-testid=layout-picker] [data-layout='2x2']").ClickAsync(new MouseEventArgs());
        getLayout.SetResult("3x3"); // the stored layout arrives after the click

        page.WaitForAssertion(() => module.Invocations.Should().Contain(i => i.Identifier == "setLayout" && Equals(i.Arguments[0], "2x2")));
        page.Find("[data-testid=live-grid]").GetAttribute("data-layout").Should().Be("2x2", "the operator's click is not undone");
    }

    [Fact]
    public async Task StoredTransport_IsShown_AndAPickedOneIsStored_AndReachesEveryTile()
    {
        await CreateCameraAsync("First");
        await CreateCameraAsync("Second");
        BunitJSModuleInterop module = JSInterop.SetupModule(LiveTile.ModulePath);
        module.Mode = JSRuntimeMode.Loose;
        module.Setup<string?>("getTransportMode").SetResult("webrtc");
        module.Setup<bool>("setTransportMode", "hls").SetResult(true);

        IRenderedComponent<Home> page = Render<Home>();
        page.WaitForAssertion(() =>
            page.Find("[data-testid=transport-picker] [aria-pressed=true]").GetAttribute("data-transport").Should().Be("webrtc"));

        await page.Find("[data-testid=transport-picker] [data-transport=hls]").ClickAsync(new MouseEventArgs());

        page.Find("[data-testid=transport-picker] [aria-pressed=true]").GetAttribute("data-transport").Should().Be("hls");
        module.Invocations.Should().Contain(i => i.Identifier == "setTransportMode" && Equals(i.Arguments[0], "hls"));
        page.FindComponents<LiveTile>().Select(t => t.Instance.TransportMode).Should().Equal(["hls", "hls"],
            "every tile passes the choice to its player (LiveTileTests: setTransportMode)");
    }

    [Fact]
    public async Task NoStoredTransport_ShowsAuto()
    {
        await CreateCameraAsync("Cam");
        IRenderedComponent<Home> page = Render<Home>();
        page.WaitForElements("[data-testid=transport-picker] [aria-pressed=true]", 1);
        page.Find("[data-testid=transport-picker] [aria-pressed=true]").GetAttribute("data-transport").Should().Be("auto");
        page.Find("[data-testid=transport-picker] [data-transport=hls]").TextContent.Trim().Should().Be("HLS");
    }

    [Fact]
    public async Task Maximise_SwitchesThatTileToHd_AndHidesTheOthers_RestoreGoesBackToSd()
    {
        CameraResponse first = await CreateCameraAsync("First");
        await CreateCameraAsync("Second");
        IRenderedComponent<Home> page = Render<Home>();
        page.WaitForElements(".live-tile", 2);

        await page.Find($".live-tile[data-camera-id='{first.CameraId}'] [data-action=maximise]").ClickAsync(new MouseEventArgs());

        page.Find("[data-testid=live-grid]").ClassList.Should().Contain("live-grid--maximized");
        page.Find($".live-tile[data-camera-id='{first.CameraId}']").ClassList.Should().Contain("live-tile--max");
        page.WaitForAssertion(() => JSInterop.Invocations.Should().Contain(i => i.Identifier == "setQuality" && Equals(i.Arguments[0], "stream1")));

        await page.Find($".live-tile[data-camera-id='{first.CameraId}'] [data-action=maximise]").ClickAsync(new MouseEventArgs());

        page.Find("[data-testid=live-grid]").ClassList.Should().NotContain("live-grid--maximized");
        page.WaitForAssertion(() => JSInterop.Invocations.Should().Contain(i => i.Identifier == "setQuality" && Equals(i.Arguments[0], "stream2")));
    }

    [Fact]
    public async Task ServerStatus_ReachesTheTiles_ThroughTheNotifier()
    {
        CameraResponse camera = await CreateCameraAsync("Gate");
        IRenderedComponent<Home> page = Render<Home>();
        page.WaitForElements(".live-tile", 1);

        Statuses.Set(new CameraRuntimeStatus { CameraId = camera.CameraId, State = CameraStreamState.AuthFailed });
        Notifier.Check().Should().BeTrue();

        page.WaitForAssertion(() => page.Find(".live-tile .mud-chip").TextContent.Trim().Should().Be("Wrong password"));
    }

    [Theory]
    [InlineData("auto", 1, 1)]
    [InlineData("auto", 4, 2)]
    [InlineData("auto", 9, 3)]
    [InlineData("auto", 10, 4)]
    [InlineData("auto", 40, 4)]
    [InlineData("1", 9, 1)]
    [InlineData("2x2", 1, 2)]
    [InlineData("3x3", 1, 3)]
    [InlineData("4x4", 1, 4)]
    public void Columns_FollowTheLayout(string layout, int cameras, int columns) =>
        LiveLayouts.Columns(layout, cameras).Should().Be(columns);
}
