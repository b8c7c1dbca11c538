using CamStudio.Core.Cluster;
using CamStudio.Web.Cluster;

namespace CamStudio.Tests.Web.Cluster;

/// <summary>
/// The placement rule every node computes alike (cluster-plan.md §1.3), on hand-made rows: who is the target, and when
/// the target and the others try.
/// </summary>
public sealed class ClusterPlacementTests
{
    private static readonly DateTime s_now = new(2026, 12, 5, 1, 0, 0, DateTimeKind.Utc);
    private static readonly Guid s_self = Guid.NewGuid();
    private static readonly TimeSpan s_margin = TimeSpan.FromSeconds(0.5);
    private static readonly TimeSpan s_horizon = TimeSpan.FromSeconds(2);

    [Fact]
    public void Unowned_cameras_alternate_between_equally_loaded_nodes_and_the_others_try_two_seconds_later()
    {
        LeaseSnapshot leases = Snapshot(Unowned(1), Unowned(2), Unowned(3), Unowned(4));
        ClusterNode[] nodes = [Live("a"), Live("b")];

        IReadOnlyList<PlannedClaim> forA = ClusterPlacement.Plan("a", s_self, leases, nodes, NoPins, s_margin, TimeSpan.FromSeconds(5));

        forA.Where(c => c.Delay <= TimeSpan.Zero).Select(c => c.CameraId).Should().Equal(1, 3);
        forA.Where(c => c.Delay > TimeSpan.Zero).Should().OnlyContain(c => c.Delay == ClusterPlacement.NonTargetDelay);
        ClusterPlacement.Plan("a", s_self, leases, nodes, NoPins, s_margin, TimeSpan.FromSeconds(1)).Select(c => c.CameraId)
            .Should().Equal([1, 3], "b's cameras are a's to try only 2 s later, beyond a 1 s horizon: planned on a later pass");
    }

    [Fact]
    public void A_live_pin_wins_over_load_and_a_pin_to_a_dead_node_falls_back_to_load()
    {
        LeaseSnapshot leases = Snapshot(Unowned(1), Unowned(2));
        ClusterNode[] nodes = [Live("a"), Live("b")];
        var pins = new Dictionary<int, string> { [1] = "b", [2] = "gone" };

        ClusterPlacement.Plan("b", s_self, leases, nodes, pins, s_margin, s_horizon).Where(c => c.Delay <= TimeSpan.Zero)
            .Select(c => c.CameraId).Should().Equal([1], "camera 2 goes to a: b already got camera 1");
        ClusterPlacement.Plan("a", s_self, leases, nodes, pins, s_margin, s_horizon).Where(c => c.Delay <= TimeSpan.Zero)
            .Select(c => c.CameraId).Should().Equal(2);
    }

    [Fact]
    public void A_dying_owner_is_not_the_target_of_its_own_camera_and_the_claim_waits_for_expiry_plus_margin()
    {
        var owned = new CameraLease { CameraId = 1, NodeName = "a", Incarnation = Guid.NewGuid(), FencingToken = 3, ExpiresAt = s_now.AddSeconds(1) };
        ClusterNode dying = Live("a", expires: s_now.AddSeconds(1));

        IReadOnlyList<PlannedClaim> forB = ClusterPlacement.Plan("b", s_self, Snapshot(owned), [dying, Live("b")], NoPins, s_margin, s_horizon);

        forB.Should().Equal(new PlannedClaim(1, TimeSpan.FromSeconds(1.5)));
    }

    [Fact]
    public void Own_live_leases_are_renewed_not_claimed_and_far_expiries_are_planned_later()
    {
        var mine = new CameraLease { CameraId = 1, NodeName = "a", Incarnation = s_self, ExpiresAt = s_now.AddSeconds(1) };
        var healthy = new CameraLease { CameraId = 2, NodeName = "b", Incarnation = Guid.NewGuid(), ExpiresAt = s_now.AddSeconds(9) };

        ClusterPlacement.Plan("a", s_self, Snapshot(mine, healthy), [Live("a"), Live("b")], NoPins, s_margin, s_horizon).Should().BeEmpty();
    }

