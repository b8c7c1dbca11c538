using System.Globalization;
using CamStudio.Core.Cameras;
using CamStudio.Web.Services;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace CamStudio.Web.Components.Cameras;

/// <summary>The camera list: configuration plus live state and viewers, with edit and delete.</summary>
public partial class CamerasPage
{
    private List<CameraRow>? _rows;

    [Inject]
    private ICameraStore Store { get; set; } = default!;

    [Inject]
    private CameraCommands Commands { get; set; } = default!;

    // The snapshot's time: "last seen" ages are measured from it.
    private DateTimeOffset _now;

    [Inject]
    private IDialogService Dialogs { get; set; } = default!;

    [Inject]
    private ISnackbar Snackbar { get; set; } = default!;

    protected override Task OnInitializedAsync() => LoadAsync();

    protected override void Refresh(CameraStatusSnapshot snapshot)
    {
        if (_rows is null)
        {
            return;
        }

        _now = snapshot.At;
        for (int i = 0; i < _rows.Count; i++)
        {
            _rows[i] = CameraRow.Create(_rows[i].Camera, snapshot);
        }
    }

    private async Task LoadAsync()
    {
        IReadOnlyList<CameraResponse> cameras = await Store.ListAsync(CancellationToken.None);
        CameraStatusSnapshot snapshot = Notifier.Read(cameras.Select(c => c.CameraId));
        _now = snapshot.At;
        _rows = cameras.Select(c => CameraRow.Create(c, snapshot)).ToList();
        Watch(cameras.Select(c => c.CameraId));
    }

    private async Task DeleteAsync(CameraResponse camera)
    {
        bool? confirmed = await Dialogs.ShowMessageBoxAsync(
            "Delete camera?",
            $"Delete \"{camera.Name}\"? Its stream stops and anyone watching it is disconnected. This cannot be undone.",
            yesText: "Delete",
            cancelText: "Cancel");
        if (confirmed != true)
        {
            return;
        }

        bool deleted = await Commands.DeleteAsync(camera.CameraId, CancellationToken.None);
        Snackbar.Add(deleted ? $"Deleted \"{camera.Name}\"." : $"\"{camera.Name}\" was already deleted.",
            deleted ? Severity.Success : Severity.Info);
        await LoadAsync();
    }

    private static string Address(CameraResponse camera) =>
        camera.Source == CameraSourceKind.DemoPattern
            ? "Built-in test pattern"
            : camera.IpAddress.Contains(':', StringComparison.Ordinal)
                ? string.Create(CultureInfo.InvariantCulture, $"[{camera.IpAddress}]:{camera.RtspPort}")
                : string.Create(CultureInfo.InvariantCulture, $"{camera.IpAddress}:{camera.RtspPort}");

    private static string BrandName(CameraResponse camera) =>
        camera.Source == CameraSourceKind.DemoPattern ? "—"
        : CameraBrandPresets.TryGet(camera.Brand, out CameraBrandPreset? preset) ? preset.DisplayName : camera.Brand;
}

/// <summary>One camera with the status of the last snapshot.</summary>
public sealed record CameraRow(CameraResponse Camera, CameraRuntimeStatus Status, CameraLiveState State)
{
    public static CameraRow Create(CameraResponse camera, CameraStatusSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(camera);
        ArgumentNullException.ThrowIfNull(snapshot);
        CameraRuntimeStatus status = snapshot.Get(camera.CameraId);
        return new CameraRow(camera, status, CameraLiveStates.FromStatus(status));
    }
}
