using CamStudio.Media.Ffmpeg;
using CamStudio.Media.Streaming;
using CamStudio.Tests.Core.Cluster;
using CamStudio.Tests.Infrastructure;
using CamStudio.Tests.Media.Streaming;
using Npgsql;

namespace CamStudio.Tests.Web.Cluster;

/// <summary>
/// The coordinator in front of the real stream host, real FFmpeg and the RTSP test camera: when node a's database is cut
/// off, a's FFmpeg is gone (by /proc) before node b's claim on the database clock, nothing restarts it on a, and the
/// healed node does not take the camera back.
/// </summary>
[Collection(PostgresServerCollection.Name)]
public sealed class ClusterCoordinatorStreamTests(PostgresServer server) : IAsyncLifetime
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(20);
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(2));
    private ClusterDatabaseFixture _db = null!;
    private AdmissionRig _rig = null!;

    public async Task InitializeAsync()
    {
        _db = await ClusterDatabaseFixture.CreateAsync(server, ClusterTestNode.ShortTimings());
        _rig = await AdmissionRig.StartAsync(_timeout.Token);
    }

    public async Task DisposeAsync()
    {
        await _rig.DisposeAsync();
        await _db.DisposeAsync();
        _timeout.Dispose();
    }

    [Fact]
    public async Task A_partitioned_owner_kills_its_ffmpeg_before_the_other_node_may_claim_and_nothing_restarts_it()
    {
        await _db.AddCameraAsync("Porch", pinnedNode: "a", id: AdmissionRig.CameraId);
        await using var relay = new PausableTcpRelay(new NpgsqlConnectionStringBuilder(_db.ConnectionString).Port);
        await using ClusterTestNode a = await ClusterTestNode.StartAsync("a", _db.ConnectionString, relay.Port);
        await using ClusterTestNode b = await ClusterTestNode.StartAsync("b", _db.ConnectionString);
        a.Fence.Inner = _rig.Host.FenceAsync;
        _rig.Admission.Inner = a.Admission;
        await Eventually.WaitUntilAsync(() => a.Admission.MayRun(AdmissionRig.CameraId), s_wait, "a owns the camera", _timeout.Token);

        CameraStream stream = (await _rig.Host.GetOrCreateAsync(AdmissionRig.CameraId, StreamVariant.Stream2, _timeout.Token))!;
        using (stream.AddViewer())
        {
            await Eventually.WaitUntilAsync(() => stream.Supervisor.State == FfmpegSupervisorState.Streaming, s_wait, "a pulls the camera", _timeout.Token);
            FfmpegCensus.Pulling(_rig.Camera.Port).Should().ContainSingle();

            relay.Pause();
            DateTime? goneAt = null;
            await Eventually.WaitUntilAsync(() =>
            {
                goneAt = FfmpegCensus.Pulling(_rig.Camera.Port).Count == 0 ? DateTime.UtcNow : null;
                return goneAt is not null;
            }, s_wait, "a's FFmpeg is killed although its database calls hang", _timeout.Token);
            await Eventually.WaitUntilAsync(() => b.Coordinator.IsLocal(AdmissionRig.CameraId), s_wait, "b claims the camera", _timeout.Token);

            DateTime claimedAt = await ClaimedAtAsync("b");
            goneAt!.Value.Should().BeBefore(claimedAt, "no moment with two pulls: a's FFmpeg ended before b could start one");
            Func<Task> again = () => _rig.Host.GetOrCreateAsync(AdmissionRig.CameraId, StreamVariant.Stream2, _timeout.Token);
            await again.Should().ThrowAsync<StreamNotAdmittedException>("a no longer holds the lease");
            _rig.Launcher.Runs.Should().ContainSingle("the supervisor did not relaunch the fenced stream");

            relay.Resume();
            await Eventually.WaitUntilAsync(() => a.Coordinator.FencesRunning == 0, s_wait, "fence done", _timeout.Token);
            a.Coordinator.IsLocal(AdmissionRig.CameraId).Should().BeFalse();
            FfmpegCensus.Pulling(_rig.Camera.Port).Should().BeEmpty();
        }
    }

    private async Task<DateTime> ClaimedAtAsync(string node)
    {
        await using NpgsqlCommand command = _db.Database.DataSource.CreateCommand(
            $"SELECT acquired_at FROM camera_leases WHERE camera_id = {AdmissionRig.CameraId} AND node_name = '{node}'");
        return (DateTime)(await command.ExecuteScalarAsync())!;
    }
}
