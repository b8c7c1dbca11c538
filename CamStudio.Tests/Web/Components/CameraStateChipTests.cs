using Bunit;
using CamStudio.Core.Cameras;
using CamStudio.Web.Components.Cameras;

namespace CamStudio.Tests.Web.Components;

public sealed class CameraStateChipTests : UiTestContext
{
    [Theory]
    [InlineData("idle", "Idle", "default")]
    [InlineData("starting", "Connecting", "info")]
    [InlineData("streaming", "Live", "success")]
    [InlineData("reconnecting", "Reconnecting", "warning")]
    [InlineData("auth_failed", "Wrong password", "error")]
    [InlineData("stopping", "Offline", "dark")]
    public void EachWireState_RendersItsLabelAndColour(string wireState, string label, string colour)
    {
        CameraLiveState state = CameraLiveStates.FromWireName(wireState);

        IRenderedComponent<CameraStateChip> chip = Render<CameraStateChip>(p => p.Add(c => c.State, state));

        chip.Find(".mud-chip").TextContent.Trim().Should().Be(label);
        chip.Find(".mud-chip").ClassList.Should().Contain($"mud-chip-color-{colour}");
    }

    [Fact]
    public void DerivedState_RunningWithoutFrames_IsConnecting_AndStaleFramesAreReconnecting()
    {
        DateTimeOffset now = DateTimeOffset.UnixEpoch.AddDays(1);
        CameraLiveStates.FromStatus(CameraRuntimeStatus.Idle(1), now).Should().Be(CameraLiveState.Idle);
        CameraLiveStates.FromStatus(new CameraRuntimeStatus { CameraId = 1, IsRunning = true }, now).Should().Be(CameraLiveState.Connecting);
        CameraLiveStates.FromStatus(new CameraRuntimeStatus { CameraId = 1, IsRunning = true, LastFrameTime = now.AddSeconds(-5) }, now)
            .Should().Be(CameraLiveState.Live);
        CameraLiveStates.FromStatus(new CameraRuntimeStatus { CameraId = 1, IsRunning = true, LastFrameTime = now.AddSeconds(-6) }, now)
            .Should().Be(CameraLiveState.Reconnecting);
    }
}
