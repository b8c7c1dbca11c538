using CamStudio.Media.Memory;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace CamStudio.Media.Streaming;

/// <summary>
/// Counts the end of start-up as an idle transition: <see cref="MemoryReleaseOptions.StartupSettleTime"/> after the app
/// started, if no camera streams, one <see cref="IdleMemoryRelease"/> runs.
/// </summary>
/// <remarks>
/// Start-up leaves garbage the GC would not collect for hours in an idle server (EF Core's model and migrations check,
/// the DI container, the first requests: ~4 MiB resident on x64) and touches far more code than an idle server runs
/// again (~100 MiB of mapped images, which leave the resident set too unless <see cref="MemoryReleaseOptions.ImagePagesWhenIdle"/> says Keep).
/// A server that starts and is left alone never has a camera stop, so without this it would never reach the idle
/// release. Once per process: one blocking collection of a heap of ~10 MiB.
/// </remarks>
public sealed class StartupMemoryRelease(
    IHostApplicationLifetime lifetime, IdleMemoryRelease release, CameraStreamHost streams, IOptions<MemoryReleaseOptions> options,
    TimeProvider time) : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
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
