using CamStudio.Core.Cameras;
using CamStudio.Core.Events;
using CamStudio.Core.Health;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;

namespace CamStudio.Web.Components.Events;

/// <summary>
/// The event log for every signed-in user: filters by camera, new state and time; newest first; new events appear
/// without a reload (the log pushes each one, the page re-reads its filtered view).
/// </summary>
public partial class EventsPage
{
    /// <summary>Rows shown at most; the API reads further back.</summary>
    public const int PageSize = 500;

    private IReadOnlyList<CameraResponse> _cameras = [];
    private IReadOnlyList<CameraEvent> _events = [];
    private int? _cameraId;
    private CameraHealthState? _state;
    private EventTimeRange _range = EventTimeRange.All;
    private IDisposable? _subscription;

    [Inject]
    private CameraEventLog Log { get; set; } = null!;

    [Inject]
    private ICameraStore Cameras { get; set; } = null!;

    [Inject]
    private IOptions<EventsOptions> Options { get; set; } = null!;

    [Inject]
    private TimeProvider Time { get; set; } = null!;

    protected override async Task OnInitializedAsync()
    {
        _subscription = Log.Subscribe(added => _ = InvokeAsync(() =>
        {
            Reload();
            StateHasChanged();
        }));
        _cameras = await Cameras.ListAsync(CancellationToken.None);
        Reload();
    }

    public void Dispose() => _subscription?.Dispose();

    private void OnCameraChanged(int? cameraId)
    {
        _cameraId = cameraId;
        Reload();
    }

    private void OnStateChanged(CameraHealthState? state)
    {
        _state = state;
        Reload();
    }

    private void OnRangeChanged(EventTimeRange range)
    {
        _range = range;
        Reload();
    }

    private void Reload() => _events = Log.Query(new CameraEventQuery
    {
        CameraId = _cameraId,
        State = _state,
        // A state filter is about cameras; the start-up markers would only clutter it.
        Kind = _cameraId is not null || _state is not null ? CameraEventKind.CameraState : null,
        Since = EventsFormat.Since(_range, Time.GetUtcNow()),
        Limit = PageSize,
    });
}

/// <summary>The time filter's choices.</summary>
public enum EventTimeRange
{
    All,
    LastHour,
    Last24Hours,
    Last7Days,
}

/// <summary>Event wording shared by the page and its tests.</summary>
public static class EventsFormat
{
    public static string Label(EventTimeRange range) => range switch
    {
        EventTimeRange.LastHour => "Last hour",
        EventTimeRange.Last24Hours => "Last 24 hours",
        EventTimeRange.Last7Days => "Last 7 days",
        _ => "Everything kept",
    };

    public static DateTimeOffset? Since(EventTimeRange range, DateTimeOffset now) => range switch
    {
        EventTimeRange.LastHour => now.AddHours(-1),
        EventTimeRange.Last24Hours => now.AddDays(-1),
        EventTimeRange.Last7Days => now.AddDays(-7),
        _ => null,
    };

    public static string Time(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>"Went offline", "Back online (recovered from Offline)", "CamStudio started", …</summary>
    public static string Describe(CameraEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e.Kind == CameraEventKind.ServerStarted)
        {
            return "CamStudio started";
        }

        CameraHealthState to = e.To ?? CameraHealthState.Unknown;
        if (e.IsRecovery)
        {
            return $"Back online (recovered from {CameraHealthStates.Label(e.From!.Value).ToLowerInvariant()})";
        }

        if (e.From is null or CameraHealthState.Unknown)
        {
            return $"{CameraHealthStates.Label(to)} (first check)";
        }

        return to switch
        {
            CameraHealthState.Offline => "Went offline",
            CameraHealthState.WrongPassword => "Wrong password",
            CameraHealthState.StreamNotFound => "Stream not found",
            CameraHealthState.UnsupportedCodec => "Unsupported codec",
            _ => CameraHealthStates.Label(to),
        } + $" (was {CameraHealthStates.Label(e.From.Value).ToLowerInvariant()})";
    }
}
