using System.Collections.Concurrent;
using CamStudio.Core.Cameras;
using CamStudio.Core.Cluster;
using CamStudio.Core.Health;
using CamStudio.Media.Rtsp;
using Microsoft.Extensions.Options;

namespace CamStudio.Web.Health;

/// <summary>
/// Knows every camera's health without anyone watching. A camera that is not streaming gets an RTSP DESCRIBE with its
/// stored credentials every <see cref="HealthOptions.IntervalSeconds"/>, the cameras spread evenly across the interval
/// and at most <see cref="HealthOptions.Concurrency"/> at a time; a streaming camera is never asked (its health is read
/// from the stream), and the demo pattern is always online. Added or edited cameras are checked at once
/// (<see cref="HealthCheckRequests"/>). Every state change goes to each <see cref="ICameraHealthObserver"/>.
/// Only cameras this node serves (<see cref="ICameraOwnership"/>) are checked and reported: in a cluster another
/// node's camera is that node's to ask, so no camera gets two DESCRIBEs and its events and webhooks fire once.
/// </summary>
public sealed partial class CameraHealthMonitor : BackgroundService, ICameraHealthReader
{
    /// <summary>How often streaming cameras are read and due checks are started.</summary>
    public static readonly TimeSpan TickInterval = TimeSpan.FromSeconds(1);

    private readonly ICameraStore _store;
    private readonly ICameraRuntimeStatusProvider _streams;
    private readonly ICameraOwnership _ownership;
    private readonly IRtspDescribeClient _client;
    private readonly HealthCheckRequests _requests;
    private readonly ICameraHealthObserver[] _observers;
    private readonly HealthOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<CameraHealthMonitor> _logger;
    private readonly SemaphoreSlim _concurrency;
    private readonly ConcurrentDictionary<int, CameraHealth> _health = new();
    private readonly Lock _healthLock = new();

    // Scheduler state: touched only by TickAsync (one caller at a time), except Slot.Checking.
    private readonly Dictionary<int, Slot> _slots = [];
    private readonly HashSet<Task> _checks = [];
    private DateTimeOffset _nextListing = DateTimeOffset.MinValue;

    public CameraHealthMonitor(
        ICameraStore store,
        ICameraRuntimeStatusProvider streams,
        ICameraOwnership ownership,
        IRtspDescribeClient client,
        HealthCheckRequests requests,
        IEnumerable<ICameraHealthObserver> observers,
        IOptions<HealthOptions> options,
        TimeProvider time,
        ILogger<CameraHealthMonitor> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _streams = streams ?? throw new ArgumentNullException(nameof(streams));
        _ownership = ownership ?? throw new ArgumentNullException(nameof(ownership));
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _requests = requests ?? throw new ArgumentNullException(nameof(requests));
        _observers = [.. observers ?? throw new ArgumentNullException(nameof(observers))];
        _options = options.Value;
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _concurrency = new SemaphoreSlim(_options.Concurrency, _options.Concurrency);
    }

    /// <inheritdoc />
    public CameraHealth Get(int cameraId) =>
        _health.TryGetValue(cameraId, out CameraHealth? health) ? health : CameraHealth.Unknown(cameraId);

    /// <summary>Checks not finished yet (for tests and shutdown).</summary>
    internal Task WhenChecksDoneAsync()
    {
        lock (_checks)
        {
            return Task.WhenAll([.. _checks]);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await TickAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogTickFailed(_logger, ex);
                }

                await WaitAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }

