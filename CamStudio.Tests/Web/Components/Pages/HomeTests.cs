using Bunit;
using CamStudio.Core.Cameras;
using CamStudio.Web.Components.Pages;
using Microsoft.AspNetCore.Components.Web;

namespace CamStudio.Tests.Web.Components.Pages;

public sealed class HomeTests : UiTestContext
{
    [Fact]
    public void FirstRun_ShowsTheEmptyState_WithBothWaysToAddACamera()
    {
        IRenderedComponent<Home> page = Render<Home>();

        AngleSharp.Dom.IElement empty = page.WaitForElement("[data-testid=empty-state]");
        empty.TextContent.Should().Contain("No cameras yet").And.Contain("Test connection");
        empty.QuerySelector("a[href='cameras/new']")!.TextContent.Trim().Should().Be("Add a camera");
        empty.QuerySelectorAll("button").Select(b => b.TextContent.Trim()).Should().Contain("Add a demo camera");
    }

    [Fact]
    public async Task AddADemoCamera_CreatesATestPatternCamera_AndLeavesTheEmptyState()
    {
        IRenderedComponent<Home> page = Render<Home>();
        page.WaitForElement("[data-testid=empty-state]");

        await page.FindAll("button").Single(b => b.TextContent.Trim() == "Add a demo camera").ClickAsync(new MouseEventArgs());

        CameraResponse demo = (await Store.ListAsync(CancellationToken.None)).Should().ContainSingle().Subject;
        demo.Source.Should().Be(CameraSourceKind.DemoPattern);
        demo.Name.Should().Be(Home.DemoCameraName);
        page.WaitForAssertion(() => page.FindAll("[data-testid=empty-state]").Should().BeEmpty());
        page.Find($"[data-camera-id='{demo.CameraId}']").TextContent.Should().Contain(Home.DemoCameraName);
    }
}
