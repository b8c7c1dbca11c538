using CamStudio.Tests.Infrastructure;
using CamStudio.Tests.Web.Components.EndToEnd;
using Microsoft.Playwright;

namespace CamStudio.Tests.Web.Cluster;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ClusterFailoverCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "Cluster failover with real parts";
}

[Collection(ClusterFailoverCollection.Name)]
public sealed class ClusterFailoverTests(ClusterFixture rig)
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Two_nodes_show_each_others_cameras()
    {
        int cam1 = await rig.ClientA.CreateRtspCameraAsync(rig.Camera1, "Gate", null, "stream2", pinnedNode: "a");
        int cam2 = await rig.ClientA.CreateRtspCameraAsync(rig.Camera2, "Yard", null, "stream2", pinnedNode: "b");
        await Eventually.WaitUntilAsync(async () => await ClusterFixture.NodeOfAsync(rig.ClientA, cam1) == "a"
            && await ClusterFixture.NodeOfAsync(rig.ClientA, cam2) == "b"
            && await ClusterFixture.NodeOfAsync(rig.ClientB, cam1) == "a"
            && await ClusterFixture.NodeOfAsync(rig.ClientB, cam2) == "b", s_wait, "both nodes see cam1 on a and cam2 on b");
    }
}