        await WhenChecksDoneAsync();
    }

    /// <summary>
    /// One pass: take the change requests, re-read the camera list when due, read streaming cameras, start due checks
    /// (without waiting for them).
    /// </summary>
    internal async Task TickAsync(CancellationToken cancellationToken)
    {
        DateTimeOffset now = _time.GetUtcNow();
        var requested = new HashSet<int>();
        while (_requests.Reader.TryRead(out int cameraId))
        {
            requested.Add(cameraId);
        }

        if (requested.Count > 0 || now >= _nextListing)
        {
            await RefreshCamerasAsync(requested, now, cancellationToken);
        }

        foreach (Slot slot in _slots.Values)
        {
            if (!_ownership.IsLocal(slot.CameraId))
            {
                Release(slot, now);
                continue;
            }

            if (slot.IsDemo)
            {
                Set(slot, CameraHealthRules.Demo(slot.CameraId, now));
                continue;
            }

            CameraRuntimeStatus status = _streams.GetStatus(slot.CameraId);
            if (status.IsRunning)
            {
                slot.Streaming = true;
                if (CameraHealthRules.FromStream(Get(slot.CameraId), status, now) is { } fromStream)
                {
                    Set(slot, fromStream);
                }

                continue;
            }

            if (slot.Streaming)
            {
                // The stream just stopped: what it said may be stale soon, so ask the camera now.
                slot.Streaming = false;
                slot.NextDue = now;
            }

            // Disabled: streaming cameras still report through their stream above, but no camera is ever asked.
            if (_options.Enabled && slot.NextDue <= now && !slot.Checking)
            {
                // Keep each camera on its own grid so the spread across the interval survives slow checks.
                slot.NextDue = slot.NextDue + _options.Interval > now ? slot.NextDue + _options.Interval : now + _options.Interval;
                slot.Checking = true;
                Track(CheckAsync(slot, cancellationToken));
            }
        }
    }

    private async Task RefreshCamerasAsync(HashSet<int> requested, DateTimeOffset now, CancellationToken cancellationToken)
    {
        IReadOnlyList<CameraResponse> cameras = await _store.ListAsync(cancellationToken);
        bool firstListing = _nextListing == DateTimeOffset.MinValue;
        _nextListing = now + _options.Interval;

        var present = new HashSet<int>();
        int index = 0;
        foreach (CameraResponse camera in cameras)
        {
            present.Add(camera.CameraId);
            if (!_slots.TryGetValue(camera.CameraId, out Slot? slot))
            {
                // At start-up the cameras are spread across one interval; a camera added later is checked at once.
                TimeSpan offset = firstListing ? _options.Interval * index / cameras.Count : TimeSpan.Zero;
                slot = new Slot(camera.CameraId) { NextDue = now + offset };
                _slots.Add(camera.CameraId, slot);
            }
            else if (slot.Version != camera.Version || requested.Contains(camera.CameraId))
            {
                slot.NextDue = now; // edited: its address, path or password may be different now
            }

            slot.Name = camera.Name;
            slot.Version = camera.Version;
            slot.IsDemo = camera.Source == CameraSourceKind.DemoPattern;
            index++;
        }

        foreach (Slot gone in _slots.Values.Where(s => !present.Contains(s.CameraId)).ToArray())
        {
            _slots.Remove(gone.CameraId);
            lock (_healthLock)
            {
                gone.Removed = true;
                _health.TryRemove(gone.CameraId, out _);
            }
        }
    }

    private async Task CheckAsync(Slot slot, CancellationToken cancellationToken)
    {
        try
        {
            await _concurrency.WaitAsync(cancellationToken);
            try
            {
                // The camera may have started streaming (or moved to another node) while this check waited for its turn.
                if (_streams.GetStatus(slot.CameraId).IsRunning || !_ownership.IsLocal(slot.CameraId))
                {
                    return;
                }

                CameraStreamSource? source = await _store.GetStreamSourceAsync(slot.CameraId, cancellationToken);
                if (source is null || source.Source == CameraSourceKind.DemoPattern)
                {
                    return;
                }

                var request = new RtspDescribeRequest(source.Host, source.RtspPort, source.SelectedPath,
                    NullIfEmpty(source.Username), NullIfEmpty(source.Password));
                RtspDescribeResult result = await _client.DescribeAsync(request, _options.Timeout, cancellationToken);
                if (_streams.GetStatus(slot.CameraId).IsRunning)
                {
                    return; // the stream is the better witness now
                }

                if (!_ownership.IsLocal(slot.CameraId))
                {
                    return; // moved during the check: the new owner reports it
                }

                Set(slot, CameraHealthRules.FromCheck(Get(slot.CameraId), result, request, _options.Timeout, _time.GetUtcNow()));
            }
            finally
            {
                _concurrency.Release();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        catch (Exception ex)
        {
            LogCheckFailed(_logger, slot.CameraId, ex);
        }
        finally
        {
            slot.Checking = false;
        }
    }

    /// <summary>
    /// Another node serves the camera: forget what this node knew, without telling the observers (the owner reports its
    /// changes), and check it at once should it come back here.
    /// </summary>
    private void Release(Slot slot, DateTimeOffset now)
    {
        slot.Streaming = false;
        slot.NextDue = now;
        lock (_healthLock)
        {
            _health.TryRemove(slot.CameraId, out _);
        }
    }

    private void Set(Slot slot, CameraHealth health)
    {
        CameraHealthState previous;
        lock (_healthLock)
        {
            if (slot.Removed)
            {
                return; // a check that finished after its camera was deleted
            }

            previous = Get(slot.CameraId).State;

            _health[slot.CameraId] = health;
        }

        if (previous == health.State)
        {
            return;
        }

        LogStateChanged(_logger, slot.CameraId, previous, health.State);
        var change = new CameraHealthChange(slot.CameraId, slot.Name, previous, health.State, health.Detail,
            health.CheckedAt ?? _time.GetUtcNow());
        foreach (ICameraHealthObserver observer in _observers)
        {
            try
            {
                observer.OnHealthChanged(change);
            }
            catch (Exception ex)
            {
                LogObserverFailed(_logger, observer.GetType().Name, ex);
            }
        }
    }

    private void Track(Task check)
    {
        lock (_checks)
        {
            _checks.Add(check);
        }

        check.ContinueWith(
            done =>
            {
                lock (_checks)
                {
                    _checks.Remove(done);
                }
            },
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Until the next tick, or at once when a camera was added, edited or deleted.</summary>
    private async Task WaitAsync(CancellationToken stoppingToken)
    {
        using var wake = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        Task tick = Task.Delay(TickInterval, _time, wake.Token);
        Task request = _requests.Reader.WaitToReadAsync(wake.Token).AsTask();
        await Task.WhenAny(tick, request);
        await wake.CancelAsync();
        stoppingToken.ThrowIfCancellationRequested();
        try
        {
            await Task.WhenAll(tick, request);
        }
        catch (OperationCanceledException)
        {
            // The one that did not finish was cancelled above.
        }
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    [LoggerMessage(Level = LogLevel.Information, Message = "Camera {CameraId} health {Previous} -> {Current}")]
    private static partial void LogStateChanged(ILogger logger, int cameraId, CameraHealthState previous, CameraHealthState current);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Health check of camera {CameraId} failed")]
    private static partial void LogCheckFailed(ILogger logger, int cameraId, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "A health pass failed")]
    private static partial void LogTickFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Health observer {Observer} failed")]
    private static partial void LogObserverFailed(ILogger logger, string observer, Exception exception);

    /// <summary>One camera's place in the schedule.</summary>
    private sealed class Slot(int cameraId)
    {
        public int CameraId { get; } = cameraId;
        public string Name { get; set; } = "";
        public int Version { get; set; }
        public bool IsDemo { get; set; }
        public bool Streaming { get; set; }
        public DateTimeOffset NextDue { get; set; }

        private volatile bool _checking;
        private volatile bool _removed;

        public bool Removed
        {
            get => _removed;
            set => _removed = value;
        }

        public bool Checking
        {
            get => _checking;
            set => _checking = value;
        }
    }

    public override void Dispose()
    {
        _concurrency.Dispose();
        base.Dispose();
    }
}
