using CamStudio.Core.Cameras;
using Microsoft.AspNetCore.Components;

namespace CamStudio.Web.Components.Pages;

/// <summary>The live view; on first run (no cameras) an empty state that leads to the first camera.</summary>
public partial class Home
{
    public const string DemoCameraName = "Demo camera";

    private IReadOnlyList<CameraResponse>? _cameras;
    private bool _adding;
    private string? _error;

    [Inject]
    private ICameraStore Store { get; set; } = default!;

    protected override async Task OnInitializedAsync() =>
        _cameras = await Store.ListAsync(CancellationToken.None);

    private async Task AddDemoCameraAsync()
    {
        _adding = true;
        _error = null;
        try
        {
            CameraResult result = await Store.CreateAsync(
                new CameraCreateRequest { Name = DemoCameraName, Source = CameraSourceKind.DemoPattern },
                CancellationToken.None);
            _error = result switch
            {
                CameraSaved => null,
                CameraConflict => "A camera named \"" + DemoCameraName + "\" already exists.",
                _ => "The demo camera could not be added.",
            };
            _cameras = await Store.ListAsync(CancellationToken.None);
        }
        finally
        {
            _adding = false;
        }
    }
}
