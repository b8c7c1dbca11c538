using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using CamStudio.Tests.Infrastructure;
using Microsoft.Playwright;

namespace CamStudio.Tests.Web.Components.EndToEnd;

/// <summary>
/// Issue 17 (groups and views) in Chromium against the real app: a group made on the Groups page, two cameras put in it
/// through their forms, the Live page filtered to it, a view saved as the default, and a reload with no query opening
/// that view again.
/// </summary>
[Collection(UiEndToEndCollection.Name)]
public sealed class GroupsAndViewsUiTests(UiEndToEndFixture e2e) : IAsyncLifetime
{
    public Task InitializeAsync() => e2e.DeleteAllCamerasAsync();

    public async Task DisposeAsync()
    {
        // The default view would otherwise open for the other tests' Live pages (same admin account).
        using HttpResponseMessage cleared = await e2e.Client.DeleteAsync(new Uri("api/views/default", UriKind.Relative));
        await e2e.DeleteAllCamerasAsync();
    }

    [Fact]
    public async Task AGroupWithTwoCameras_FiltersTheLivePage_AndAViewSavedAsDefaultOpensAfterAReload()
    {
        string suffix = Guid.NewGuid().ToString("N")[..6];
        int porch = await e2e.CreateCameraAsync("Porch " + suffix);
        int gate = await e2e.CreateCameraAsync("Gate " + suffix);
        int hall = await e2e.CreateCameraAsync("Hall " + suffix);
        string groupName = "Outside " + suffix;

        IPage groups = await e2e.OpenPageAsync("groups");
        await groups.Locator("[data-testid=add-group] input[data-field=name]").FillAsync(groupName);
        await groups.GetByRole(AriaRole.Button, new() { Name = "Add group" }).ClickAsync();
        ILocator row = groups.Locator("[data-group-id]", new() { HasText = groupName });
        await row.WaitForAsync(new() { Timeout = 20_000 });
        int groupId = int.Parse((await row.GetAttributeAsync("data-group-id"))!, CultureInfo.InvariantCulture);
        await UiEndToEndFixture.ScreenshotAsync(groups, "groups");

        foreach (int cameraId in new[] { porch, gate })
        {
            await e2e.GoToAsync(groups, $"cameras/{cameraId}/edit");
            await groups.GetByRole(AriaRole.Checkbox, new() { Name = groupName }).CheckAsync();
            await groups.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
            await Eventually.WaitUntilAsync(() => groups.Url.EndsWith("/cameras", StringComparison.Ordinal),
                TimeSpan.FromSeconds(20), "saved: back on the Cameras page");
        }

        IPage live = await e2e.OpenPageAsync("", groups.Context);
        await live.Locator(".live-tile").Nth(2).WaitForAsync(new() { Timeout = 20_000 });
        // Clicks on the prerendered page before the circuit is up are lost.
        await UiEndToEndFixture.WaitForInteractiveAsync(live);
        await live.Locator($"[data-testid=group-filter] [data-group='{groupId}']").ClickAsync();
        // The filter changes the address in place (history.pushState, no load event to wait for): read the URL.
        await Eventually.WaitUntilAsync(() => live.Url.Contains($"group={groupId}", StringComparison.Ordinal),
            TimeSpan.FromSeconds(20), "the group is in the address");
        await Eventually.WaitUntilAsync(async () => await TileIdsAsync(live) is [var a, var b] && a == porch && b == gate,
            TimeSpan.FromSeconds(20), "the Live page shows the group's two cameras");
        // The address alone brings the filter back (a bookmark); the page is loaded afresh and interactive before the
        // view is saved.
        await e2e.GoToAsync(live, $"?group={groupId}");
        await Eventually.WaitUntilAsync(async () => await TileIdsAsync(live) is [var a, var b] && a == porch && b == gate,
            TimeSpan.FromSeconds(20), "the bookmarked filter shows the group's two cameras");

        await live.Locator("[data-action=save-view-as]").ClickAsync();
        await live.Locator("[data-testid=save-view-form] input[data-field=view-name]").FillAsync("Yard " + suffix);
        await live.Locator("[data-action=save-view-submit]").ClickAsync();
        await live.Locator("[data-action=set-default]").ClickAsync();
        await live.Locator("[data-testid=default-badge]").WaitForAsync(new() { Timeout = 20_000 });
        await UiEndToEndFixture.ScreenshotAsync(live, "live-view");

        await e2e.GoToAsync(live, "");
        await Eventually.WaitUntilAsync(async () => await TileIdsAsync(live) is [var a, var b] && a == porch && b == gate,
            TimeSpan.FromSeconds(20), "the default view opens again after a reload");
        (await live.Locator("[data-testid=group-filter] [aria-pressed=true]").GetAttributeAsync("data-group"))
            .Should().Be(groupId.ToString(CultureInfo.InvariantCulture));
        (await TileIdsAsync(live)).Should().NotContain(hall);

        JsonElement view = await e2e.Client.GetFromJsonAsync<JsonElement>("api/views/default");
        view.GetProperty("group_id").GetInt32().Should().Be(groupId);
    }

    private static async Task<List<int>> TileIdsAsync(IPage page) =>
        [.. (await page.Locator(".live-tile").EvaluateAllAsync<string[]>("tiles => tiles.map(t => t.dataset.cameraId)"))
            .Select(id => int.Parse(id, CultureInfo.InvariantCulture))];
}
