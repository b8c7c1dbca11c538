using AngleSharp.Dom;
using Bunit;
using CamStudio.Core.Cameras;
using CamStudio.Core.Health;
using CamStudio.Media.Streaming;
using CamStudio.Web.Components.Cameras;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace CamStudio.Tests.Web.Components.Cameras;

public sealed class CamerasPageTests : UiTestContext
{
    [Fact]
    public async Task Grid_ShowsEachCamerasConfiguration_AndTheLabelOfItsLiveState()
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        CameraResponse idle = await CreateCameraAsync("Idle cam");
        CameraResponse connecting = await CreateCameraAsync("Connecting cam");
        CameraResponse live = await CreateCameraAsync("Live cam", configure: r => r.StreamQuality = StreamQuality.Stream1);
        CameraResponse reconnecting = await CreateCameraAsync("Stalled cam", configure: r => r.RtspPort = 8554);
        Statuses.Set(new CameraRuntimeStatus { CameraId = connecting.CameraId, IsRunning = true, State = CameraStreamState.Starting });
        Statuses.Set(new CameraRuntimeStatus { CameraId = live.CameraId, IsRunning = true, LastFrameTime = now, ViewerCount = 3, State = CameraStreamState.Streaming });
        Statuses.Set(new CameraRuntimeStatus
        {
            CameraId = reconnecting.CameraId, IsRunning = true, LastFrameTime = now.AddSeconds(-30), ViewerCount = 1, State = CameraStreamState.Reconnecting,
        });

        IRenderedComponent<CamerasPage> page = Render<CamerasPage>();
        page.WaitForElements("tbody tr", 4);

