using CamStudio.Core.Cluster;
using Microsoft.Extensions.Options;

namespace CamStudio.Web.Cluster;

/// <summary>
/// Serves each camera from exactly one node (cluster-plan.md §1.1–§1.3): registers this node, renews all its leases in
/// one statement every <c>RenewInterval</c>, claims unowned and expired leases by the shared placement rule, and
/// fences a camera (kills its FFmpeg) when its lease is no longer confirmed. The fence runs on its own timer at the
/// lease's valid-until, independent of the renew call, because in a partition the renew may hang while the old owner's
/// lease runs out in the database. A graceful stop fences every camera, then releases its leases, so peers claim at
/// once. Disposing without <see cref="StopAsync"/> (a crash) releases nothing: peers wait for expiry + ClaimMargin.
/// Answers <see cref="ICameraOwnership"/> and the admission from memory.
/// </summary>
public sealed partial class ClusterCoordinator : BackgroundService, ICameraOwnership, INodeDirectory, ICameraFencingTokens
{
    /// <summary>A stream may start only with this much of the lease's valid-until left (§1.2).</summary>
    public static readonly TimeSpan StartMargin = TimeSpan.FromSeconds(1);

    private readonly CameraLeaseStore _leases;
    private readonly ClusterNodeStore _nodes;
    private readonly ClusterOptions _options;
    private readonly ICameraFence _fence;
    private readonly TimeProvider _time;
    private readonly ILogger<ClusterCoordinator> _logger;
    private readonly ClusterNodeRegistration _registration;
    private readonly INodeLoadHints? _loads;
    private readonly Lock _lock = new();
    private readonly Dictionary<int, HeldCamera> _held = [];
    private readonly HashSet<int> _pendingClaims = [];
    // Claims and renewals never overlap: a claim that commits while a renew statement runs would be missing from the
    // renew's result and be fenced as "lost".
    private readonly SemaphoreSlim _statements = new(1, 1);
    private readonly ITimer _fenceTimer;
    private readonly CancellationTokenSource _stopping = new();
    private ReadLeases? _snapshot;
    private IReadOnlyList<ClusterNode> _nodeRows = [];
    private int _fencing;
    private int _disposed;
    private long? _lastHandoff;
    private long _lastRenewSentAt = -1;
    private long _claims;
    private long _fenced;
    private long _renewFailures;

