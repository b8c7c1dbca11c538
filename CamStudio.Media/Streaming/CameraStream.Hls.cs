using System.Buffers.Text;
using System.Security.Cryptography;
using CamStudio.Media.Hls;
using Microsoft.Extensions.Logging;

namespace CamStudio.Media.Streaming;

// LL-HLS viewers of a CameraStream. They count as viewers like WebRTC sessions (the first starts FFmpeg, the grace
// period follows the last), and while any exists an HlsPackager subscribed to the stream's source fills the part
// window they read. HLS has no connection, so a viewer ends after ViewerTimeout without a request.
public sealed partial class CameraStream
{
    private readonly Lock _hlsLock = new();
    private readonly Dictionary<string, HlsViewer> _hlsViewers = new(StringComparer.Ordinal);
    private HlsPackager? _packager;
    private IDisposable? _packagerSubscription;
    private ITimer? _hlsSweep;
    private long _hlsIdleSince;
    private bool _hlsEnded;
    private TaskCompletionSource _storeChanged = NewStoreSignal();

    /// <summary>HLS viewers now (also counted in <see cref="ViewerCount"/>).</summary>
    public int HlsViewerCount { get { lock (_hlsLock) { return _hlsViewers.Count; } } }

    /// <summary>The packager while HLS is served, else null.</summary>
    public HlsPackager? Hls { get { lock (_hlsLock) { return _packager; } } }

    /// <summary>
    /// Adds an HLS viewer owned by <paramref name="owner"/>: counts it (starting FFmpeg if needed) and makes sure the
    /// packager runs. It ends after <see cref="HlsOptions.ViewerTimeout"/> without requests, or by <see cref="CloseHlsViewer"/>.
    /// </summary>
    public HlsViewer OpenHlsViewer(string owner)
    {
        ArgumentNullException.ThrowIfNull(owner);
        IDisposable lease = AddViewer(null);
        var viewer = new HlsViewer(NewSessionId(), owner, this, lease, _time.GetTimestamp());
        HlsPackager? created = null;
        lock (_hlsLock)
        {
            if (_hlsEnded)
            {
                lease.Dispose();
                throw new ObjectDisposedException(nameof(CameraStream));
            }

            _hlsViewers.Add(viewer.Id, viewer);
            if (_packager is null)
            {
                created = new HlsPackager(_options.Hls.ToStoreOptions(), _time, _loggerFactory.CreateLogger<HlsPackager>(), Key)
                {
                    AudioConfig = HlsAudioConfig,
                    VideoClock = () => Source.ClockAnchor,
                    AudioClock = () => HlsAudioSource.ClockAnchor,
                };
                created.StoreChanged += OnStoreChanged;
                _packager = created;
            }

            TimeSpan period = TimeSpan.FromSeconds(_options.Hls.TargetDurationSeconds);
            _hlsSweep ??= _time.CreateTimer(static s => ((CameraStream)s!).SweepHlsViewers(), this, period, period);
        }

        if (created is not null)
        {
            // Outside our lock: Subscribe replays the cached GOP into the packager at once, under the source's lock.
            IDisposable audio = HlsAudioSource.Subscribe(created);
            IDisposable subscription = new Subscriptions(Source.Subscribe(created), audio);
            lock (_hlsLock)
            {
                if (ReferenceEquals(_packager, created))
                {
                    _packagerSubscription = subscription;
                    subscription = null!;
                }
            }

            subscription?.Dispose();
        }

        StreamLog.HlsViewerJoined(_loggerFactory.CreateLogger<CameraStream>(), viewer.Id, Key);
        return viewer;
    }

    /// <summary>The open viewer <paramref name="id"/> if <paramref name="owner"/> opened it; null otherwise.</summary>
    public HlsViewer? FindHlsViewer(string id, string owner)
    {
        lock (_hlsLock)
        {
            return _hlsViewers.TryGetValue(id, out HlsViewer? viewer) && string.Equals(viewer.Owner, owner, StringComparison.Ordinal)
                ? viewer
                : null;
        }
    }

    /// <summary>True when <paramref name="id"/> is one of this stream's HLS viewers.</summary>
    public bool HasHlsViewer(string id)
    {
        lock (_hlsLock)
        {
            return _hlsViewers.ContainsKey(id);
        }
    }

    /// <summary>Ends HLS viewer <paramref name="id"/>; false when it is not (or no longer) open.</summary>
    public bool CloseHlsViewer(string id)
    {
        HlsViewer? viewer;
        lock (_hlsLock)
        {
            if (!_hlsViewers.Remove(id, out viewer))
            {
                return false;
            }

            NoteHlsIdle();
        }

        viewer.MarkClosed();
        return true;
    }

    /// <summary>
    /// Marks a request of <paramref name="viewer"/> under way: it counts as fetching until the result is disposed (a
    /// blocking reload may wait longer than the viewer timeout). Null when the viewer has ended.
    /// </summary>
    public IDisposable? BeginHlsRequest(HlsViewer viewer)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        lock (_hlsLock)
        {
            if (!_hlsViewers.ContainsKey(viewer.Id))
            {
                return null;
            }

            viewer.InFlight++;
            viewer.LastSeen = _time.GetTimestamp();
        }

