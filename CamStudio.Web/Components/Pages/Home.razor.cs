using CamStudio.Core.Cameras;
using CamStudio.Web.Components.Live;
using CamStudio.Web.Services;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace CamStudio.Web.Components.Pages;

/// <summary>
/// The live view: a tile per camera in the layout this browser chose last (auto, 1, 2×2, 3×3, 4×4), a tile maximised
/// on demand (HD) while the others step aside; on first run (no cameras) an empty state that leads to the first camera.
/// The toolbar also holds this browser's transport choice (auto: WebRTC with the HLS fallback, or forced).
/// Cameras can be filtered by group and arranged into saved views (Home.Views.cs); the grid pages by the layout's size and
/// only the current page's tiles are mounted.
/// </summary>
public partial class Home : IAsyncDisposable
{
    public const string DemoCameraName = "Demo camera";

    private IReadOnlyList<CameraResponse>? _cameras;
    private List<CameraResponse> _shown = [];
    private int _page = 1;
    private CameraStatusSnapshot? _snapshot;
    private IJSObjectReference? _module;
    private string _layout = LiveLayouts.Auto;
    private bool _layoutChosen;
    private string? _transport;
    private bool _transportChosen;
    private int? _maximized;
    private bool _adding;
    private string? _error;

    [Inject]
    private ICameraStore Store { get; set; } = default!;

    [Inject]
    private CameraCommands Commands { get; set; } = default!;

    [Inject]
    private IJSRuntime JS { get; set; } = default!;

    // Until the stored choice is known the tiles' players read it themselves (null parameter); the picker shows auto.
    private string TransportShown => _transport ?? LiveTransports.Auto;

    private string GridClass => _maximized is null ? "live-grid" : "live-grid live-grid--maximized";

    private string GridStyle => "--live-columns: " + LiveLayouts.Columns(_layout, PageCameras.Count()).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private int PageSize => LiveLayouts.PageSize(_layout);

    private int PageCount => Math.Max(1, (_shown.Count + PageSize - 1) / PageSize);

    // Tiles of other pages are not rendered at all, so their players never start.
    private IEnumerable<CameraResponse> PageCameras => _shown.Skip((Math.Min(_page, PageCount) - 1) * PageSize).Take(PageSize);

    protected override async Task OnInitializedAsync()
    {
        await LoadCallerAsync();
        await LoadAsync();
    }

    protected override async Task OnParametersSetAsync() => await ApplyQueryAsync();

    protected override void Refresh(CameraStatusSnapshot snapshot) => _snapshot = snapshot;

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender)
        {
            return;
        }

        try
        {
            IJSObjectReference module = await JS.InvokeAsync<IJSObjectReference>("import", LiveTile.ModulePath);
            string stored = await module.InvokeAsync<string>("getLayout");
            _module = module;
            if (_layoutChosen)
            {
                // The operator picked a layout while the module was loading: that choice wins and is remembered.
                await module.InvokeAsync<bool>("setLayout", _layout);
            }
            else if (_view is null && LiveLayouts.IsKnown(stored) && stored != _layout)
            {
                // An open view brings its own layout; the browser's last choice applies to the plain grid only.
                _layout = stored;
                StateHasChanged();
            }

            string? storedTransport = await module.InvokeAsync<string?>("getTransportMode");
            if (_transportChosen)
            {
                await module.InvokeAsync<bool>("setTransportMode", _transport);
            }
            else
            {
                _transport = LiveTransports.IsKnown(storedTransport) ? storedTransport : LiveTransports.Auto;
                StateHasChanged();
            }
        }
        catch (JSDisconnectedException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        Dispose();
        if (_module is not null)
        {
            try
            {
                await _module.DisposeAsync();
            }
            catch (JSDisconnectedException)
            {
            }
        }

        GC.SuppressFinalize(this);
    }

    private async Task LoadAsync()
    {
        _cameras = await Store.ListAsync(CancellationToken.None);
        _groups = await GroupStore.ListAsync(CancellationToken.None);
        _snapshot = Notifier.Read(_cameras.Select(c => c.CameraId));
        Watch(_cameras.Select(c => c.CameraId));
        Arrange();
    }

    private void SetPage(int page)
    {
        _page = page;
        _maximized = null;
    }

    private async Task SetLayoutAsync(string layout)
    {
        _layout = layout;
        _layoutChosen = true;
        _maximized = null;
        _page = 1;
        if (_module is not null)
        {
            await _module.InvokeAsync<bool>("setLayout", layout);
        }
    }

    /// <summary>Remembered for this browser; the tiles' players switch over at once (see LiveTile.TransportMode).</summary>
    private async Task SetTransportAsync(string mode)
    {
        _transport = mode;
        _transportChosen = true;
        if (_module is not null)
        {
            await _module.InvokeAsync<bool>("setTransportMode", mode);
        }
    }

    private void ToggleMaximized(int cameraId) => _maximized = _maximized == cameraId ? null : cameraId;

    private async Task AddDemoCameraAsync()
    {
        _adding = true;
        _error = null;
        try
        {
            CameraResult result = await Commands.CreateAsync(
                new CameraCreateRequest { Name = DemoCameraName, Source = CameraSourceKind.DemoPattern },
                CancellationToken.None);
            _error = result switch
            {
                CameraSaved => null,
                CameraConflict => "A camera named \"" + DemoCameraName + "\" already exists.",
                _ => "The demo camera could not be added.",
            };
            await LoadAsync();
        }
        finally
        {
            _adding = false;
        }
    }
}
