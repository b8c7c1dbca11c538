using CamStudio.Core.Cameras;

namespace CamStudio.Web.Services;

/// <summary>
/// Pushes camera runtime status to the pages (Live tiles, Cameras, Status) of every circuit. Checks the in-process
/// status provider four times a second and publishes a snapshot when a camera's state or viewer count changed, and at
/// least once a second (for ages, fps, bitrate). One loop for the whole server instead of a timer per page; the browser
/// does no polling at all. While no page subscribes the loop parks without a timer: four wake-ups a second for nobody
/// were a third of an idle server's CPU (docs/benchmarks.md, "Fixed cost per camera").
/// </summary>
public sealed partial class CameraStatusNotifier : BackgroundService
{
    /// <summary>How often the provider is checked for state changes.</summary>
    public static readonly TimeSpan CheckInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>A snapshot goes out at least this often even when nothing changed.</summary>
    public static readonly TimeSpan PublishInterval = TimeSpan.FromSeconds(1);

    private readonly Lock _lock = new();
    private readonly List<CameraStatusSubscription> _subscriptions = [];
    private readonly ICameraRuntimeStatusProvider _provider;
    private readonly TimeProvider _time;
    private readonly ILogger<CameraStatusNotifier> _logger;
    private Dictionary<int, (CameraStreamState State, int Viewers, int Peers, Core.Health.CameraHealthState? Health, string? Node)> _published = [];
    private DateTimeOffset _lastPublished = DateTimeOffset.MinValue;

    // Completed while there is at least one subscription; the loop waits on it before it starts ticking again.
    private TaskCompletionSource _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public CameraStatusNotifier(ICameraRuntimeStatusProvider provider, TimeProvider time, ILogger<CameraStatusNotifier> logger)
    {
        _provider = provider ?? throw new ArgumentNullException(nameof(provider));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    /// <summary>
    /// Calls <paramref name="handler"/> with every snapshot (on the notifier's thread: marshal with InvokeAsync) until the
    /// subscription is disposed. <see cref="CameraStatusSubscription.Watch"/> says which cameras it needs.
    /// </summary>
    public CameraStatusSubscription Subscribe(Action<CameraStatusSnapshot> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var subscription = new CameraStatusSubscription(this, handler);
        lock (_lock)
        {
            _subscriptions.Add(subscription);
            _subscribed.TrySetResult();
        }

        return subscription;
    }

    /// <summary>The status of <paramref name="cameraIds"/> right now (a page's first render).</summary>
    public CameraStatusSnapshot Read(IEnumerable<int> cameraIds)
    {
        ArgumentNullException.ThrowIfNull(cameraIds);
        return new CameraStatusSnapshot(_time.GetUtcNow(), cameraIds.Distinct().ToDictionary(id => id, _provider.GetStatus));
    }

    /// <summary>Publishes a snapshot to every subscriber now.</summary>
    public void Publish() => Check(force: true);

    /// <summary>Publishes when something changed or the last snapshot is a second old; true when it published.</summary>
    internal bool Check(bool force = false)
    {
        CameraStatusSubscription[] subscriptions;
        lock (_lock)
        {
            subscriptions = [.. _subscriptions];
        }

        CameraStatusSnapshot snapshot = Read(subscriptions.SelectMany(s => s.CameraIds));
        // A health change (e.g. a background check found the camera offline) reaches the pages at once too.
        // So does a camera moving to another node in a cluster (its tile retries at once).
        Dictionary<int, (CameraStreamState, int, int, Core.Health.CameraHealthState?, string?)> signature = snapshot.Statuses.ToDictionary(
            p => p.Key, p => (p.Value.State, p.Value.ViewerCount, p.Value.PeerConnectionCount, p.Value.Health?.State, p.Value.Node));
        bool changed = signature.Count != _published.Count
            || signature.Any(p => !_published.TryGetValue(p.Key, out var old) || old != p.Value);
        if (!force && !changed && snapshot.At - _lastPublished < PublishInterval)
        {
            return false;
        }

        _published = signature;
        _lastPublished = snapshot.At;
        foreach (CameraStatusSubscription subscription in subscriptions)
        {
            try
            {
                subscription.Deliver(snapshot);
            }
            catch (Exception ex)
            {
                LogSubscriberFailed(_logger, ex);
            }
        }

        return true;
    }

    internal void Remove(CameraStatusSubscription subscription)
    {
        lock (_lock)
        {
            _subscriptions.Remove(subscription);
            if (_subscriptions.Count == 0 && _subscribed.Task.IsCompleted)
            {
                _subscribed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (true)
            {
                Task subscribed;
                lock (_lock)
                {
                    subscribed = _subscribed.Task;
                }

                await subscribed.WaitAsync(stoppingToken);
                await TickWhileSubscribedAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
    }

    private async Task TickWhileSubscribedAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(CheckInterval, _time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            lock (_lock)
            {
                if (_subscriptions.Count == 0)
                {
                    return;
                }
            }

            try
            {
                Check();
            }
            catch (Exception ex)
            {
                LogCheckFailed(_logger, ex);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A status subscriber failed")]
    private static partial void LogSubscriberFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Reading camera status failed")]
    private static partial void LogCheckFailed(ILogger logger, Exception exception);
}

/// <summary>One page's interest in status: which cameras, and where to deliver. Dispose to stop.</summary>
public sealed class CameraStatusSubscription : IDisposable
{
    private readonly CameraStatusNotifier _owner;
    private readonly Action<CameraStatusSnapshot> _handler;
    private volatile int[] _cameraIds = [];
    private volatile bool _disposed;

    internal CameraStatusSubscription(CameraStatusNotifier owner, Action<CameraStatusSnapshot> handler)
    {
        _owner = owner;
        _handler = handler;
    }

    internal IReadOnlyList<int> CameraIds => _cameraIds;

    /// <summary>Replaces the cameras this subscriber needs (e.g. after the camera list was loaded).</summary>
    public void Watch(IEnumerable<int> cameraIds)
    {
        ArgumentNullException.ThrowIfNull(cameraIds);
        _cameraIds = [.. cameraIds];
    }

    internal void Deliver(CameraStatusSnapshot snapshot)
    {
        if (!_disposed)
        {
            _handler(snapshot);
        }
    }

    public void Dispose()
    {
        _disposed = true;
        _owner.Remove(this);
    }
}

/// <summary>Runtime status of some cameras at one moment; cameras not in it read as idle.</summary>
public sealed record CameraStatusSnapshot(DateTimeOffset At, IReadOnlyDictionary<int, CameraRuntimeStatus> Statuses)
{
    public CameraRuntimeStatus Get(int cameraId) =>
        Statuses.TryGetValue(cameraId, out CameraRuntimeStatus? status) ? status : CameraRuntimeStatus.Idle(cameraId);
}
