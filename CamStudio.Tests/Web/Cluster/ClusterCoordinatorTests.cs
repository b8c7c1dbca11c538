using System.Diagnostics;
using CamStudio.Core.Cluster;
using CamStudio.Tests.Core.Cluster;
using CamStudio.Tests.Infrastructure;
using Npgsql;
using Xunit.Abstractions;

namespace CamStudio.Tests.Web.Cluster;

/// <summary>
/// Two (or three) in-process coordinators on one real PostgreSQL with the lease TTL shortened to 2 s
/// (<see cref="ClusterTestNode.ShortTimings"/>). Every change of a lease's owner is recorded by a trigger on the
/// database clock, so "claimed only after expiry + ClaimMargin" is asserted on the clock that decides it, not on test
/// timing. Waits are on observable conditions with deadlines.
/// </summary>
[Collection(PostgresServerCollection.Name)]
public sealed class ClusterCoordinatorTests(PostgresServer server, ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(15);
    private readonly List<ClusterTestNode> _nodes = [];
    private ClusterDatabaseFixture _db = null!;

    public async Task InitializeAsync()
    {
        _db = await ClusterDatabaseFixture.CreateAsync(server, ClusterTestNode.ShortTimings());
        await _db.ExecuteAsync("""
            CREATE TABLE lease_history (camera_id int, old_node text, old_token bigint, old_expires timestamptz,
                                        new_node text, new_token bigint, new_acquired timestamptz);
            CREATE FUNCTION record_lease() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
                IF NEW.fencing_token <> OLD.fencing_token OR NEW.node_name IS DISTINCT FROM OLD.node_name THEN
                    INSERT INTO lease_history VALUES (NEW.camera_id, OLD.node_name, OLD.fencing_token, OLD.expires_at,
                                                      NEW.node_name, NEW.fencing_token, NEW.acquired_at);
                END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER lease_history AFTER UPDATE ON camera_leases FOR EACH ROW EXECUTE FUNCTION record_lease();
            """);
    }

    public async Task DisposeAsync()
    {
        foreach (ClusterTestNode node in _nodes)
        {
            await node.DisposeAsync();
        }

        await _db.DisposeAsync();
    }

    [Fact]
    public async Task New_cameras_are_spread_over_two_nodes_by_load()
    {
        ClusterTestNode a = await StartAsync("a");
        ClusterTestNode b = await StartAsync("b");
        int[] cameras = [await _db.AddCameraAsync("One"), await _db.AddCameraAsync("Two"), await _db.AddCameraAsync("Three"), await _db.AddCameraAsync("Four")];

        await Eventually.WaitUntilAsync(() => a.Coordinator.LocalCameras.Count + b.Coordinator.LocalCameras.Count == 4, s_wait, "all four cameras owned");

        a.Coordinator.LocalCameras.Should().HaveCount(2, "equal scores alternate: lowest score, ties by name");
        b.Coordinator.LocalCameras.Should().HaveCount(2);
        a.Coordinator.LocalCameras.Should().NotIntersectWith(b.Coordinator.LocalCameras);
        foreach (int camera in cameras)
        {
            a.Coordinator.IsLocal(camera).Should().NotBe(b.Coordinator.IsLocal(camera));
            if (!a.Coordinator.IsLocal(camera))
            {
                a.Admission.MayRun(camera).Should().BeFalse("only the lease holder may pull a camera");
            }
        }

        (await ClaimsAsync()).Should().HaveCount(4, "each camera was claimed once: no node took one the other holds");
    }

    [Fact]
    public async Task A_pin_is_honoured_and_a_camera_pinned_to_a_node_that_is_down_is_placed_by_load()
    {
        ClusterTestNode a = await StartAsync("a");
        ClusterTestNode b = await StartAsync("b");
        int toB = await _db.AddCameraAsync("Pinned to b", pinnedNode: "b");
        int toGone = await _db.AddCameraAsync("Pinned to a node that is down", pinnedNode: "gone");

        await Eventually.WaitUntilAsync(() => b.Coordinator.IsLocal(toB), s_wait, "b owns the camera pinned to it");
        await Eventually.WaitUntilAsync(() => a.Coordinator.IsLocal(toGone) || b.Coordinator.IsLocal(toGone), s_wait, "the other camera is placed");
        a.Coordinator.IsLocal(toB).Should().BeFalse("a is first by name, but the pin prefers b");
        await Eventually.WaitUntilAsync(() => a.Coordinator.OwnerOf(toB) == new CameraOwner("b", IsLocal: false), s_wait, "a sees b as the owner");
        (await ClaimsAsync()).Where(c => c.CameraId == toB).Should().ContainSingle().Which.NewNode.Should().Be("b");
    }

    [Fact]
    public async Task When_a_node_dies_the_other_claims_its_camera_after_expiry_plus_margin_and_never_before()
    {
        int camera = await _db.AddCameraAsync("Porch", pinnedNode: "a");
        ClusterTestNode a = await StartAsync("a");
        ClusterTestNode b = await StartAsync("b");
        await Eventually.WaitUntilAsync(() => a.Coordinator.IsLocal(camera), s_wait, "a owns the camera pinned to it");

        await a.DisposeAsync(); // a crash: nothing released, the lease runs out
        _nodes.Remove(a);

        await Eventually.WaitUntilAsync(() => b.Coordinator.IsLocal(camera), s_wait, "b takes the camera over although it is pinned to a");
        LeaseChange takeover = (await ClaimsAsync()).Single(c => c.NewNode == "b");
        takeover.OldNode.Should().Be("a");
        TimeSpan afterExpiry = takeover.NewAcquired!.Value - takeover.OldExpires;
        output.WriteLine($"b claimed {afterExpiry.TotalMilliseconds:0} ms after a's lease expired (ClaimMargin 250 ms)");
        afterExpiry.Should().BeGreaterThanOrEqualTo(ClusterTestNode.ShortTimings().ClaimMargin, "no claim before expiry + ClaimMargin (database clock)");
        afterExpiry.Should().BeLessThan(TimeSpan.FromSeconds(3), "the claim is scheduled at expiry + margin (bound loose enough for a loaded 2-core CI machine)");
        b.Fence.Fenced.Should().BeEmpty();
    }

    [Fact]
    public async Task The_fence_timer_stops_a_node_whose_database_calls_hang_before_the_other_may_claim()
    {
        int camera = await _db.AddCameraAsync("Porch", pinnedNode: "a");
        await using var relay = new PausableTcpRelay(new NpgsqlConnectionStringBuilder(_db.ConnectionString).Port);
        ClusterTestNode a = await StartAsync("a", relay.Port);
        ClusterTestNode b = await StartAsync("b");
        await Eventually.WaitUntilAsync(() => a.Coordinator.IsLocal(camera) && a.Admission.MayRun(camera), s_wait, "a owns the camera");

        // Sample a's admission while its database is cut off: the first refusal is recorded at most one sample late.
        DateTime? refusedAt = null;
        using var sampling = new CancellationTokenSource();
        Task sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested && refusedAt is null)
            {
                if (!a.Admission.MayRun(camera))
                {
                    refusedAt = DateTime.UtcNow;
                }

                await Task.Delay(5, CancellationToken.None);
            }
        });
        relay.Pause();

        await Eventually.WaitUntilAsync(() => !a.Fence.Fenced.IsEmpty, s_wait, "a fences the camera while its renew hangs");
        await Eventually.WaitUntilAsync(() => b.Coordinator.IsLocal(camera), s_wait, "b takes the camera over");
        await sampling.CancelAsync();
        await sampler;
        relay.IsPaused.Should().BeTrue("the fence did not wait for a database answer");

        FenceRecord fence = a.Fence.Fenced.Should().ContainSingle().Subject;
        fence.AdmittedAtFence.Should().BeFalse("the lease is forgotten before the streams are killed, so nothing restarts them");
        LeaseChange takeover = (await ClaimsAsync()).Single(c => c.NewNode == "b");
        refusedAt.Should().NotBeNull();
        refusedAt!.Value.Should().BeBefore(fence.At.AddMilliseconds(1), "the admission refuses a start margin before the fence");
        output.WriteLine($"fence {(takeover.OldExpires - fence.At).TotalMilliseconds:0} ms before the database expiry (FenceMargin 500 ms), "
            + $"{(takeover.NewAcquired!.Value - fence.At).TotalMilliseconds:0} ms before b's claim; admission refused {(fence.At - refusedAt!.Value).TotalMilliseconds:0} ms before the fence");
        fence.At.Should().BeBefore(takeover.OldExpires, "a's FFmpeg is gone before its lease expires in the database");
        fence.At.Should().BeBefore(takeover.NewAcquired!.Value - ClusterTestNode.ShortTimings().ClaimMargin);
        a.Coordinator.LocalCameras.Should().BeEmpty();

        relay.Resume();
        await Eventually.WaitUntilAsync(async () => (await ClaimsAsync()).Count >= 2 && a.Coordinator.FencesRunning == 0, s_wait, "history read");
        a.Coordinator.IsLocal(camera).Should().BeFalse("after the partition heals a's renewal does not revive the lost lease");
    }

    [Fact]
    public async Task A_graceful_stop_fences_then_releases_within_a_second_and_the_other_node_claims_before_the_old_expiry()
    {
        int camera = await _db.AddCameraAsync("Porch", pinnedNode: "a");
        ClusterTestNode a = await StartAsync("a");
        ClusterTestNode b = await StartAsync("b");
        await Eventually.WaitUntilAsync(() => a.Coordinator.IsLocal(camera), s_wait, "a owns the camera");

        var stopping = Stopwatch.StartNew();
        await a.StopAsync();
        output.WriteLine($"graceful stop (fence + release + node stopped) took {stopping.Elapsed.TotalMilliseconds:0} ms");
        stopping.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(1));
        a.Fence.Fenced.Should().ContainSingle(f => f.CameraId == camera, "the streams stop before the lease is released");
        a.Admission.MayRun(camera).Should().BeFalse();

        await Eventually.WaitUntilAsync(() => b.Coordinator.IsLocal(camera), s_wait, "b takes the released camera");
        List<LeaseChange> history = await ClaimsAsync(includeReleases: true);
        LeaseChange release = history.Single(c => c.OldNode == "a" && c.NewNode is null);
        LeaseChange takeover = history.Single(c => c.NewNode == "b");
        takeover.NewAcquired!.Value.Should().BeBefore(release.OldExpires, "a released lease is claimed at once, not at its expiry");
    }

    [Fact]
    public async Task A_restarted_node_with_the_same_name_waits_for_its_old_leases_to_expire()
    {
        int camera = await _db.AddCameraAsync("Porch");
        ClusterTestNode first = await StartAsync("a");
        await Eventually.WaitUntilAsync(() => first.Coordinator.IsLocal(camera), s_wait, "a owns the camera");
        await first.DisposeAsync(); // crash
        _nodes.Remove(first);

        ClusterTestNode second = await StartAsync("a");
        second.Coordinator.Incarnation.Should().NotBe(first.Coordinator.Incarnation);
        await Eventually.WaitUntilAsync(() => second.Coordinator.IsLocal(camera), s_wait, "the new process owns the camera");

        LeaseChange again = (await ClaimsAsync()).Last();
        again.OldNode.Should().Be("a");
        (again.NewAcquired!.Value - again.OldExpires).Should().BeGreaterThanOrEqualTo(
            ClusterTestNode.ShortTimings().ClaimMargin, "the old incarnation's lease is not adopted, it is waited out");
    }

    [Fact]
    public async Task An_overloaded_node_hands_an_idle_camera_to_a_new_node_but_never_a_watched_one()
    {
        ClusterTestNode a = await StartAsync("a");
        int[] cameras = new int[6];
        for (int i = 0; i < cameras.Length; i++)
        {
            cameras[i] = await _db.AddCameraAsync($"Camera {i}");
        }

        await Eventually.WaitUntilAsync(() => a.Coordinator.LocalCameras.Count == 6, s_wait, "a alone owns all six");
        a.Fence.Watched[cameras[0]] = true;

        ClusterTestNode b = await StartAsync("b");
        await Eventually.WaitUntilAsync(() => b.Coordinator.LocalCameras.Count == 1, s_wait, "a hands one camera to b (6 > mean 3 + 2)");

        int moved = b.Coordinator.LocalCameras.Single();
        moved.Should().Be(cameras[1], "the lowest idle camera moves; camera 0 is watched");
        a.Coordinator.IsLocal(cameras[0]).Should().BeTrue();
        a.Fence.Fenced.Select(f => f.CameraId).Should().Equal([moved], "the handed-over camera's stream stopped on a first");
        LeaseChange claim = (await ClaimsAsync()).Single(c => c.NewNode == "b");
        claim.OldNode.Should().BeNull("a released it: b claimed a free lease, not an expired one");
    }

    [Fact]
    public async Task A_pinned_camera_returns_to_its_node_when_idle_and_a_watched_one_stays()
    {
        int idle = await _db.AddCameraAsync("Pinned to b, idle", pinnedNode: "b");
        int watched = await _db.AddCameraAsync("Pinned to b, watched", pinnedNode: "b");
        ClusterTestNode a = await StartAsync("a");
        await Eventually.WaitUntilAsync(() => a.Coordinator.LocalCameras.Count == 2, s_wait, "with b down, a serves both");
        a.Fence.Watched[watched] = true;

        ClusterTestNode b = await StartAsync("b");
        await Eventually.WaitUntilAsync(() => b.Coordinator.IsLocal(idle), s_wait, "the idle camera moves back to its pinned node");

        a.Coordinator.IsLocal(watched).Should().BeTrue("a watched camera never moves except by failure");
        a.Fence.Fenced.Select(f => f.CameraId).Should().Equal(idle);
    }

    private async Task<ClusterTestNode> StartAsync(string name, int? port = null)
    {
        ClusterTestNode node = await ClusterTestNode.StartAsync(name, _db.ConnectionString, port);
        _nodes.Add(node);
        return node;
    }

    private async Task<List<LeaseChange>> ClaimsAsync(bool includeReleases = false)
    {
        await using NpgsqlCommand command = _db.Database.DataSource.CreateCommand($"""
            SELECT camera_id, old_node, old_expires, new_node, new_acquired FROM lease_history
            {(includeReleases ? string.Empty : "WHERE new_token <> old_token")} ORDER BY new_token, new_node NULLS FIRST
            """);
        var changes = new List<LeaseChange>();
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            changes.Add(new LeaseChange(
                reader.GetInt32(0), reader.GetValue(1) as string, reader.GetDateTime(2), reader.GetValue(3) as string,
                reader.GetValue(4) is DateTime acquired ? acquired : null));
        }

        return changes;
    }

    private sealed record LeaseChange(int CameraId, string? OldNode, DateTime OldExpires, string? NewNode, DateTime? NewAcquired);
}
