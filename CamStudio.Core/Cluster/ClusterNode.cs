namespace CamStudio.Core.Cluster;

/// <summary>
/// One CamStudio process in the cluster (<c>cluster_nodes</c>): what its peers need to reach it and whether it is
/// alive. Written by the node itself; <see cref="ExpiresAt"/> moves with every lease renewal.
/// </summary>
public sealed class ClusterNode
{
    /// <summary>The configured <c>Cluster:NodeName</c>.</summary>
    public string NodeName { get; set; } = string.Empty;

    /// <summary>New for every process start: a restarted node never adopts the leases of its previous life.</summary>
    public Guid Incarnation { get; set; }

    /// <summary>The URL peers call (<c>Cluster:AdvertisedUrl</c>).</summary>
    public string AdvertisedUrl { get; set; } = string.Empty;

    /// <summary>The media addresses browsers reach it at (<c>WebRtc:AdvertisedAddresses</c>, comma-separated).</summary>
    public string MediaAddresses { get; set; } = string.Empty;

    public int UdpPort { get; set; }

    public string AppVersion { get; set; } = string.Empty;

    /// <summary>UTC, database clock.</summary>
    public DateTime StartedAt { get; set; }

    /// <summary>UTC, database clock: the last successful renewal.</summary>
    public DateTime HeartbeatAt { get; set; }

    /// <summary>UTC, database clock: after this the node counts as gone and its name may be taken by a new process.</summary>
    public DateTime ExpiresAt { get; set; }

    /// <summary>UTC, set by a graceful stop; null while running or after a crash.</summary>
    public DateTime? StoppedAt { get; set; }
}
