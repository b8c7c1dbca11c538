using Bunit;
using CamStudio.Core.Events;
using CamStudio.Core.Health;
using CamStudio.Core.Webhooks;
using CamStudio.Web.Components.Events;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace CamStudio.Tests.Web.Components.Events;

/// <summary>The Events page over the real log: filters by camera, state and time, wording, and rows arriving live.</summary>
public sealed class EventsPageTests : UiTestContext
{
    private readonly ManualTimeProvider _clock;

    public EventsPageTests()
        : this(new ManualTimeProvider(DateTimeOffset.UtcNow))
    {
    }

    private EventsPageTests(ManualTimeProvider clock)
        : base(clock)
    {
        _clock = clock;
        Services.AddCamStudioNotifications();
    }

    private CameraEventLog Log => Services.GetRequiredService<CameraEventLog>();

    [Fact]
    public async Task Filters_by_camera_state_and_time_and_says_back_online()
    {
        int porch = (await CreateCameraAsync("Porch")).CameraId;
        int garage = (await CreateCameraAsync("Garage")).CameraId;
        Log.AppendServerStarted();
        Change(porch, "Porch", CameraHealthState.Unknown, CameraHealthState.Online);
        _clock.Advance(TimeSpan.FromHours(3));
        Change(garage, "Garage", CameraHealthState.Online, CameraHealthState.Offline, "Connection refused.");
        Change(porch, "Porch", CameraHealthState.Online, CameraHealthState.WrongPassword);
        Change(garage, "Garage", CameraHealthState.Offline, CameraHealthState.Online);

        IRenderedComponent<EventsPage> page = Render<EventsPage>();
        page.WaitForAssertion(() => Rows(page).Should().Equal(
            "Garage|Back online (recovered from offline)",
            "Porch|Wrong password (was online)",
            "Garage|Went offline (was online)",
            "Porch|Online (first check)",
            "—|CamStudio started"));

        await SelectAsync<int?>(page, "Camera", garage);
        Rows(page).Should().Equal("Garage|Back online (recovered from offline)", "Garage|Went offline (was online)");

        await SelectAsync<CameraHealthState?>(page, "Became", CameraHealthState.Offline);
        Rows(page).Should().Equal("Garage|Went offline (was online)");
        page.Find("[data-testid='events'] tbody").TextContent.Should().Contain("Connection refused.");

        await SelectAsync<int?>(page, "Camera", null);
        await SelectAsync<CameraHealthState?>(page, "Became", null);
        await SelectAsync(page, "Time", EventTimeRange.LastHour);
        Rows(page).Should().HaveCount(3, "the first check and the start-up marker are three hours old");

        await SelectAsync<CameraHealthState?>(page, "Became", CameraHealthState.StreamNotFound);
        page.Find("[data-testid='no-events']").TextContent.Should().Be("No events match.");
    }

    [Fact]
    public async Task A_new_event_appears_without_a_reload_when_it_matches_the_filter()
    {
        int porch = (await CreateCameraAsync("Porch")).CameraId;
        int garage = (await CreateCameraAsync("Garage")).CameraId;
        IRenderedComponent<EventsPage> page = Render<EventsPage>();
        await SelectAsync<int?>(page, "Camera", porch);
        page.WaitForElement("[data-testid='no-events']");

        Change(garage, "Garage", CameraHealthState.Online, CameraHealthState.Offline);
        Change(porch, "Porch", CameraHealthState.Online, CameraHealthState.Offline);

        page.WaitForAssertion(() => Rows(page).Should().Equal("Porch|Went offline (was online)"));
    }

    private void Change(int id, string name, CameraHealthState from, CameraHealthState to, string? detail = null) =>
        Log.AppendChange(new CameraHealthChange(id, name, from, to, detail, _clock.GetUtcNow()));

    private static IReadOnlyList<string> Rows(IRenderedComponent<EventsPage> page) =>
        page.FindAll("[data-testid='events'] tbody tr").Select(r => r.Children[1].TextContent.Trim() + "|" + r.Children[2].TextContent.Trim()).ToList();

    private static Task SelectAsync<T>(IRenderedComponent<EventsPage> page, string label, T value)
    {
        IRenderedComponent<MudSelect<T>> select = page.FindComponents<MudSelect<T>>().Single(s => s.Instance.Label == label);
        return page.InvokeAsync(() => select.Instance.ValueChanged.InvokeAsync(value));
    }
}
