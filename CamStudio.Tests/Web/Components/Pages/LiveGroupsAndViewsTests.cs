using AngleSharp.Dom;
using Bunit;
using CamStudio.Core.Accounts;
using CamStudio.Core.Cameras;
using CamStudio.Core.Groups;
using CamStudio.Core.Views;
using CamStudio.Web.Components.Live;
using CamStudio.Web.Components.Pages;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;

namespace CamStudio.Tests.Web.Components.Pages;

/// <summary>
/// The Live page's group filter (kept in the address), saved views (save, default, share, order) and paging (tiles of
/// other pages are not mounted), against the real stores.
/// </summary>
public sealed class LiveGroupsAndViewsTests : UiTestContext
{
    private ICameraGroupStore Groups => Services.GetRequiredService<ICameraGroupStore>();

    private ICameraViewStore Views => Services.GetRequiredService<ICameraViewStore>();

    private NavigationManager Navigation => Services.GetRequiredService<NavigationManager>();

    [Fact]
    public async Task Paging_ShowsOnePageOfTheLayout_AndMountsNoTileOfAnotherPage()
    {
        List<int> ids = [];
        for (int i = 0; i < 6; i++)
        {
            ids.Add((await CreateCameraAsync("Cam " + i)).CameraId);
        }

        IRenderedComponent<Home> page = Render<Home>();
        page.WaitForElements(".live-tile", 6);
        page.FindAll("[data-testid=grid-pages]").Should().BeEmpty("six cameras fit one auto page");

        await page.Find("[data-testid=layout-picker] [data-layout='2x2']").ClickAsync(new MouseEventArgs());

        TileIds(page).Should().Equal(ids.Take(4));
        page.FindComponents<LiveTile>().Should().HaveCount(4, "tiles of page 2 are not mounted, so no player starts for them");
        await PageButton(page, "2").ClickAsync(new MouseEventArgs());
        page.WaitForAssertion(() => TileIds(page).Should().Equal(ids.Skip(4)));
        page.FindComponents<LiveTile>().Should().HaveCount(2);
    }

