using CamStudio.Core.Cameras;
using CamStudio.Web.Components.Cameras;
using Microsoft.AspNetCore.Components;

namespace CamStudio.Web.Components.Status;

/// <summary>
/// Every camera's runtime status, re-read every second on the server (see <see cref="LiveRefreshComponent"/>); the
/// camera list itself is read once, the status on every tick.
/// </summary>
public partial class StatusPage
{
    private List<CameraRow>? _rows;
    private DateTimeOffset _now;

    [Inject]
    private ICameraStore Store { get; set; } = default!;

    [Inject]
    private ICameraRuntimeStatusProvider StatusProvider { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        IReadOnlyList<CameraResponse> cameras = await Store.ListAsync(CancellationToken.None);
        _now = Clock.GetUtcNow();
        _rows = cameras.Select(c => CameraRow.Create(c, StatusProvider, _now)).ToList();
    }

    protected override void Refresh()
    {
        if (_rows is null)
        {
            return;
        }

        _now = Clock.GetUtcNow();
        for (int i = 0; i < _rows.Count; i++)
        {
            _rows[i] = CameraRow.Create(_rows[i].Camera, StatusProvider, _now);
        }
    }
}
