using Bunit;
using CamStudio.Core.Cameras;
using CamStudio.Web.Components.Live;

namespace CamStudio.Tests.Web.Components.Live;

/// <summary>
/// Cluster mode: a camera's owner changes (failover, or out of "moving"). A tile whose player is waiting to reconnect or
/// gave up asks it to retry at once; a playing tile, an unchanged owner, or the camera becoming unowned does not.
/// </summary>
public sealed class LiveTileOwnerChangeTests : UiTestContext
{
    [Theory]
    [InlineData("reconnecting", "node-a", "node-b", 1)]
    [InlineData("failed", "node-a", "node-b", 1)]
    [InlineData("failed", null, "node-b", 1)]
    [InlineData("live", "node-a", "node-b", 0)]
    [InlineData("connecting", "node-a", "node-b", 0)]
    [InlineData("reconnecting", "node-a", "node-a", 0)]
    [InlineData("reconnecting", "node-a", null, 0)]
    [InlineData("failed", null, null, 0)]
    public async Task OwnerChange_RetriesOnlyAWaitingOrFailedPlayer(string playerState, string? before, string? after, int retries)
    {
        CameraResponse camera = await CreateCameraAsync("Gate");
        IRenderedComponent<LiveTile> tile = Render<LiveTile>(p => p.Add(t => t.Camera, camera)
            .Add(t => t.Status, new CameraRuntimeStatus { CameraId = camera.CameraId, State = CameraStreamState.Reconnecting, Node = before }));
        tile.WaitForAssertion(() => JSInterop.Invocations.Should().Contain(i => i.Identifier == "start"));
        await tile.InvokeAsync(() => tile.Instance.OnPlayerStateChanged(playerState, new PlayerStateDetail { Quality = "stream2" }));

        // A new status object either way (the pushes carry a fresh one every time, e.g. with a new viewer count).
        tile.Render(p => p.Add(t => t.Status, new CameraRuntimeStatus
        {
            CameraId = camera.CameraId, State = CameraStreamState.Streaming, Node = after, ViewerCount = 1,
        }));
        // Another push with the same owner: asks no second time.
        tile.Render(p => p.Add(t => t.Status, new CameraRuntimeStatus
        {
            CameraId = camera.CameraId, State = CameraStreamState.Streaming, Node = after, ViewerCount = 2,
        }));

        JSInterop.Invocations.Count(i => i.Identifier == "retry").Should().Be(retries);
    }

    [Fact]
    public async Task SingleNode_NeverRetriesOnAStatusPush()
    {
        CameraResponse camera = await CreateCameraAsync("Gate");
        IRenderedComponent<LiveTile> tile = Render<LiveTile>(p => p.Add(t => t.Camera, camera)
            .Add(t => t.Status, new CameraRuntimeStatus { CameraId = camera.CameraId, State = CameraStreamState.Reconnecting }));
        tile.WaitForAssertion(() => JSInterop.Invocations.Should().Contain(i => i.Identifier == "start"));
        await tile.InvokeAsync(() => tile.Instance.OnPlayerStateChanged("reconnecting", new PlayerStateDetail { Quality = "stream2" }));

        tile.Render(p => p.Add(t => t.Status, new CameraRuntimeStatus { CameraId = camera.CameraId, State = CameraStreamState.Streaming }));

        JSInterop.Invocations.Select(i => i.Identifier).Should().NotContain("retry");
    }
}
