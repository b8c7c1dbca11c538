using System.Diagnostics;
using CamStudio.Media.Ffmpeg;
using CamStudio.Media.Snapshots;
using CamStudio.Media.Streaming;
using CamStudio.Tests.Infrastructure;
using CamStudio.Tests.Media.Sdp;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CamStudio.Tests.Media.Streaming;

/// <summary>
/// The cluster's start gate (<see cref="IStreamAdmission"/>) with the real camera and real FFmpeg: a camera this node may
/// not pull gets no stream, no relaunch after its FFmpeg died, and no snapshot grab — checked in /proc, not only in the
/// host's own bookkeeping — and everything works again once it is admitted.
/// </summary>
public sealed class StreamAdmissionTests : IAsyncLifetime
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
    public async Task A_refused_camera_gets_no_stream_and_no_viewer_while_an_unknown_camera_stays_not_found()
    {
        _rig.Admission.Allowed = false;

        Func<Task> open = () => _rig.Host.GetOrCreateAsync(AdmissionRig.CameraId, StreamVariant.Stream2, _timeout.Token);
        Func<Task> offer = () => _rig.Host.OpenViewerAsync(AdmissionRig.CameraId, SdpFixtures.Chrome126VideoOnly, null, _timeout.Token);
        Func<Task> hls = () => _rig.Host.OpenHlsViewerAsync(AdmissionRig.CameraId, null, "test", _timeout.Token);

        await open.Should().ThrowAsync<StreamNotAdmittedException>();
        await offer.Should().ThrowAsync<StreamNotAdmittedException>();
        await hls.Should().ThrowAsync<StreamNotAdmittedException>();
        (await _rig.Host.GetOrCreateAsync(99, null, _timeout.Token)).Should().BeNull("an unknown camera is not found, whoever serves what");
        _rig.Host.Streams.Should().BeEmpty();
        _rig.Launcher.Runs.Should().BeEmpty();
        FfmpegCensus.Pulling(_rig.Camera.Port).Should().BeEmpty();
    }

    [Fact]
    public async Task An_ffmpeg_killed_from_outside_is_not_relaunched_while_refused_and_is_once_admitted_again()
    {
        CameraStream stream = (await _rig.Host.GetOrCreateAsync(AdmissionRig.CameraId, StreamVariant.Stream2, _timeout.Token))!;
        using IDisposable viewer = stream.AddViewer();
        await Eventually.WaitUntilAsync(() => stream.Supervisor.State == FfmpegSupervisorState.Streaming, s_wait,
            "the camera streams", _timeout.Token);
        int first = stream.Supervisor.ProcessId;
        FfmpegCensus.Pulling(_rig.Camera.Port).Should().Equal(first);

        // The lease is lost, then FFmpeg dies before the stream is fenced: the supervisor must not pull the camera again.
        _rig.Admission.Allowed = false;
        using (var process = Process.GetProcessById(first))
        {
            process.Kill();
        }

        // Backoff 100–400 ms: several relaunches come due, and each is refused before anything starts.
        await Eventually.WaitUntilAsync(() => _rig.Admission.Refusals >= 3, s_wait, "three relaunches refused", _timeout.Token);
        stream.Supervisor.LastFailure.Should().Be(FfmpegFailure.NotAdmitted);
        stream.Supervisor.LastError.Should().Be(FfmpegSupervisor.NotAdmittedSummary);
        _rig.Launcher.Runs.Should().ContainSingle("no FFmpeg was launched while the camera was refused");
        FfmpegCensus.Pulling(_rig.Camera.Port).Should().BeEmpty();

        _rig.Admission.Allowed = true;
        await Eventually.WaitUntilAsync(() => stream.Supervisor.State == FfmpegSupervisorState.Streaming, s_wait,
            "streaming again once admitted", _timeout.Token);
        int second = stream.Supervisor.ProcessId;
        second.Should().NotBe(first);
        FfmpegCensus.Pulling(_rig.Camera.Port).Should().Equal(second);
    }

    [Fact]
    public async Task A_snapshot_of_a_refused_camera_grabs_nothing_and_the_same_request_grabs_once_admitted()
    {
        using var snapshots = new SnapshotService(_rig.Host, _rig.Feeds, _rig.Registry,
            Options.Create(new SnapshotOptions { CacheDuration = TimeSpan.Zero }), TimeProvider.System, NullLogger<SnapshotService>.Instance);
        _rig.Admission.Allowed = false;

        SnapshotResult refused = await snapshots.GetAsync(AdmissionRig.CameraId, StreamVariant.Stream2, _timeout.Token);

        refused.Failure.Should().Be(SnapshotFailure.Unavailable);
        refused.Reason.Should().Contain("Another node");
        _rig.Admission.Refusals.Should().Be(1);

        _rig.Admission.Allowed = true;
        SnapshotResult taken = await snapshots.GetAsync(AdmissionRig.CameraId, StreamVariant.Stream2, _timeout.Token);
        taken.Snapshot.Should().NotBeNull("the camera gives a picture to a node that may pull it ({0})", taken.Reason);
    }
}
