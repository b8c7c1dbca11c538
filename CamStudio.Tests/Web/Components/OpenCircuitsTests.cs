using CamStudio.Media.Streaming;
using CamStudio.Web.Components;
using Microsoft.Extensions.Logging.Abstractions;

namespace CamStudio.Tests.Web.Components;

/// <summary>
/// The last browser tab closing is an idle transition for the memory release — only the last one, and only while no
/// camera streams (a camera's own stop is its transition). Wiring to real circuits: OperatorUiTests.
/// </summary>
public sealed class OpenCircuitsTests
{
    private readonly IdleMemoryRelease _release = new(NullLogger.Instance, releaseImagePages: false, () => default,
        committedBytes: () => 0, collect: () => { });

    private bool _streamsIdle = true;

    [Fact]
    public void Only_the_last_tab_closing_asks_for_the_release()
    {
        var circuits = new OpenCircuits(_release, () => _streamsIdle);
        circuits.Opened();
        circuits.Opened();

        circuits.Closed();
        _release.Requests.Should().Be(0, "another tab is still open");
        circuits.Count.Should().Be(1);

        circuits.Closed();
        _release.Requests.Should().Be(1);
        circuits.Count.Should().Be(0);
    }

    [Fact]
    public void The_last_tab_closing_while_a_camera_streams_leaves_the_release_to_that_cameras_stop()
    {
        var circuits = new OpenCircuits(_release, () => _streamsIdle);
        circuits.Opened();
        _streamsIdle = false;

        circuits.Closed();

        _release.Requests.Should().Be(0);
    }
}
