namespace CamStudio.Web.Cluster;

/// <summary>
/// What the pages show of the cluster (Status page's Node column and Nodes table, the camera form's "Serve from"). A
/// single node says "not a cluster" and the pages show nothing new; <see cref="ClusterView"/> answers from the Redis
/// heartbeats in cluster mode.
/// </summary>
public interface IClusterView
{
    /// <summary>False on a single node: no Node column, no Nodes table, no pin field.</summary>
    bool IsCluster { get; }

    /// <summary>Every node heard of (this one first, then the others by name), live or stale.</summary>
    IReadOnlyList<ClusterNodeView> Nodes { get; }
}

/// <summary>One row of the Status page's Nodes table.</summary>
/// <param name="LastHeartbeat">When its last heartbeat was heard (sent, for this node); null before the first.</param>
public sealed record ClusterNodeView(
    string Name, string? Url, bool Live, bool IsThisNode, int OwnedCameras, int RunningStreams, int Viewers, DateTimeOffset? LastHeartbeat);

/// <summary>The single-node answer: not a cluster, no nodes.</summary>
public sealed class SingleNodeClusterView : IClusterView
{
    public static readonly SingleNodeClusterView Instance = new();

    public bool IsCluster => false;

    public IReadOnlyList<ClusterNodeView> Nodes => [];
}

/// <summary>
/// Cluster mode: this node's own last heartbeat and the other nodes' heard ones (<see cref="NodeHeartbeatPublisher"/>).
/// A node is live while its heartbeat is younger than <see cref="NodeHeartbeatPublisher.Expiry"/>; a stale one stays
/// listed, so the operator sees which node went away. A hint like the heartbeats: leases decide ownership.
/// </summary>
public sealed class ClusterView(NodeHeartbeatPublisher heartbeats, ClusterNodeIdentity identity, TimeProvider time) : IClusterView
{
    public bool IsCluster => true;

    public IReadOnlyList<ClusterNodeView> Nodes
    {
        get
        {
            DateTimeOffset now = time.GetUtcNow();
            var nodes = new List<ClusterNodeView>();
            (NodeHeartbeat Beat, DateTimeOffset At)? own = heartbeats.OwnBeat;
            nodes.Add(own is { } o
                ? View(o.Beat, o.At, now, isThisNode: true)
                : new ClusterNodeView(identity.Name, identity.AdvertisedUrl, Live: false, IsThisNode: true, 0, 0, 0, null));
            foreach ((NodeHeartbeat beat, DateTimeOffset heardAt) in heartbeats.HeardNodes)
            {
                nodes.Add(View(beat, heardAt, now, isThisNode: false));
            }

            return nodes;
        }
    }

    private static ClusterNodeView View(NodeHeartbeat beat, DateTimeOffset at, DateTimeOffset now, bool isThisNode) =>
        new(beat.Node, beat.AdvertisedUrl, now - at < NodeHeartbeatPublisher.Expiry, isThisNode, beat.OwnedCameras,
            beat.RunningStreams, beat.Viewers, at);
}
