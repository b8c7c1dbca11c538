using Microsoft.AspNetCore.Components;

namespace CamStudio.Web.Components;

/// <summary>
/// A component that re-reads live data on a server-side timer and re-renders through the dispatcher. Polling the
/// in-process status provider is cheap; a push notifier (subscribe/unsubscribe) replaces the timer once the streams
/// layer offers one, and then the browser still does no polling of its own.
/// </summary>
public abstract class LiveRefreshComponent : ComponentBase, IDisposable
{
    private readonly CancellationTokenSource _disposed = new();
    private PeriodicTimer? _timer;

    /// <summary>How often <see cref="Refresh"/> runs.</summary>
    protected virtual TimeSpan RefreshInterval => TimeSpan.FromSeconds(1);

    [Inject]
    protected TimeProvider Clock { get; set; } = default!;

    /// <summary>Re-reads the live data; runs on the renderer's dispatcher.</summary>
    protected abstract void Refresh();

    protected override void OnInitialized()
    {
        _timer = new PeriodicTimer(RefreshInterval, Clock);
        _ = TickAsync(_timer, _disposed.Token);
    }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _disposed.Cancel();
            _timer?.Dispose();
            _disposed.Dispose();
        }
    }

    private async Task TickAsync(PeriodicTimer timer, CancellationToken cancellationToken)
    {
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                await InvokeAsync(() =>
                {
                    Refresh();
                    StateHasChanged();
                });
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed: the circuit or the page went away.
        }
        catch (ObjectDisposedException)
        {
        }
        catch (Exception ex)
        {
            await DispatchExceptionAsync(ex);
        }
    }
}
