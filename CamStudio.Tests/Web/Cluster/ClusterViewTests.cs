using CamStudio.Core.Cameras;
using CamStudio.Tests.Infrastructure;
using CamStudio.Web.Cluster;

namespace CamStudio.Tests.Web.Cluster;

/// <summary>
/// What the Status page's Nodes table reads (plan §5 "Status page"), from two nodes' heartbeats on a real redis-server:
/// this node first with its own load, the other live with its load, then stale (still listed) once it stops beating.
/// </summary>
public sealed class ClusterViewTests(RedisServer redis) : IClassFixture<RedisServer>
{
    private readonly string _prefix = "camstudio-test-" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task The_view_lists_this_node_and_its_peer_with_their_loads_and_keeps_a_silent_peer_as_stale()
    {
        await using var a = new ClusterRedisNode("a", redis.ConnectionString, _prefix);
        await using var b = new ClusterRedisNode("b", redis.ConnectionString, _prefix);
        a.Own(new CameraRuntimeStatus { CameraId = 7, IsRunning = true, State = CameraStreamState.Streaming, ViewerCount = 3 });
        var view = new ClusterView(b.Heartbeats, b.Identity, TimeProvider.System);
        view.IsCluster.Should().BeTrue();
        view.Nodes.Should().ContainSingle().Which.Should().Match<ClusterNodeView>(n =>
            n.Name == "b" && n.IsThisNode && !n.Live && n.LastHeartbeat == null, "before its first beat this node is listed, not live");

        await b.StartHeartbeatsAsync();
        await a.StartHeartbeatsAsync();
        await Eventually.WaitUntilAsync(() => view.Nodes.Any(n => n.Name == "a" && n.Viewers == 3) && view.Nodes[0].Live,
            TimeSpan.FromSeconds(5), "B's view hears A's load and its own beat");

        view.Nodes.Select(n => n.Name).Should().Equal("b", "a");
        ClusterNodeView peer = view.Nodes[1];
        peer.Should().Match<ClusterNodeView>(n => n.Live && !n.IsThisNode && n.OwnedCameras == 1 && n.RunningStreams == 1);

        await a.StopHeartbeatsAsync();
        await Eventually.WaitUntilAsync(() => !view.Nodes[1].Live, NodeHeartbeatPublisher.Expiry + TimeSpan.FromSeconds(3),
            "A goes stale once its heartbeats stop");
        view.Nodes.Select(n => n.Name).Should().Equal(["b", "a"], "a stale node stays listed for the operator");
        view.Nodes[0].Live.Should().BeTrue("B still beats");
    }

    [Fact]
    public void A_single_node_is_not_a_cluster()
    {
        SingleNodeClusterView.Instance.IsCluster.Should().BeFalse();
        SingleNodeClusterView.Instance.Nodes.Should().BeEmpty();
    }
}
