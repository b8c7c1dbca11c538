using CamStudio.Core.Cluster;
using Microsoft.Extensions.Options;

namespace CamStudio.Web.Cluster;

/// <summary>
/// This node as the cluster sees it: its name, the incarnation of this process (new at every start, so a restarted node
/// is told apart from its previous life) and the URL peers call it at.
/// </summary>
public sealed class ClusterNodeIdentity
{
    public ClusterNodeIdentity(IOptions<ClusterOptions> options)
        : this(options?.Value.NodeName ?? string.Empty, Guid.NewGuid(), options?.Value.AdvertisedUrl)
    {
    }

    public ClusterNodeIdentity(string name, Guid incarnation, string? advertisedUrl)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        Incarnation = incarnation;
        AdvertisedUrl = advertisedUrl;
    }

    public string Name { get; }

    public Guid Incarnation { get; }

    public string? AdvertisedUrl { get; }
}
