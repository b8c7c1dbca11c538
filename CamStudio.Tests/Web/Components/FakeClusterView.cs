using CamStudio.Web.Cluster;

namespace CamStudio.Tests.Web.Components;

/// <summary>A cluster as the pages see it, with the nodes a test sets (the heartbeats are tested in Web/Cluster).</summary>
public sealed class FakeClusterView : IClusterView
{
    public bool IsCluster => true;

    public IReadOnlyList<ClusterNodeView> Nodes { get; set; } = [];
}
