using Bunit;
using CamStudio.Core.Cameras;
using CamStudio.Web.Cluster;
using CamStudio.Web.Components.Cameras;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace CamStudio.Tests.Web.Components.Cameras;

/// <summary>Cluster mode's "Serve from" (pinned_node): offered nodes, saved, cleared, validated as the API does.</summary>
public sealed class CameraFormPinTests : UiTestContext
{
    private const string ServeFrom = "Serve from";

    public CameraFormPinTests() => Services.AddSingleton<IClusterView>(new FakeClusterView
    {
        Nodes =
        [
            new ClusterNodeView("node-a", "http://10.213.0.1:5000", true, true, 0, 0, 0, DateTimeOffset.UtcNow),
            new ClusterNodeView("node-b", "http://10.213.1.2:5000", true, false, 0, 0, 0, DateTimeOffset.UtcNow),
        ],
    });

    [Fact]
    public async Task SaveNew_WithANode_StoresThePin()
    {
        CameraFormDriver form = Render();
        Choices(form).Should().Equal("", "node-a", "node-b");
        await form.SetAsync(CameraFields.Name, "Gate");
        await form.SetAsync(CameraFields.IpAddress, "192.168.1.64");

        await form.SelectAsync(ServeFrom, "node-b");
        await form.SubmitAsync();

        (await Store.ListAsync(CancellationToken.None)).Should().ContainSingle().Which.PinnedNode.Should().Be("node-b");
    }

    [Fact]
    public async Task SaveEdit_Automatic_ClearsThePin_AndAPinToANodeNotHeardNowIsStillOffered()
    {
        CameraResponse camera = await CreateCameraAsync("Gate", configure: r => r.PinnedNode = "node-c");
        CameraFormDriver form = Render(camera.CameraId);
        Choices(form).Should().Equal("", "node-a", "node-b", "node-c");

        await form.SelectAsync(ServeFrom, "");
        await form.SubmitAsync();

        (await Store.GetAsync(camera.CameraId, CancellationToken.None))!.PinnedNode.Should().BeNull();
    }

    [Fact]
    public async Task AnInvalidNodeName_ShowsTheApisMessage_AndStoresNothing()
    {
        CameraFormDriver form = Render();
        await form.SetAsync(CameraFields.Name, "Gate");
        await form.SetAsync(CameraFields.IpAddress, "192.168.1.64");

        await form.SelectAsync(ServeFrom, "Node B");
        await form.SubmitAsync();

        form.AllErrors().Should().Contain(CameraValidator.ValidatePinnedNode("Node B")!);
        (await Store.ListAsync(CancellationToken.None)).Should().BeEmpty();
    }

    private CameraFormDriver Render(int? cameraId = null)
    {
        IRenderedComponent<CameraEditPage> page = Render<CameraEditPage>(p => p.Add(c => c.CameraId, cameraId));
        page.WaitForElement("form");
        return new CameraFormDriver(page);
    }

    private static IEnumerable<string> Choices(CameraFormDriver form) =>
        form.Page.FindComponents<MudSelectItem<string>>().Select(i => i.Instance.Value!)
            .Where(v => v.Length == 0 || v.StartsWith("node-", StringComparison.Ordinal));
}
