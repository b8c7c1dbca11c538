using System.Collections.Concurrent;
using CamStudio.Core.Cameras;
using CamStudio.Core.Cluster;
using CamStudio.Web.Services;

namespace CamStudio.Web.Cluster;

/// <summary>
/// The fallback for a lost "camera changed" call (plan §5): every <see cref="Interval"/> the owner reads the cameras and
/// compares each owned camera's <c>version</c> with the one it saw last; a newer version is applied as the edit would
/// have been (<see cref="CameraCommands.ApplyChangedAsync"/>: FFmpeg restarts with the stored settings), a camera gone
/// from the store as a delete. A camera becomes watched with the version first seen after this node got it: a stream
/// started after the claim reads the settings then, so only later edits need applying. An edit the owner was told about
/// is seen here too; applying it again is harmless: a stream whose pull did not change is left running.
/// </summary>
public sealed partial class CameraVersionWatch(
    ICameraStore cameras, ICameraOwnership ownership, IServiceScopeFactory scopes, TimeProvider time, ILogger<CameraVersionWatch> logger)
    : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    // Owned camera → the version seen last (written by the one loop; concurrent only for Watches).
    private readonly ConcurrentDictionary<int, int> _seen = new();

    /// <summary>Whether the poll watches <paramref name="cameraId"/> (it owns it and has seen its version).</summary>
    public bool Watches(int cameraId) => _seen.ContainsKey(cameraId);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await CheckAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    // The database is away or a restart failed: the next pass tries again (nothing is marked seen).
                    LogCheckFailed(ex.GetType().Name);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One pass (the loop's body; tests may call it directly).</summary>
    public async Task CheckAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<CameraResponse> all = await cameras.ListAsync(cancellationToken);
        var current = all.ToDictionary(c => c.CameraId, c => c.Version);
        List<int> changed = [];
        List<int> deleted = [];
        foreach ((int cameraId, int version) in _seen)
        {
            if (!current.TryGetValue(cameraId, out int now))
            {
                deleted.Add(cameraId);
            }
            else if (now != version && ownership.IsLocal(cameraId))
            {
                changed.Add(cameraId);
            }
        }

        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        CameraCommands commands = scope.ServiceProvider.GetRequiredService<CameraCommands>();
        foreach (int cameraId in changed)
        {
            LogApplying(cameraId, "changed");
            await commands.ApplyChangedAsync(cameraId, cancellationToken);
            _seen[cameraId] = current[cameraId];
        }

        foreach (int cameraId in deleted)
        {
            LogApplying(cameraId, "deleted");
            await commands.ApplyDeletedAsync(cameraId, cancellationToken);
            _seen.TryRemove(cameraId, out _);
        }

        // Forget cameras that left this node (they are re-baselined if they come back), watch newly owned ones.
        foreach (int cameraId in _seen.Keys.Where(id => !ownership.IsLocal(id)).ToArray())
        {
            _seen.TryRemove(cameraId, out _);
        }

        foreach ((int cameraId, int version) in current)
        {
            if (ownership.IsLocal(cameraId))
            {
                _seen.TryAdd(cameraId, version);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Camera {CameraId} was {Change} on another node without telling this owner; applying it now")]
    private partial void LogApplying(int cameraId, string change);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Checking the owned cameras' versions failed ({Error}); retrying")]
    private partial void LogCheckFailed(string error);
}
