using CamStudio.Core.Cluster;

namespace CamStudio.Web.Cluster;

/// <summary>
/// Which unowned or expiring leases this node should try to claim, and from when (cluster-plan.md §1.3). Pure: every
/// node runs it on the same rows and computes the same target for a camera — its pinned node when that is live, else
/// the live node with the lowest score, ties by name — so there is no leader and no vote. The target tries at the
/// claimable time; every other node only <see cref="NonTargetDelay"/> later, which covers a target that is itself
/// dying. The claim statement re-checks expiry on the database clock, so a plan computed on a stale snapshot can
/// make a claim fail, never make it early.
/// </summary>
internal static class ClusterPlacement
{
    /// <summary>How much later than the target a non-target node tries (the plan's 2 s).</summary>
    public static readonly TimeSpan NonTargetDelay = TimeSpan.FromSeconds(2);

    /// <param name="self">This node's name.</param>
    /// <param name="incarnation">This process's incarnation: its own live leases are renewed, not claimed.</param>
    /// <param name="snapshot">All lease rows and the database's now.</param>
    /// <param name="nodes">All node rows.</param>
    /// <param name="pins">Pinned node per camera (preferred, not strict).</param>
    /// <param name="claimMargin">How long past expiry a lease becomes claimable.</param>
    /// <param name="horizon">Only claims due before now + horizon are returned (later ones are planned on a later pass).</param>
    /// <param name="loads">
    /// Each node's load score from its fresh Redis heartbeat (<see cref="NodeLoad.Score"/>: 1·owned + 3·running streams +
    /// 0.2·viewers), or null. Used only when it has a score for every node live now; otherwise (Redis down, a heartbeat
    /// missing) the score is the count of leases held, for every node alike, so that scores stay comparable.
    /// </param>
    public static IReadOnlyList<PlannedClaim> Plan(
        string self, Guid incarnation, LeaseSnapshot snapshot, IReadOnlyList<ClusterNode> nodes,
        IReadOnlyDictionary<int, string> pins, TimeSpan claimMargin, TimeSpan horizon,
        IReadOnlyDictionary<string, double>? loads = null)
    {
        DateTime now = snapshot.DatabaseNow;
        var moving = new List<(CameraLease Lease, DateTime Claimable)>();
        var leaseCounts = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (CameraLease lease in snapshot.Leases)
        {
            // Only a live lease of this incarnation is renewed; once expired (a cut from PostgreSQL longer than the lease)
            // no renewal revives it, so it is placed like anyone's, or a node alone would never serve the camera again.
            bool ours = lease.NodeName == self && lease.Incarnation == incarnation && lease.ExpiresAt > now;
            DateTime claimable = lease.NodeName is null ? lease.ExpiresAt : lease.ExpiresAt + claimMargin;
            if (!ours && (lease.NodeName is null || claimable <= now + horizon))
            {
                moving.Add((lease, claimable < now ? now : claimable));
            }
            else if (lease.NodeName is not null)
            {
                leaseCounts[lease.NodeName] = leaseCounts.GetValueOrDefault(lease.NodeName) + 1;
            }
        }

        // Heartbeats are hints each node hears at slightly different times, so two nodes may pick different targets for
        // a camera; the claim statement lets exactly one of them win, and the other tries only NonTargetDelay later.
        bool useLoads = loads is not null && nodes.Where(n => IsLive(nodes, n.NodeName, now)).All(n => loads.ContainsKey(n.NodeName));
        Dictionary<string, double> scores = useLoads ? new Dictionary<string, double>(loads!, StringComparer.Ordinal) : leaseCounts;

        var claims = new List<PlannedClaim>();
        foreach ((CameraLease lease, DateTime claimable) in moving)
        {
            // A node counts as live at the moment of the claim, so a dead owner's node row (which expires with its
            // leases, in the same statement) is not chosen as the target of its own cameras.
            string? target = pins.TryGetValue(lease.CameraId, out string? pinned) && IsLive(nodes, pinned, claimable)
                ? pinned
                : nodes.Where(n => IsLive(nodes, n.NodeName, claimable))
                    .OrderBy(n => scores.GetValueOrDefault(n.NodeName)).ThenBy(n => n.NodeName, StringComparer.Ordinal)
                    .Select(n => n.NodeName).FirstOrDefault();
            if (target is null || !IsLive(nodes, self, claimable))
            {
                continue;
            }

            scores[target] = scores.GetValueOrDefault(target) + 1;
            DateTime at = target == self ? claimable : claimable + NonTargetDelay;
            if (at <= now + horizon)
            {
                claims.Add(new PlannedClaim(lease.CameraId, at - now));
            }
        }

        return claims;
    }

    /// <summary>
    /// The one camera this node should hand over now, or null (§1.3): first an idle camera pinned to another node that is
    /// live (the pin is a preference: it moves back when nobody watches), else, when this node's score exceeds the mean
    /// of the live nodes by more than 2, its idle camera with the lowest id that is not pinned here. Watched cameras
    /// never move for balance.
    /// </summary>
    public static int? ChooseHandoff(
        string self, Guid incarnation, LeaseSnapshot snapshot, IReadOnlyList<ClusterNode> nodes,
        IReadOnlyDictionary<int, string> pins, Func<int, bool> isIdle)
    {
        DateTime now = snapshot.DatabaseNow;
        string[] live = [.. nodes.Where(n => IsLive(nodes, n.NodeName, now)).Select(n => n.NodeName)];
        if (live.Length < 2)
        {
            return null;
        }

        CameraLease[] owned = [.. snapshot.Leases.Where(l => l.NodeName is not null && l.ExpiresAt > now)];
        int[] mine = [.. owned.Where(l => l.NodeName == self && l.Incarnation == incarnation).Select(l => l.CameraId).Order()];
        foreach (int cameraId in mine)
        {
            if (pins.TryGetValue(cameraId, out string? pinned) && pinned != self && live.Contains(pinned) && isIdle(cameraId))
            {
                return cameraId;
            }
        }

        double mean = (double)owned.Count(l => live.Contains(l.NodeName)) / live.Length;
        if (mine.Length <= mean + 2)
        {
            return null;
        }

        foreach (int cameraId in mine)
        {
            if (!(pins.TryGetValue(cameraId, out string? pinned) && pinned == self) && isIdle(cameraId))
            {
                return cameraId;
            }
        }

        return null;
    }

    private static bool IsLive(IReadOnlyList<ClusterNode> nodes, string name, DateTime at) =>
        nodes.Any(n => n.NodeName == name && n.StoppedAt is null && n.ExpiresAt > at);
}

/// <summary>A claim to try after <paramref name="Delay"/> (database time from the snapshot; zero or less = now).</summary>
internal readonly record struct PlannedClaim(int CameraId, TimeSpan Delay);
