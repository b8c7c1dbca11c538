using Bunit;
using CamStudio.Core.Cameras;
using CamStudio.Web.Components.Cameras;

namespace CamStudio.Tests.Web.Components.Cameras;

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

    [Theory]
    [InlineData(CameraStreamState.Idle, CameraLiveState.Idle)]
    [InlineData(CameraStreamState.Starting, CameraLiveState.Connecting)]
    [InlineData(CameraStreamState.Streaming, CameraLiveState.Live)]
    [InlineData(CameraStreamState.Reconnecting, CameraLiveState.Reconnecting)]
    [InlineData(CameraStreamState.AuthFailed, CameraLiveState.WrongPassword)]
    [InlineData(CameraStreamState.Stopping, CameraLiveState.Offline)]
    public void StatusState_ComesFromTheRuntimeStateField_NotFromFrameAges(CameraStreamState state, CameraLiveState expected)
    {
        // A stale last_frame_time used to be read as "reconnecting"; the streams layer's State is the truth.
        var status = new CameraRuntimeStatus { CameraId = 1, IsRunning = true, LastFrameTime = DateTimeOffset.UnixEpoch, State = state };

        CameraLiveStates.FromStatus(status).Should().Be(expected);
    }
}
