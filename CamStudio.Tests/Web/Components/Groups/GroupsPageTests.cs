using Bunit;
using CamStudio.Core.Cameras;
using CamStudio.Core.Groups;
using CamStudio.Web.Components.Groups;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;

namespace CamStudio.Tests.Web.Components.Groups;

/// <summary>The Groups page: add, refuse a duplicate under the field, rename, move, delete without losing cameras.</summary>
public sealed class GroupsPageTests : UiTestContext
{
    private ICameraGroupStore Groups => Services.GetRequiredService<ICameraGroupStore>();

    [Fact]
    public async Task AddRenameMoveDelete_ChangeTheStoredGroups_AndDeletingKeepsTheCamera()
    {
        IRenderedComponent<GroupsPage> page = Render<GroupsPage>();
        page.WaitForElement("[data-testid=no-groups]");
        await AddAsync(page, "Outside");
        await AddAsync(page, "Garage");
        await AddAsync(page, " outside ");
        page.WaitForAssertion(() => page.Find("[data-testid=add-group] .mud-input-helper-text.mud-input-error").TextContent.Trim()
            .Should().Be(GroupsPage.DuplicateNameMessage));
        (await Names()).Should().Equal("Outside", "Garage");

        int garage = (await Groups.ListAsync(CancellationToken.None))[1].GroupId;
        CameraResponse camera = await CreateCameraAsync("Door", configure: r => r.Groups = [garage]);
        await page.Find($"[data-group-id='{garage}'] [data-action=up]").ClickAsync(new MouseEventArgs());
        page.WaitForAssertion(() => page.FindAll(".group-name").Select(e => e.TextContent.Trim()).Should().Equal("Garage", "Outside"));

        await page.Find($"[data-group-id='{garage}'] [data-action=rename]").ClickAsync(new MouseEventArgs());
        await page.Find("input[data-field=rename]").InputAsync(new ChangeEventArgs { Value = "Car port" });
        await page.Find($"[data-group-id='{garage}'] form").SubmitAsync();
        page.WaitForAssertion(() => page.FindAll(".group-name").Select(e => e.TextContent.Trim()).Should().Equal("Car port", "Outside"));

        await page.Find($"[data-group-id='{garage}'] [data-action=delete]").ClickAsync(new MouseEventArgs());
        page.WaitForAssertion(() => page.FindAll(".group-name").Select(e => e.TextContent.Trim()).Should().Equal("Outside"));
        (await Store.GetAsync(camera.CameraId, CancellationToken.None))!.Groups.Should().BeEmpty("the camera stays, out of the deleted group");
    }

    private static async Task AddAsync(IRenderedComponent<GroupsPage> page, string name)
    {
        await page.Find("[data-testid=add-group] input[data-field=name]").InputAsync(new ChangeEventArgs { Value = name });
        await page.Find("[data-testid=add-group]").SubmitAsync();
    }

    private async Task<List<string>> Names() => [.. (await Groups.ListAsync(CancellationToken.None)).Select(g => g.Name)];
}
