using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace CamStudio.Tests.Web.Components.EndToEnd;

/// <summary>axe-core on every page, and sixteen tiles decoding on one page.</summary>
[Collection(UiEndToEndCollection.Name)]
public sealed class OperatorUiAccessibilityAndScaleTests(UiEndToEndFixture e2e) : IAsyncLifetime
{
    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(45);

    public Task InitializeAsync() => e2e.DeleteAllCamerasAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [InlineData("", "live")]
    [InlineData("cameras", "cameras")]
    [InlineData("cameras/new", "camera-form")]
    [InlineData("edit", "camera-form-edit")]
    [InlineData("status", "status")]
    public async Task Page_HasNoSeriousOrCriticalAxeViolations(string path, string name)
    {
        int id = await e2e.CreateCameraAsync("Axe cam");
        if (path == "edit")
        {
            path = $"cameras/{id}/edit";
        }

        IPage page = await e2e.OpenPageAsync(path);
        if (name == "live")
        {
            await e2e.WaitForTileDecodingAsync(page, id, s_deadline);
        }

        AxeResult result = await page.RunAxe();

        string[] serious = result.Violations
            .Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{v.Impact} {v.Id}: {v.Help} ({string.Join(", ", v.Nodes.Select(n => string.Join(" ", n.Target)))})")
            .ToArray();
        await UiEndToEndFixture.ScreenshotAsync(page, "axe-" + name);
        serious.Should().BeEmpty();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task PickedLayout_IsRememberedByTheBrowser()
    {
        int id = await e2e.CreateCameraAsync("Layout cam");
        IPage page = await e2e.OpenPageAsync("");
        await page.Locator("[data-testid=layout-picker] [data-layout='2x2']").ClickAsync();
        await page.Locator("[data-testid=live-grid][data-layout='2x2']").WaitForAsync();
        await Infrastructure.Eventually.WaitUntilAsync(
            async () => await page.EvaluateAsync<string?>("() => localStorage.getItem('camstudio.live.layout')") == "2x2",
            s_deadline, "the layout is stored in localStorage");

        // A new page in the same browser (same localStorage) opens in the layout chosen last.
        IPage again = await e2e.OpenPageAsync("", page.Context);
        await again.Locator("[data-testid=live-grid][data-layout='2x2']").WaitForAsync();
        (await again.Locator("[data-testid=layout-picker] [data-layout='2x2']").GetAttributeAsync("aria-pressed")).Should().Be("true");
        await e2e.WaitForTileDecodingAsync(again, id, s_deadline);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task SixteenTiles_OnOnePage_AllDecode()
    {
        int[] ids = new int[16];
        for (int i = 0; i < ids.Length; i++)
        {
            // Sixteen camera rows on the one RTSP test camera's SD path: sixteen FFmpeg pulls, sixteen relays, sixteen decoders.
            ids[i] = await e2e.CreateCameraAsync($"Tile {i + 1:00}");
        }

        IPage page = await e2e.OpenPageAsync("", viewport: new ViewportSize { Width = 1600, Height = 1000 });
        await page.Locator("[data-testid=layout-picker] [data-layout='4x4']").ClickAsync();
        await page.Locator("[data-testid=live-grid][data-layout='4x4']").WaitForAsync();

        foreach (int id in ids)
        {
            TileSample tile = await e2e.WaitForTileDecodingAsync(page, id, s_deadline);
            tile.Width.Should().Be(640);
        }

        await UiEndToEndFixture.ScreenshotAsync(page, "live-16-tiles");
        (await e2e.GetStatusAsync(ids[0])).GetProperty("viewer_count").GetInt32().Should().Be(1);

        await page.Context.CloseAsync();
        await e2e.DeleteAllCamerasAsync();
    }
}