    [Fact]
    public void An_own_lease_that_expired_in_a_partition_is_claimed_again_like_any_other()
    {
        // A renewal never revives an expired lease, so without a claim a node alone in its cluster would never serve the
        // camera again after a cut from PostgreSQL longer than the lease (found by ClusterModeAppTests).
        var lapsed = new CameraLease { CameraId = 1, NodeName = "a", Incarnation = s_self, FencingToken = 4, ExpiresAt = s_now.AddSeconds(-1) };

        ClusterPlacement.Plan("a", s_self, Snapshot(lapsed), [Live("a")], NoPins, s_margin, s_horizon)
            .Should().Equal(new PlannedClaim(1, TimeSpan.Zero));
    }

    [Fact]
    public void Only_an_idle_camera_moves_first_one_pinned_elsewhere_then_one_for_load_above_mean_plus_two()
    {
        CameraLease[] mine = [.. Enumerable.Range(1, 6).Select(id => new CameraLease
        {
            CameraId = id, NodeName = "a", Incarnation = s_self, ExpiresAt = s_now.AddSeconds(9),
        })];
        ClusterNode[] nodes = [Live("a"), Live("b")];

        ClusterPlacement.ChooseHandoff("a", s_self, Snapshot(mine), nodes, new Dictionary<int, string> { [4] = "b" }, _ => true)
            .Should().Be(4, "a pin to a live node comes first");
        ClusterPlacement.ChooseHandoff("a", s_self, Snapshot(mine), nodes, NoPins, id => id != 1).Should().Be(2, "camera 1 is watched");
        ClusterPlacement.ChooseHandoff("a", s_self, Snapshot(mine[..4]), nodes, NoPins, _ => true).Should().BeNull("4 is not above the mean 2 + 2");
        ClusterPlacement.ChooseHandoff("a", s_self, Snapshot(mine), [Live("a")], NoPins, _ => true).Should().BeNull("nobody to hand to");
    }

    [Fact]
    public void Fresh_heartbeat_loads_pick_the_less_loaded_node_and_a_missing_heartbeat_falls_back_to_lease_counts()
    {
        // a holds one lease but streams it to many viewers (1 + 3·1 + 0.2·30 = 10); b holds three idle cameras (3).
        CameraLease Held(int id, string node) => new() { CameraId = id, NodeName = node, Incarnation = Guid.NewGuid(), ExpiresAt = s_now.AddSeconds(9) };
        LeaseSnapshot leases = Snapshot(Held(1, "a"), Held(2, "b"), Held(3, "b"), Held(4, "b"), Unowned(9));
        ClusterNode[] nodes = [Live("a"), Live("b")];
        var loads = new Dictionary<string, double>
        {
            ["a"] = new NodeLoad([1], RunningStreams: 1, Viewers: 30).Score,
            ["b"] = new NodeLoad([2, 3, 4], RunningStreams: 0, Viewers: 0).Score,
        };

        ClusterPlacement.Plan("b", s_self, leases, nodes, NoPins, s_margin, s_horizon, loads)
            .Should().Equal([new PlannedClaim(9, TimeSpan.Zero)], "b scores 3 against a's 10: b is the target and claims at once");
        ClusterPlacement.Plan("a", s_self, leases, nodes, NoPins, s_margin, TimeSpan.FromSeconds(5), loads)
            .Should().Equal([new PlannedClaim(9, ClusterPlacement.NonTargetDelay)], "a is not the target: it tries only 2 s later");

        var onlyA = new Dictionary<string, double> { ["a"] = loads["a"] };
        ClusterPlacement.Plan("a", s_self, leases, nodes, NoPins, s_margin, s_horizon, onlyA)
            .Should().Equal([new PlannedClaim(9, TimeSpan.Zero)], "without b's heartbeat both count leases: a holds 1, b 3");
        ClusterPlacement.Plan("a", s_self, leases, nodes, NoPins, s_margin, s_horizon)
            .Should().Equal([new PlannedClaim(9, TimeSpan.Zero)], "no heartbeats at all (Redis down): lease counts");
    }

    private static IReadOnlyDictionary<int, string> NoPins { get; } = new Dictionary<int, string>();

    private static CameraLease Unowned(int id) => new() { CameraId = id, ExpiresAt = s_now.AddSeconds(-5) };

    private static LeaseSnapshot Snapshot(params CameraLease[] leases) => new(leases, s_now);

    private static ClusterNode Live(string name, DateTime? expires = null) =>
        new() { NodeName = name, Incarnation = Guid.NewGuid(), ExpiresAt = expires ?? s_now.AddSeconds(10) };
}