        return new HlsRequest(this, viewer);
    }

    /// <summary>
    /// The packager's current part store, waiting up to <paramref name="timeout"/> for the first key frame with its
    /// SPS and PPS (a camera that is just starting). Null when none came in time, HLS stopped, or the stream's format
    /// is one HLS cannot carry (<see cref="HlsPackager.Problem"/>).
    /// </summary>
    public async Task<HlsPartStore?> WaitForHlsStoreAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(timeout, _time);
        using CancellationTokenSource linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        while (true)
        {
            Task changed;
            HlsPackager? packager;
            lock (_hlsLock)
            {
                packager = _packager;
                changed = _storeChanged.Task;
            }

            if (packager is null || packager.Problem is not null)
            {
                return null;
            }

            if (packager.Store is { } store)
            {
                return store;
            }

            try
            {
                await changed.WaitAsync(linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return null;
            }
        }
    }

    private static TaskCompletionSource NewStoreSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Runs on the source's receive thread: only swaps the signal and completes the old one (continuations are async).
    private void OnStoreChanged()
    {
        TaskCompletionSource changed;
        lock (_hlsLock)
        {
            changed = _storeChanged;
            _storeChanged = NewStoreSignal();
        }

        changed.TrySetResult();
    }

    private void EndHlsRequest(HlsViewer viewer)
    {
        lock (_hlsLock)
        {
            viewer.InFlight--;
            viewer.LastSeen = _time.GetTimestamp();
        }
    }

    private void NoteHlsIdle()
    {
        if (_hlsViewers.Count == 0)
        {
            _hlsIdleSince = _time.GetTimestamp();
        }
    }

    /// <summary>
    /// Once per target duration while HLS runs: ends silent viewers, and stops the packager once no HLS viewer came
    /// back for the grace period (WebRTC viewers may keep the stream itself running; muxing for nobody is waste).
    /// </summary>
    private void SweepHlsViewers()
    {
        List<HlsViewer> expired = [];
        HlsPackager? stopping = null;
        IDisposable? subscription = null;
        ITimer? sweep = null;
        lock (_hlsLock)
        {
            foreach (HlsViewer viewer in _hlsViewers.Values)
            {
                if (viewer.InFlight == 0 && _time.GetElapsedTime(viewer.LastSeen) >= _options.Hls.ViewerTimeout)
                {
                    expired.Add(viewer);
                }
            }

            foreach (HlsViewer viewer in expired)
            {
                _hlsViewers.Remove(viewer.Id);
            }

            if (expired.Count > 0)
            {
                NoteHlsIdle();
            }

            if (_hlsViewers.Count == 0 && _time.GetElapsedTime(_hlsIdleSince) >= _options.GracePeriod)
            {
                (stopping, subscription, sweep) = DetachHls();
            }
        }

        foreach (HlsViewer viewer in expired)
        {
            StreamLog.HlsViewerExpired(_loggerFactory.CreateLogger<CameraStream>(), viewer.Id, Key);
            viewer.MarkClosed();
        }

        Teardown(stopping, subscription, sweep);
    }

    /// <summary>
    /// The stream is going away (<paramref name="final"/>: disposed, camera deleted): HLS viewers end and the packager
    /// goes. Otherwise FFmpeg stopped for want of viewers: the packager goes unless an HLS viewer arrived meanwhile
    /// (its start is queued behind this stop, and the packager follows the new run).
    /// </summary>
    private void StopHls(bool final)
    {
        HlsViewer[] viewers = [];
        HlsPackager? packager = null;
        IDisposable? subscription = null;
        ITimer? sweep = null;
        lock (_hlsLock)
        {
            _hlsEnded |= final;
            if (final || _hlsViewers.Count == 0)
            {
                viewers = [.. _hlsViewers.Values];
                _hlsViewers.Clear();
                (packager, subscription, sweep) = DetachHls();
            }
        }

        foreach (HlsViewer viewer in viewers)
        {
            viewer.MarkClosed();
        }

        Teardown(packager, subscription, sweep);
    }

    private (HlsPackager?, IDisposable?, ITimer?) DetachHls()
    {
        (HlsPackager?, IDisposable?, ITimer?) detached = (_packager, _packagerSubscription, _hlsSweep);
        _packager = null;
        _packagerSubscription = null;
        _hlsSweep = null;
        return detached;
    }

    private void Teardown(HlsPackager? packager, IDisposable? subscription, ITimer? sweep)
    {
        sweep?.Dispose();
        subscription?.Dispose();
        if (packager is not null)
        {
            packager.StoreChanged -= OnStoreChanged;
            packager.Dispose();
            OnStoreChanged(); // waiters for a store see the packager gone
        }
    }

    private static string NewSessionId()
    {
        Span<byte> random = stackalloc byte[16];
        RandomNumberGenerator.Fill(random);
        return Base64Url.EncodeToString(random);
    }

    /// <summary>The packager's two subscriptions (video and the AAC copy), ended together.</summary>
    private sealed class Subscriptions(IDisposable video, IDisposable audio) : IDisposable
    {
        public void Dispose()
        {
            video.Dispose();
            audio.Dispose();
        }
    }

    private sealed class HlsRequest(CameraStream owner, HlsViewer viewer) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.EndHlsRequest(viewer);
            }
        }
    }
}