    [Fact]
    public async Task GroupFilter_ShowsThatGroupsCameras_AndPutsTheGroupInTheAddress()
    {
        int outside = await CreateGroupAsync("Outside");
        await CreateGroupAsync("Garage");
        CameraResponse porch = await CreateCameraAsync("Porch", configure: r => r.Groups = [outside]);
        await CreateCameraAsync("Hall");
        CameraResponse gate = await CreateCameraAsync("Gate", configure: r => r.Groups = [outside]);

        IRenderedComponent<Home> page = Render<Home>();
        page.WaitForElements(".live-tile", 3);
        page.FindAll("[data-testid=group-filter] button").Select(b => b.TextContent.Trim()).Should().Equal("All", "Outside", "Garage");

        await page.Find($"[data-testid=group-filter] [data-group='{outside}']").ClickAsync(new MouseEventArgs());

        TileIds(page).Should().Equal(porch.CameraId, gate.CameraId);
        page.Find("[data-testid=group-filter] [aria-pressed=true]").GetAttribute("data-group").Should().Be(outside.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Navigation.Uri.Should().Contain($"group={outside}");
    }

    [Fact]
    public async Task AGroupInTheAddress_IsShownOnLoad_AndAnEmptyGroupSaysSo()
    {
        int outside = await CreateGroupAsync("Outside");
        int empty = await CreateGroupAsync("Empty");
        CameraResponse porch = await CreateCameraAsync("Porch", configure: r => r.Groups = [outside]);
        await CreateCameraAsync("Hall");

        Navigation.NavigateTo($"/?group={outside}");
        IRenderedComponent<Home> page = Render<Home>();
        page.WaitForAssertion(() => TileIds(page).Should().Equal(porch.CameraId));

        Navigation.NavigateTo($"/?group={empty}");
        IRenderedComponent<Home> other = Render<Home>();
        other.WaitForElement("[data-testid=group-empty]");
        other.FindAll(".live-tile").Should().BeEmpty();
    }

    [Fact]
    public async Task SavingAViewAsDefault_OpensItWhenTheAddressNamesNothing()
    {
        Authorization.SetRoles(CamStudioRoles.Viewer); // before the claims: bunit's SetRoles replaces them
        string userId = await SignInNewUserAsync("operator", CamStudioRoles.Viewer);
        int outside = await CreateGroupAsync("Outside");
        CameraResponse porch = await CreateCameraAsync("Porch", configure: r => r.Groups = [outside]);
        CameraResponse gate = await CreateCameraAsync("Gate", configure: r => r.Groups = [outside]);
        await CreateCameraAsync("Hall");

        IRenderedComponent<Home> page = Render<Home>();
        page.WaitForElements(".live-tile", 3);
        await page.Find($"[data-testid=group-filter] [data-group='{outside}']").ClickAsync(new MouseEventArgs());
        await page.Find("[data-testid=layout-picker] [data-layout='1']").ClickAsync(new MouseEventArgs());
        await page.Find("[data-action=arrange]").ClickAsync(new MouseEventArgs());
        await page.Find($"[data-testid=arrange-list] li[data-camera-id='{porch.CameraId}'] [data-action=later]").ClickAsync(new MouseEventArgs());
        TileIds(page).Should().Equal([gate.CameraId, porch.CameraId], "one column lists the group in the new order");
        page.FindAll("[data-action=share]").Should().BeEmpty("a Viewer cannot share");

        await page.Find("[data-action=save-view-as]").ClickAsync(new MouseEventArgs());
        await page.Find("[data-testid=save-view-form] input[data-field=view-name]").InputAsync(new ChangeEventArgs { Value = "Yard" });
        await page.Find("[data-testid=save-view-form]").SubmitAsync();
        page.WaitForAssertion(() => page.FindAll("[data-action=set-default]").Should().HaveCount(1));
        await page.Find("[data-action=set-default]").ClickAsync(new MouseEventArgs());
        page.WaitForElement("[data-testid=default-badge]");

        var caller = new ViewCaller(userId, IsAdmin: false);
        CameraViewResponse stored = (await Views.GetDefaultAsync(caller, CancellationToken.None))!;
        (stored.Name, stored.GroupId, stored.Layout).Should().Be(("Yard", outside, "1"));
        stored.CameraOrder.Should().Equal(gate.CameraId, porch.CameraId);

        Navigation.NavigateTo("/");
        IRenderedComponent<Home> reopened = Render<Home>();
        reopened.WaitForAssertion(() => TileIds(reopened).Should().Equal(gate.CameraId, porch.CameraId));
        reopened.Find("[data-testid=live-grid]").GetAttribute("data-layout").Should().Be("1");
        reopened.Find("[data-testid=group-filter] [aria-pressed=true]").GetAttribute("data-group")
            .Should().Be(outside.ToString(System.Globalization.CultureInfo.InvariantCulture));
        reopened.Find("[data-testid=view-picker]").GetAttribute("value").Should().Be(stored.ViewId.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task AnInvalidViewName_IsShownUnderTheField_AndNothingIsSaved()
    {
        string userId = await SignInNewUserAsync("operator", CamStudioRoles.Admin);
        await CreateCameraAsync("Porch");
        IRenderedComponent<Home> page = Render<Home>();
        page.WaitForElements(".live-tile", 1);

        await page.Find("[data-action=save-view-as]").ClickAsync(new MouseEventArgs());
        await page.Find("[data-testid=save-view-form] input[data-field=view-name]").InputAsync(new ChangeEventArgs { Value = "   " });
        await page.Find("[data-testid=save-view-form]").SubmitAsync();

        page.WaitForAssertion(() => page.Find("[data-testid=save-view-form] .mud-input-helper-text.mud-input-error").TextContent.Trim().Should().Be("View name is required."));
        (await Views.ListAsync(new ViewCaller(userId, true), CancellationToken.None)).Should().BeEmpty();
    }

    [Fact]
    public async Task AnAdminSharesAView_AndAnotherUserSeesItButCannotChangeIt()
    {
        string adminId = await SignInNewUserAsync("boss", CamStudioRoles.Admin);
        await CreateCameraAsync("Porch");
        CameraViewResponse view = ((CameraViewSaved)await Views.CreateAsync(
            new ViewCaller(adminId, true), new CameraViewRequest { Name = "Control room", Layout = "2x2" }, CancellationToken.None)).View;

        Navigation.NavigateTo($"/?view={view.ViewId}");
        IRenderedComponent<Home> page = Render<Home>();
        page.WaitForElement("[data-action=share]");
        await page.Find("[data-action=share]").ClickAsync(new MouseEventArgs());
        page.WaitForAssertion(() => page.Find("[data-action=share]").GetAttribute("aria-pressed").Should().Be("true"));

        Authorization.SetRoles(CamStudioRoles.Viewer);
        await SignInNewUserAsync("guard", CamStudioRoles.Viewer);
        IRenderedComponent<Home> guard = Render<Home>();
        guard.WaitForAssertion(() => guard.Find("[data-testid=live-grid]").GetAttribute("data-layout").Should().Be("2x2"));
        guard.FindAll("[data-action=save-view], [data-action=delete-view], [data-action=share]").Should().BeEmpty();
        guard.FindAll("[data-action=set-default]").Should().HaveCount(1, "a shared view can still be anyone's default");
    }

    [Fact]
    public async Task AViewThatIsGone_SaysSo_AndShowsEveryCamera()
    {
        await SignInNewUserAsync("operator", CamStudioRoles.Viewer);
        await CreateCameraAsync("Porch");
        Navigation.NavigateTo("/?view=4242");
        IRenderedComponent<Home> page = Render<Home>();
        page.WaitForElement("[data-testid=view-error]").TextContent.Trim().Should().Be(Home.MissingViewMessage);
        page.FindAll(".live-tile").Should().HaveCount(1);
    }

    [Fact]
    public void LiveLayouts_MatchTheLayoutsAViewAccepts() =>
        LiveLayouts.All.Select(l => l.Value).Should().Equal(CameraViewValidator.Layouts);

    [Theory]
    [InlineData("1", 16)]
    [InlineData("2x2", 4)]
    [InlineData("3x3", 9)]
    [InlineData("4x4", 16)]
    [InlineData("auto", 16)]
    public void PageSize_FollowsTheLayout(string layout, int size) => LiveLayouts.PageSize(layout).Should().Be(size);

    private async Task<int> CreateGroupAsync(string name) =>
        ((CameraGroupSaved)await Groups.CreateAsync(new CameraGroupRequest { Name = name }, CancellationToken.None)).Group.GroupId;

    private static List<int> TileIds(IRenderedComponent<Home> page) =>
        [.. page.FindAll(".live-tile").Select(t => int.Parse(t.GetAttribute("data-camera-id")!, System.Globalization.CultureInfo.InvariantCulture))];

    private static IElement PageButton(IRenderedComponent<Home> page, string number) =>
        page.FindAll("[data-testid=grid-pages] button").Single(b => b.TextContent.Trim() == number);
}
