namespace CamStudio.Core.Cluster;

/// <summary>
/// Several CamStudio nodes on one PostgreSQL database and one Redis (section <c>Cluster</c>; docs/design/cluster-plan.md
/// §3). Off by default: a single node keeps its own database and file key ring and registers nothing of the cluster.
/// Validated at start by <see cref="ClusterOptionsValidator"/>, each problem as one line.
/// </summary>
public sealed class ClusterOptions
{
    public const string SectionName = "Cluster";
    public const string EnabledKey = SectionName + ":" + nameof(Enabled);

    public bool Enabled { get; set; }

    /// <summary>This node's name (<see cref="ClusterNodeName"/>), unique in the cluster and stable across restarts.</summary>
    public string? NodeName { get; set; }

    /// <summary>The absolute http(s) URL other nodes call this node at (forwarded offers, HLS, snapshots).</summary>
    public string? AdvertisedUrl { get; set; }

    /// <summary>A StackExchange.Redis configuration string, e.g. <c>10.0.0.5:6379</c>.</summary>
    public string? Redis { get; set; }

    /// <summary>Prefix of every Redis key and channel, so two installations can share one Redis.</summary>
    public string ChannelPrefix { get; set; } = "camstudio";

    /// <summary>How long a camera lease lasts without a renewal (the 10 s failover).</summary>
    public TimeSpan LeaseTtl { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the holder renews all its leases (one statement).</summary>
    public TimeSpan RenewInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The holder stops its streams this long before its lease could expire in the database, so the old FFmpeg is gone
    /// before anyone may claim the camera.
    /// </summary>
    public TimeSpan FenceMargin { get; set; } = TimeSpan.FromSeconds(2.5);

    /// <summary>A claimer waits this long past the database expiry before it takes a lease.</summary>
    public TimeSpan ClaimMargin { get; set; } = TimeSpan.FromSeconds(0.5);

    /// <summary>Time limit of one node-to-node call.</summary>
    public TimeSpan ForwardTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a forwarded offer may wait for a dead owner's camera to move to a live node.</summary>
    public TimeSpan OwnerWait { get; set; } = TimeSpan.FromSeconds(13);
}
