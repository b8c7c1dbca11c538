using CamStudio.Media.Memory;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace CamStudio.Media.Streaming;

/// <summary>
/// Counts the end of start-up as an idle transition: <see cref="MemoryReleaseOptions.StartupSettleTime"/> after the app
/// started, if no camera streams, one <see cref="IdleMemoryRelease"/> runs.
/// </summary>
/// <remarks>
/// Start-up touches far more code than an idle server runs again — EF Core's model and migrations check, the DI
/// container, Razor components rendered once, the first health and poster passes — and its pages would otherwise stay
/// resident until memory runs short (~100 MiB of mapped images on x64, docs/benchmarks/footprint.md). A server that
/// starts and is left alone never has a camera stop, so without this it would never reach the idle release. Once per
/// process; off with <see cref="MemoryReleaseOptions.ReleaseImagePagesWhenIdle"/>.
/// </remarks>
public sealed class StartupMemoryRelease(
    IHostApplicationLifetime lifetime, IdleMemoryRelease release, CameraStreamHost streams, IOptions<MemoryReleaseOptions> options,
    TimeProvider time) : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.ReleaseImagePagesWhenIdle)
        {
            return;
        }

        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(static s => ((TaskCompletionSource)s!).TrySetResult(), started))
        {
            await started.Task.WaitAsync(stoppingToken).ConfigureAwait(false);
        }

        await Task.Delay(options.Value.StartupSettleTime, time, stoppingToken).ConfigureAwait(false);
        // Asked again on the worker just before: a camera that started meanwhile has its own idle transition later.
        release.Request(() => streams.IsIdle);
    }
}