    public ClusterCoordinator(
        CameraLeaseStore leases, ClusterNodeStore nodes, IOptions<ClusterOptions> options, ICameraFence fence,
        ClusterNodeRegistration registration, TimeProvider time, ILogger<ClusterCoordinator> logger, INodeLoadHints? loads = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _leases = leases;
        _nodes = nodes;
        _options = options.Value;
        _fence = fence;
        _registration = registration;
        _time = time;
        _logger = logger;
        _loads = loads;
        _fenceTimer = time.CreateTimer(_ => FenceExpired(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public string NodeName => _registration.NodeName;

    public Guid Incarnation => _registration.Incarnation;

    /// <summary>True once the node's name is registered and its loop runs.</summary>
    public bool IsRegistered { get; private set; }

    /// <summary>The cameras this node holds a valid lease for now (it runs their checks, posters and streams).</summary>
    public IReadOnlyCollection<int> LocalCameras
    {
        get
        {
            lock (_lock)
            {
                return [.. _held.Where(h => h.Value.Deadline.IsValid).Select(h => h.Key).Order()];
            }
        }
    }

    /// <summary>Claims won since start (metric <c>camstudio_cluster_claims_total</c>).</summary>
    public long ClaimsTotal => Interlocked.Read(ref _claims);

    /// <summary>Cameras fenced since start: lost, expired, handed off or stopped (<c>camstudio_cluster_fenced_total</c>).</summary>
    public long FencedTotal => Interlocked.Read(ref _fenced);

    /// <summary>Renewals (with their placement pass) that failed (<c>camstudio_cluster_lease_renew_failures_total</c>).</summary>
    public long RenewFailuresTotal => Interlocked.Read(ref _renewFailures);

    /// <summary>
    /// Whether this node's last successful renewal still proves its leases: registered, and the renewal was sent less
    /// than <c>LeaseTtl − FenceMargin</c> ago (the same valid-until its cameras are fenced at). A node with no camera
    /// renews its heartbeat all the same, so this also says whether the node reaches the database in time.
    /// </summary>
    public bool IsRenewCurrent
    {
        get
        {
            long sentAt = Interlocked.Read(ref _lastRenewSentAt);
            return IsRegistered && sentAt >= 0 && _time.GetElapsedTime(sentAt) < _options.LeaseTtl - _options.FenceMargin;
        }
    }

    /// <summary>How many fences are running (tests wait for zero).</summary>
    public int FencesRunning => Volatile.Read(ref _fencing);

    public bool IsLocal(int cameraId)
    {
        lock (_lock)
        {
            return _held.TryGetValue(cameraId, out HeldCamera? held) && held.Deadline.IsValid;
        }
    }

    public CameraOwner? OwnerOf(int cameraId)
    {
        if (IsLocal(cameraId))
        {
            return new CameraOwner(NodeName, IsLocal: true);
        }

        // Another node's lease as last read; it counts until its expiry on the database clock, projected by the local
        // time since the read (only what is shown and where offers go depend on it, never the right to pull).
        ReadLeases? read = Volatile.Read(ref _snapshot);
        CameraLease? lease = read?.Snapshot.Leases.FirstOrDefault(l => l.CameraId == cameraId);
        if (read is null || lease?.NodeName is null || lease.Incarnation == Incarnation)
        {
            return null;
        }

        DateTime databaseNow = read.Snapshot.DatabaseNow + _time.GetElapsedTime(read.ReadAt);
        return lease.ExpiresAt > databaseNow ? new CameraOwner(lease.NodeName, IsLocal: false) : null;
    }

    public Uri? AdvertisedUrl(string nodeName)
    {
        // The node rows as last read (every renew interval); a URL only changes with a restart, which re-registers.
        ClusterNode? node = Volatile.Read(ref _nodeRows).FirstOrDefault(n => n.NodeName == nodeName);
        return node is not null && Uri.TryCreate(node.AdvertisedUrl, UriKind.Absolute, out Uri? url) ? url : null;
    }

    /// <summary>The fencing token of a camera this node holds (the status bus lets the newer lease's status win).</summary>
    public long? TokenOf(int cameraId)
    {
        lock (_lock)
        {
            return _held.TryGetValue(cameraId, out HeldCamera? held) && held.Deadline.IsValid ? held.FencingToken : null;
        }
    }

    /// <summary>The admission rule (<see cref="ClusterAdmission"/>).</summary>
    public bool MayRun(int cameraId)
    {
        lock (_lock)
        {
            return _held.TryGetValue(cameraId, out HeldCamera? held) && held.Deadline.MayStart(StartMargin);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, _stopping.Token);
        CancellationToken cancellationToken = linked.Token;
        await RegisterAsync(cancellationToken).ConfigureAwait(false);
        IsRegistered = true;
        Log.Registered(_logger, NodeName);
        using var timer = new PeriodicTimer(_options.RenewInterval, _time);
        do
        {
            try
            {
                await RenewAsync(cancellationToken).ConfigureAwait(false);
                await PlaceAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is Npgsql.NpgsqlException or TimeoutException or InvalidOperationException)
            {
                // The database is unreachable or slow: keep trying; the fence timer stops the cameras on time.
                Interlocked.Increment(ref _renewFailures);
                Log.RenewFailed(_logger, exception.Message);
            }
        }
        while (await WaitTickAsync(timer, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// A graceful stop: no new claims, every held camera is fenced (its FFmpeg gone), then its lease released and the
    /// node marked stopped, so peers claim at once instead of after the expiry.
    /// </summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _disposed) == 1)
        {
            // A second stop after the container was torn down (WebApplicationFactory's Kestrel host and the app's own
            // lifetime both stop it): the first stop, or the "crash" of Dispose, already did everything there is.
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        // Wait for a claim or renewal in flight, so no claim lands after the held set was emptied. A stop whose time is
        // already up (the host passes a cancelled token: seen with WebApplicationFactory's Kestrel host) still fences
        // every camera below; the release then fails on the token and the leases simply expire.
        try
        {
            await _statements.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Log.StopTimeUp(_logger);
        }

        int[] cameras;
        lock (_lock)
        {
            cameras = [.. _held.Keys];
            _held.Clear(); // the admission refuses from here on
        }

        _fenceTimer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        Interlocked.Add(ref _fenced, cameras.Length);
        await Task.WhenAll(cameras.Select(_fence.FenceAsync)).ConfigureAwait(false);
        if (!IsRegistered)
        {
            return;
        }

        try
        {
            await Task.WhenAll(cameras.Select(c => _leases.ReleaseAsync(c, NodeName, Incarnation, cancellationToken))).ConfigureAwait(false);
            await _nodes.MarkStoppedAsync(NodeName, Incarnation, cancellationToken).ConfigureAwait(false);
            Log.Released(_logger, NodeName, cameras.Length);
        }
        catch (Exception exception) when (exception is Npgsql.NpgsqlException or TimeoutException or OperationCanceledException or ObjectDisposedException)
        {
            // The streams are stopped; the leases simply expire. (Disposed: a second, concurrent stop of the host already
            // tore the container down, as WebApplicationFactory's Kestrel host and Program's RunAsync both stop it.)
            Log.ReleaseFailed(_logger, exception.Message);
        }
    }

    /// <summary>A crash, as far as the cluster sees it: the loop and the timer stop, nothing is released.</summary>
    public override void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _stopping.Cancel();
        _fenceTimer.Dispose();
        base.Dispose();
        _stopping.Dispose();
    }

    private async Task RegisterAsync(CancellationToken cancellationToken)
    {
        // A restarted node (same name, new incarnation) waits until its previous life's row expired, which is at most
        // one LeaseTtl after that process's last renewal; a name still live after that belongs to another process.
        long started = _time.GetTimestamp();
        while (true)
        {
            string? refused;
            try
            {
                refused = await _nodes.TryRegisterAsync(_registration, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is Npgsql.NpgsqlException or TimeoutException)
            {
                // PostgreSQL unreachable or slow at start (a node booting with its database): keep trying, like the renew
                // loop; an unhandled exception here would stop the whole host. The node serves no camera meanwhile and
                // its ready check says so.
                Log.RegisterFailed(_logger, exception.Message);
                await Task.Delay(_options.RenewInterval, _time, cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (refused is null)
            {
                return;
            }

            if (_time.GetElapsedTime(started) > _options.LeaseTtl + _options.RenewInterval)
            {
                throw new InvalidOperationException(refused);
            }

            await Task.Delay(_options.RenewInterval, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<bool> WaitTickAsync(PeriodicTimer timer, CancellationToken cancellationToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task RenewAsync(CancellationToken cancellationToken)
    {
        await _statements.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            long sentAt = _time.GetTimestamp();
            IReadOnlyList<HeldLease> renewed = await _leases.RenewAsync(NodeName, Incarnation, cancellationToken).ConfigureAwait(false);
            Interlocked.Exchange(ref _lastRenewSentAt, sentAt);
            var confirmed = renewed.Select(l => l.CameraId).ToHashSet();
            List<int> lost = [];
            lock (_lock)
            {
                // Leases the database confirms but memory forgot: the fence timer fired while this renewal was on its
                // way, or a claim committed although its caller gave up. Take them back (their streams were stopped);
                // dropping them would leave a lease this node renews for ever without serving the camera.
                foreach (HeldLease lease in renewed)
                {
                    if (!_held.ContainsKey(lease.CameraId))
                    {
                        var deadline = new LeaseDeadline(_time, _options.LeaseTtl, _options.FenceMargin);
                        _held[lease.CameraId] = new HeldCamera(deadline, lease.FencingToken);
                    }
                }

                foreach ((int cameraId, HeldCamera held) in _held)
                {
                    if (confirmed.Contains(cameraId))
                    {
                        held.Deadline.Succeeded(sentAt);
                    }
                    else
                    {
                        lost.Add(cameraId);
                    }
                }

                foreach (int cameraId in lost)
                {
                    _held.Remove(cameraId);
                }
            }

            foreach (int cameraId in lost)
            {
                Log.Lost(_logger, cameraId);
                StartFence(cameraId);
            }
        }
        finally
        {
            _statements.Release();
        }

        RescheduleFence();
    }

    private async Task PlaceAsync(CancellationToken cancellationToken)
    {
        await _leases.EnsureRowsAsync(cancellationToken).ConfigureAwait(false);
        long readAt = _time.GetTimestamp();
        LeaseSnapshot snapshot = await _leases.ListAsync(cancellationToken).ConfigureAwait(false);
        IReadOnlyList<ClusterNode> nodes = await _nodes.ListAsync(cancellationToken).ConfigureAwait(false);
        IReadOnlyDictionary<int, string> pins = await _leases.ListPinsAsync(cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _snapshot, new ReadLeases(snapshot, readAt));
        Volatile.Write(ref _nodeRows, nodes);
        // Claims due before the pass after next are scheduled at their time (claims happen at expiry + margin, not at
        // the next poll); later ones are planned again on a fresher snapshot.
        TimeSpan horizon = _options.RenewInterval * 2;
        // Heartbeat loads when Redis is there (hints: a missing one falls back to lease counts inside the rule).
        IReadOnlyDictionary<string, double>? loads = _loads?.FreshScores();
        foreach (PlannedClaim claim in ClusterPlacement.Plan(NodeName, Incarnation, snapshot, nodes, pins, _options.ClaimMargin, horizon, loads))
        {
            lock (_lock)
            {
                if (_held.ContainsKey(claim.CameraId) || !_pendingClaims.Add(claim.CameraId))
                {
                    continue;
                }
            }

            _ = ClaimLaterAsync(claim, cancellationToken);
        }

        await RebalanceAsync(snapshot, nodes, pins, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Hands at most one idle camera to another node per <c>LeaseTtl</c> (the plan's "≤ 1 per node per 10 s"): the
    /// stream is fenced and the lease released; the placement of the other nodes then claims it at once.
    /// </summary>
    private async Task RebalanceAsync(
        LeaseSnapshot snapshot, IReadOnlyList<ClusterNode> nodes, IReadOnlyDictionary<int, string> pins, CancellationToken cancellationToken)
    {
        if (_lastHandoff is { } last && _time.GetElapsedTime(last) < _options.LeaseTtl)
        {
            return;
        }

        if (ClusterPlacement.ChooseHandoff(NodeName, Incarnation, snapshot, nodes, pins, _fence.IsIdle) is not { } cameraId)
        {
            return;
        }

        // Under the statement lock: a renewal between forgetting and releasing would take the lease back.
        await _statements.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            lock (_lock)
            {
                if (!_held.Remove(cameraId))
                {
                    return;
                }
            }

            _lastHandoff = _time.GetTimestamp();
            Interlocked.Increment(ref _fenced);
            await _fence.FenceAsync(cameraId).ConfigureAwait(false);
            await _leases.ReleaseAsync(cameraId, NodeName, Incarnation, cancellationToken).ConfigureAwait(false);
            Log.HandedOff(_logger, cameraId);
        }
        finally
        {
            _statements.Release();
        }
    }

    private async Task ClaimLaterAsync(PlannedClaim claim, CancellationToken cancellationToken)
    {
        try
        {
            if (claim.Delay > TimeSpan.Zero)
            {
                await Task.Delay(claim.Delay, _time, cancellationToken).ConfigureAwait(false);
            }

            await _statements.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                long sentAt = _time.GetTimestamp();
                long? token = await _leases.TryClaimAsync(claim.CameraId, NodeName, Incarnation, cancellationToken).ConfigureAwait(false);
                if (token is null)
                {
                    return; // another node was first, or the expiry moved: the next pass plans again
                }

                var deadline = new LeaseDeadline(_time, _options.LeaseTtl, _options.FenceMargin);
                deadline.Succeeded(sentAt);
                lock (_lock)
                {
                    _held[claim.CameraId] = new HeldCamera(deadline, token.Value);
                }

                Interlocked.Increment(ref _claims);
                Log.Claimed(_logger, claim.CameraId, token.Value);
            }
            finally
            {
                _statements.Release();
            }

            RescheduleFence();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception exception) when (exception is Npgsql.NpgsqlException or TimeoutException or InvalidOperationException)
        {
            Log.ClaimFailed(_logger, claim.CameraId, exception.Message);
        }
        finally
        {
            lock (_lock)
            {
                _pendingClaims.Remove(claim.CameraId);
            }
        }
    }

    /// <summary>Arms the fence timer for the earliest valid-until among the held cameras.</summary>
    private void RescheduleFence()
    {
        TimeSpan? earliest = null;
        lock (_lock)
        {
            foreach (HeldCamera held in _held.Values)
            {
                TimeSpan remaining = held.Deadline.Remaining;
                if (earliest is null || remaining < earliest)
                {
                    earliest = remaining;
                }
            }
        }

        try
        {
            _fenceTimer.Change(earliest is { } due ? (due > TimeSpan.Zero ? due : TimeSpan.Zero) : Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // Disposed (the node "crashed"): nothing is fenced any more, as after a real crash.
        }
    }

    /// <summary>The fence timer: every camera whose lease is not confirmed until now is forgotten and fenced.</summary>
    private void FenceExpired()
    {
        List<int> expired = [];
        lock (_lock)
        {
            foreach ((int cameraId, HeldCamera held) in _held)
            {
                if (!held.Deadline.IsValid)
                {
                    expired.Add(cameraId);
                }
            }

            foreach (int cameraId in expired)
            {
                _held.Remove(cameraId);
            }
        }

        foreach (int cameraId in expired)
        {
            Log.Expired(_logger, cameraId);
            StartFence(cameraId);
        }

        RescheduleFence();
    }

    private void StartFence(int cameraId)
    {
        Interlocked.Increment(ref _fenced);
        Interlocked.Increment(ref _fencing);
        _ = FenceAsync(cameraId);
    }

    private async Task FenceAsync(int cameraId)
    {
        try
        {
            await _fence.FenceAsync(cameraId).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // Logged, never thrown: this runs on a timer. The admission already refuses the camera.
            Log.FenceFailed(_logger, cameraId, exception.Message);
        }
        finally
        {
            Interlocked.Decrement(ref _fencing);
        }
    }

    private sealed record HeldCamera(LeaseDeadline Deadline, long FencingToken);

    /// <summary>The last lease read and the local time it was sent at.</summary>
    private sealed record ReadLeases(LeaseSnapshot Snapshot, long ReadAt);

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Cluster node {Node} registered")]
        public static partial void Registered(ILogger logger, string node);

        [LoggerMessage(Level = LogLevel.Information, Message = "Claimed camera {CameraId} (fencing token {Token})")]
        public static partial void Claimed(ILogger logger, int cameraId, long token);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Lease of camera {CameraId} lost (the renewal did not confirm it); stopping its streams")]
        public static partial void Lost(ILogger logger, int cameraId);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Lease of camera {CameraId} not confirmed in time; stopping its streams before anyone may claim it")]
        public static partial void Expired(ILogger logger, int cameraId);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Cluster node registration failed, retrying: {Error}")]
        public static partial void RegisterFailed(ILogger logger, string error);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Lease renewal failed: {Error}")]
        public static partial void RenewFailed(ILogger logger, string error);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Claim of camera {CameraId} failed: {Error}")]
        public static partial void ClaimFailed(ILogger logger, int cameraId, string error);

        [LoggerMessage(Level = LogLevel.Error, Message = "Fencing camera {CameraId} failed: {Error}")]
        public static partial void FenceFailed(ILogger logger, int cameraId, string error);

        [LoggerMessage(Level = LogLevel.Information, Message = "Handed idle camera {CameraId} to another node for balance")]
        public static partial void HandedOff(ILogger logger, int cameraId);

        [LoggerMessage(Level = LogLevel.Information, Message = "Cluster node {Node} stopped and released {Count} leases")]
        public static partial void Released(ILogger logger, string node, int count);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Stopping without waiting for a lease statement in flight (the stop's time is up); fencing every camera")]
        public static partial void StopTimeUp(ILogger logger);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Releasing the leases at stop failed (they expire instead): {Error}")]
        public static partial void ReleaseFailed(ILogger logger, string error);
    }
}
