using CamStudio.Web.Services;
using Microsoft.AspNetCore.Components;

namespace CamStudio.Web.Components;

/// <summary>
/// A page that shows live camera status: it subscribes to the <see cref="CameraStatusNotifier"/> (server push, no
/// browser polling), re-renders through the dispatcher on every snapshot and unsubscribes when disposed.
/// </summary>
public abstract class LiveRefreshComponent : ComponentBase, IDisposable
{
    private CameraStatusSubscription? _subscription;

    [Inject]
    protected CameraStatusNotifier Notifier { get; set; } = default!;

    /// <summary>Applies a snapshot to the page's rows; runs on the renderer's dispatcher.</summary>
    protected abstract void Refresh(CameraStatusSnapshot snapshot);

    /// <summary>Says which cameras the page shows; snapshots then carry their status.</summary>
    protected void Watch(IEnumerable<int> cameraIds) => _subscription?.Watch(cameraIds);

    protected override void OnInitialized() => _subscription = Notifier.Subscribe(OnSnapshot);

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _subscription?.Dispose();
        }
    }

    private void OnSnapshot(CameraStatusSnapshot snapshot) => _ = ApplyAsync(snapshot);

    private async Task ApplyAsync(CameraStatusSnapshot snapshot)
    {
        try
        {
            await InvokeAsync(() =>
            {
                Refresh(snapshot);
                StateHasChanged();
            });
        }
        catch (ObjectDisposedException)
        {
            // The circuit went away between the snapshot and the render.
        }
        catch (Exception ex)
        {
            await DispatchExceptionAsync(ex);
        }
    }
}
