using System.Diagnostics;
using CamStudio.Media.Ffmpeg;
using CamStudio.Media.Streaming;
using CamStudio.Media.WebRtc;
using CamStudio.Tests.Infrastructure;
using CamStudio.Tests.Media.Ffmpeg;
using CamStudio.Tests.Media.Sdp;
using Xunit.Abstractions;

namespace CamStudio.Tests.Media.Streaming;

/// <summary>
/// <see cref="CameraStreamHost.FenceAsync"/> with the real camera and real FFmpeg: the deadline a cluster node keeps when
/// its lease on a camera runs out. Every FFmpeg of the camera is killed (not asked to quit), gone from /proc when the
/// call returns, and the viewers learn the camera moved.
/// </summary>
public sealed class CameraStreamHostFenceTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(2));
    private AdmissionRig _rig = null!;

    public async Task InitializeAsync() => _rig = await AdmissionRig.StartAsync(_timeout.Token);

    public async Task DisposeAsync()
    {
        await _rig.DisposeAsync();
        _timeout.Dispose();
    }

    [Fact]
    public async Task Fencing_kills_every_ffmpeg_of_the_camera_at_once_and_closes_its_viewers_with_SourceMoved()
    {
        CameraViewerResult offer = (await _rig.Host.OpenViewerAsync(AdmissionRig.CameraId, SdpFixtures.Chrome126VideoOnly,
            StreamVariant.Stream2, _timeout.Token))!;
        ViewerSession session = offer.Session!;
        HlsViewer hls = (await _rig.Host.OpenHlsViewerAsync(AdmissionRig.CameraId, StreamVariant.Stream2, "test", _timeout.Token))!;
        CameraStream hd = (await _rig.Host.GetOrCreateAsync(AdmissionRig.CameraId, StreamVariant.Stream1, _timeout.Token))!;
        using IDisposable hdViewer = hd.AddViewer();
        await Eventually.WaitUntilAsync(
            () => _rig.Host.Streams.Count == 2 && _rig.Host.Streams.All(s => s.Supervisor.State == FfmpegSupervisorState.Streaming),
            s_wait, "HD and SD stream", _timeout.Token);
        int[] pids = [.. _rig.Host.Streams.Select(s => s.Supervisor.ProcessId)];
        FfmpegCensus.Pulling(_rig.Camera.Port).Should().BeEquivalentTo(pids);

        // The order a cluster node follows: the admission refuses first (nothing may restart), then the fence.
        _rig.Admission.Allowed = false;
        var clock = Stopwatch.StartNew();
        await _rig.Host.FenceAsync(AdmissionRig.CameraId);
        clock.Stop();
        output.WriteLine($"FenceAsync of {pids.Length} FFmpeg processes took {clock.Elapsed.TotalMilliseconds:0} ms");

        pids.Should().OnlyContain(pid => ProcessState.IsGone(pid), "FenceAsync returns once every FFmpeg of the camera has exited");
        FfmpegCensus.Pulling(_rig.Camera.Port).Should().BeEmpty();
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(1), "a deadline kill, not 'q' and up to 3 s of grace");
        _rig.Launcher.Runs.Should().HaveCount(2).And.OnlyContain(run => run.StopGrace == TimeSpan.Zero);
        foreach (AdmissionRig.ObservedRun run in _rig.Launcher.Runs)
        {
            // 128 + SIGKILL: killed, where a 'q' would have let FFmpeg finish and exit 0.
            (await run.Exited).Should().Be(137);
        }

        session.State.Should().Be(ViewerSessionState.Closed);
        session.CloseReason.Should().Be(ViewerCloseReason.SourceMoved, "the player re-offers and reaches the new owner");
        hls.IsClosed.Should().BeTrue();
        _rig.Host.Streams.Should().BeEmpty();
        _rig.WebRtc.SessionCount.Should().Be(0);
    }

    [Fact]
    public async Task Fencing_a_camera_without_streams_or_an_unknown_camera_does_nothing()
    {
        await _rig.Host.FenceAsync(AdmissionRig.CameraId);
        await _rig.Host.FenceAsync(99);

        _rig.Host.Streams.Should().BeEmpty();
        _rig.Launcher.Runs.Should().BeEmpty();
    }
}
