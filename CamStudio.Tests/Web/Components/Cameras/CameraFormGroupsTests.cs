using Bunit;
using CamStudio.Core.Cameras;
using CamStudio.Core.Groups;
using CamStudio.Web.Components.Cameras;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace CamStudio.Tests.Web.Components.Cameras;

/// <summary>The camera form's groups field: one checkbox per group, stored on save, shown ticked on edit.</summary>
public sealed class CameraFormGroupsTests : UiTestContext
{
    private ICameraGroupStore Groups => Services.GetRequiredService<ICameraGroupStore>();

    [Fact]
    public async Task TickedGroups_AreStoredWithTheCamera_AndShownTickedOnEdit_AndUntickingRemovesOne()
    {
        int outside = await CreateGroupAsync("Outside");
        int garage = await CreateGroupAsync("Garage");
        IRenderedComponent<CameraEditPage> page = Render<CameraEditPage>();
        page.WaitForElement("form");
        var form = new CameraFormDriver(page);
        page.FindAll("[data-testid=groups] label").Select(l => l.TextContent.Trim()).Should().Equal("Outside", "Garage");

        await form.SetAsync(CameraFields.Name, "Drive");
        await form.SetAsync(CameraFields.IpAddress, "192.0.2.20");
        await Checkbox(page, outside).ChangeAsync(new ChangeEventArgs { Value = true });
        await Checkbox(page, garage).ChangeAsync(new ChangeEventArgs { Value = true });
        await form.SubmitAsync();

        CameraResponse stored = (await Store.ListAsync(CancellationToken.None)).Single();
        stored.Groups.Should().Equal(outside, garage);

        IRenderedComponent<CameraEditPage> edit = Render<CameraEditPage>(p => p.Add(c => c.CameraId, stored.CameraId));
        edit.WaitForElement("form");
        IsChecked(Checkbox(edit, outside)).Should().BeTrue();
        IsChecked(Checkbox(edit, garage)).Should().BeTrue();
        await Checkbox(edit, garage).ChangeAsync(new ChangeEventArgs { Value = false });
        await edit.Find("form").SubmitAsync();

        (await Store.GetAsync(stored.CameraId, CancellationToken.None))!.Groups.Should().Equal(outside);
    }

    [Fact]
    public async Task AGroupDeletedWhileTheFormIsOpen_IsAnErrorOnTheGroupsField()
    {
        int doomed = await CreateGroupAsync("Doomed");
        IRenderedComponent<CameraEditPage> page = Render<CameraEditPage>();
        page.WaitForElement("form");
        var form = new CameraFormDriver(page);
        await form.SetAsync(CameraFields.Name, "Drive");
        await form.SetAsync(CameraFields.IpAddress, "192.0.2.20");
        await Checkbox(page, doomed).ChangeAsync(new ChangeEventArgs { Value = true });
        (await Groups.DeleteAsync(doomed, CancellationToken.None)).Should().BeTrue();

        await form.SubmitAsync();

        page.WaitForAssertion(() => page.Find("[data-testid=groups] .mud-input-error").TextContent.Trim()
            .Should().Be("groups names a group that does not exist (see GET /api/groups)."));
        (await Store.ListAsync(CancellationToken.None)).Should().BeEmpty();
    }

    private async Task<int> CreateGroupAsync(string name) =>
        ((CameraGroupSaved)await Groups.CreateAsync(new CameraGroupRequest { Name = name }, CancellationToken.None)).Group.GroupId;

    private static AngleSharp.Dom.IElement Checkbox(IRenderedComponent<CameraEditPage> page, int groupId) =>
        page.Find($"[data-testid=groups] [data-group-id='{groupId}'] input[type=checkbox], [data-testid=groups] input[type=checkbox][data-group-id='{groupId}']");

    private static bool IsChecked(AngleSharp.Dom.IElement checkbox) =>
        checkbox.HasAttribute("checked") || checkbox.GetAttribute("aria-checked") == "true";
}