        Row(page, idle).Should().Equal("Idle cam", "192.0.2.10:554", "Hikvision", "SD", "Idle", "0");
        Row(page, connecting)[4].Should().Be("Connecting");
        Row(page, live).Should().Equal("Live cam", "192.0.2.10:554", "Hikvision", "HD", "Live", "3");
        Row(page, reconnecting).Should().Equal("Stalled cam", "192.0.2.10:8554", "Hikvision", "SD", "Reconnecting", "1");
    }

    [Fact]
    public async Task Grid_ShowsASpeakerOnlyForCamerasWithAudioOn()
    {
        CameraResponse quiet = await CreateCameraAsync("Quiet cam");
        CameraResponse doorbell = await CreateCameraAsync("Doorbell", configure: r => r.Audio = true);

        IRenderedComponent<CamerasPage> page = Render<CamerasPage>();
        page.WaitForElements("tbody tr", 2);

        page.FindAll($"td[data-camera-id='{doorbell.CameraId}'] [data-testid='audio-on']").Should().ContainSingle();
        page.FindAll($"td[data-camera-id='{quiet.CameraId}'] [data-testid='audio-on']").Should().BeEmpty();
        Row(page, quiet)[0].Should().Be("Quiet cam");
    }

    [Fact]
    public async Task Grid_FollowsStatusChangesWithoutAReload()
    {
        CameraResponse camera = await CreateCameraAsync("Front door");
        IRenderedComponent<CamerasPage> page = Render<CamerasPage>();
        page.WaitForElements("tbody tr", 1);
        Row(page, camera)[4].Should().Be("Idle");

        Statuses.Set(new CameraRuntimeStatus
        {
            CameraId = camera.CameraId, IsRunning = true, LastFrameTime = DateTimeOffset.UtcNow, ViewerCount = 2, State = CameraStreamState.Streaming,
        });
        Notifier.Check().Should().BeTrue("the state and viewer count changed");

        page.WaitForAssertion(() => Row(page, camera)[4..6].Should().Equal("Live", "2"), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Delete_AsksForConfirmation_CancelKeepsTheCamera_ConfirmDeletesIt()
    {
        CameraResponse camera = await CreateCameraAsync("Front door");
        CameraStreamHost streams = Services.GetRequiredService<CameraStreamHost>();
        await streams.GetOrCreateAsync(camera.CameraId, StreamVariant.Stream2, CancellationToken.None);
        var host = Render(builder =>
        {
            builder.OpenComponent<MudDialogProvider>(0);
            builder.CloseComponent();
            builder.OpenComponent<MudSnackbarProvider>(1);
            builder.CloseComponent();
            builder.OpenComponent<CamerasPage>(2);
            builder.CloseComponent();
        });
        host.WaitForElements("tbody tr", 1);

        // The click's handler awaits the user's answer, so its task completes only after the dialog closes.
        Task firstClick = await ClickAsync(host, () => host.Find("button[aria-label='Delete Front door']"));
        host.WaitForAssertion(() => host.Find(".mud-dialog").TextContent.Should().Contain("Delete \"Front door\"?"));
        (await Store.GetAsync(camera.CameraId, CancellationToken.None)).Should().NotBeNull("nothing is deleted before the user confirms");

        await await ClickAsync(host, () => DialogButton(host, "Cancel"));
        await firstClick.WaitAsync(TimeSpan.FromSeconds(10));
        host.WaitForAssertion(() => host.FindAll(".mud-dialog").Should().BeEmpty());
        (await Store.GetAsync(camera.CameraId, CancellationToken.None)).Should().NotBeNull();

        Task secondClick = await ClickAsync(host, () => host.Find("button[aria-label='Delete Front door']"));
        host.WaitForElement(".mud-dialog");
        await await ClickAsync(host, () => DialogButton(host, "Delete"));
        await secondClick.WaitAsync(TimeSpan.FromSeconds(10));

        host.WaitForAssertion(() => host.FindAll("tbody tr").Should().BeEmpty());
        (await Store.GetAsync(camera.CameraId, CancellationToken.None)).Should().BeNull();
        host.Markup.Should().Contain("Deleted \"Front door\".");
        streams.TryGetStream(camera.CameraId, StreamVariant.Stream2).Should().BeNull("deleting stops the stream and ends its viewers");
    }

    [Fact]
    public async Task IconButtons_HaveAccessibleNames()
    {
        await CreateCameraAsync("Front door");
        IRenderedComponent<CamerasPage> page = Render<CamerasPage>();
        page.WaitForElements("tbody tr", 1);

        page.FindAll("a[aria-label='Edit Front door'], button[aria-label='Edit Front door']").Should().ContainSingle()
            .Which.GetAttribute("href").Should().EndWith("cameras/1/edit");
        page.FindAll("button[aria-label='Delete Front door']").Should().ContainSingle();
    }

    [Fact]
    public async Task Health_ShowsTheStateAndWhenTheCameraWasLastSeen()
    {
        CameraResponse camera = await CreateCameraAsync("Front door");
        DateTimeOffset now = DateTimeOffset.UtcNow;
        Statuses.Set(new CameraRuntimeStatus
        {
            CameraId = camera.CameraId,
            Health = new CameraHealth { CameraId = camera.CameraId, State = CameraHealthState.WrongPassword, LastSeen = null, CheckedAt = now },
        });

        IRenderedComponent<CamerasPage> page = Render<CamerasPage>();
        page.WaitForElements("tbody tr", 1);

        IElement health = page.Find($"td[data-camera-id='{camera.CameraId}']").ParentElement!.QuerySelector("[data-testid=health]")!;
        health.GetAttribute("data-health").Should().Be("wrong_password");
        health.TextContent.Should().Contain("Wrong password").And.Contain("never seen");
    }

    private static string[] Row(IRenderedComponent<CamerasPage> page, CameraResponse camera)
    {
        IElement row = page.Find($"td[data-camera-id='{camera.CameraId}']").ParentElement!;
        return row.QuerySelectorAll("td").Take(6).Select(td => td.TextContent.Trim()).ToArray();
    }

    /// <summary>
    /// Finds and clicks in one turn of the renderer: the page re-renders every second (live status), and a button found
    /// before a render carries a handler id that the render has already replaced.
    /// </summary>
    /// <returns>The click's handler task (it may await a dialog).</returns>
    private static async Task<Task> ClickAsync(IRenderedComponent<Microsoft.AspNetCore.Components.IComponent> host, Func<IElement> find)
    {
        Task click = Task.CompletedTask;
        await host.InvokeAsync(() => { click = find().ClickAsync(new MouseEventArgs()); });
        return click;
    }

    private static IElement DialogButton(IRenderedComponent<Microsoft.AspNetCore.Components.IComponent> host, string text) =>
        host.Find(".mud-dialog").QuerySelectorAll("button").Single(b => b.TextContent.Trim() == text);
}
