using AngleSharp.Dom;
using Bunit;
using CamStudio.Core.Cameras;
using CamStudio.Web.Cluster;
using CamStudio.Web.Components.Status;
using Microsoft.Extensions.DependencyInjection;

namespace CamStudio.Tests.Web.Components.Status;

/// <summary>Cluster mode: the Node column and the Nodes table, filled from the statuses and the heartbeats.</summary>
public sealed class StatusPageClusterTests : UiTestContext
{
    private readonly FakeClusterView _cluster = new();

    public StatusPageClusterTests() => Services.AddSingleton<IClusterView>(_cluster);

    [Fact]
    public async Task EachCamera_ShowsItsNode_OrMovingWhileUnowned_AndTheNodesTableShowsEachNodesLoad()
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        CameraResponse onA = await CreateCameraAsync("Gate");
        CameraResponse onB = await CreateCameraAsync("Yard");
        CameraResponse moving = await CreateCameraAsync("Shed");
        Statuses.Set(new CameraRuntimeStatus { CameraId = onA.CameraId, IsRunning = true, State = CameraStreamState.Streaming, Node = "node-a" });
        Statuses.Set(new CameraRuntimeStatus { CameraId = onB.CameraId, Node = "node-b" });
        _cluster.Nodes =
        [
            new ClusterNodeView("node-a", "http://10.213.0.1:5000", Live: true, IsThisNode: true, 2, 1, 3, now),
            new ClusterNodeView("node-b", "http://10.213.1.2:5000", Live: false, IsThisNode: false, 1, 0, 0, now.AddSeconds(-42)),
        ];

        IRenderedComponent<StatusPage> page = Render<StatusPage>();
        page.WaitForElements("td[data-camera-id]", 3);

        page.FindAll("th").Select(th => th.TextContent.Trim()).Should().ContainInOrder("Camera", "Node", "State");
        NodeOf(page, onA).Should().Be("node-a");
        NodeOf(page, onB).Should().Be("node-b");
        NodeOf(page, moving).Should().Be("moving…");

        NodeRow(page, "node-a").Should().Equal("node-a (this node)", "http://10.213.0.1:5000", "Live", "2", "1", "3", "just now");
        NodeRow(page, "node-b")[..6].Should().Equal("node-b", "http://10.213.1.2:5000", "Stale", "1", "0", "0");
        NodeRow(page, "node-b")[6].Should().MatchRegex("^4[2-9]s ago$", "heard 42 s before the page rendered");
    }

    [Fact]
    public async Task AnOwnerChange_IsPushedToTheNodeColumn()
    {
        CameraResponse camera = await CreateCameraAsync("Gate");
        Statuses.Set(new CameraRuntimeStatus { CameraId = camera.CameraId, Node = "node-b" });
        IRenderedComponent<StatusPage> page = Render<StatusPage>();
        page.WaitForElements("td[data-camera-id]", 1);
        NodeOf(page, camera).Should().Be("node-b");

        Statuses.Set(new CameraRuntimeStatus { CameraId = camera.CameraId, Node = "node-a" });
        Notifier.Check().Should().BeTrue("the node is part of what the notifier compares");

        page.WaitForAssertion(() => NodeOf(page, camera).Should().Be("node-a"), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task ANodeGoingStale_ReachesTheNodesTableWithTheNextPush()
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        await CreateCameraAsync("Gate");
        _cluster.Nodes = [new ClusterNodeView("node-b", null, Live: true, IsThisNode: false, 1, 1, 2, now)];
        IRenderedComponent<StatusPage> page = Render<StatusPage>();
        page.WaitForElements("td[data-camera-id]", 1);
        NodeRow(page, "node-b")[1..6].Should().Equal("—", "Live", "1", "1", "2");

        _cluster.Nodes = [new ClusterNodeView("node-b", null, Live: false, IsThisNode: false, 1, 1, 2, now)];
        Notifier.Publish();

        page.WaitForAssertion(() => NodeRow(page, "node-b")[2].Should().Be("Stale"), TimeSpan.FromSeconds(5));
    }

    private static string NodeOf(IRenderedComponent<StatusPage> page, CameraResponse camera) =>
        page.Find($"td[data-camera-id='{camera.CameraId}']").ParentElement!.QuerySelector("[data-testid=status-node]")!.TextContent.Trim();

    private static string[] NodeRow(IRenderedComponent<StatusPage> page, string node)
    {
        IElement row = page.Find($"[data-testid=status-nodes] td[data-node='{node}']").ParentElement!;
        return row.QuerySelectorAll("td").Select(td => td.TextContent.Trim()).ToArray();
    }
}
