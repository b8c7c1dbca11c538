using CamStudio.Media.Ffmpeg;
using CamStudio.Media.WebRtc;
using Microsoft.Extensions.Logging;

namespace CamStudio.Media.Streaming;

/// <summary>
/// One camera stream (camera + quality, key "3-stream2", an SDP token because it names the media stream in answers): the <see cref="VideoRtpSource"/> the viewers subscribe to and the
/// <see cref="FfmpegSupervisor"/> that feeds it. FFmpeg runs while there are viewers, and for a grace period after the last
/// one left. The source lives as long as this object, across FFmpeg restarts and reconfiguration, so connected viewers
/// keep their session (no renegotiation) and resume at the next keyframe.
/// </summary>
public sealed partial class CameraStream : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly IFfmpegLauncher _launcher;
    private readonly ILoggerFactory _loggerFactory;
    private readonly TimeProvider _time;
    private readonly CameraStreamOptions _options;
    private readonly FfmpegSupervisorOptions? _supervisorOptions;
    private readonly IStreamAdmission _admission;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sourceLoop;
    private readonly Task _audioLoop;
    private readonly Task _hlsAudioLoop;
    private readonly Dictionary<ViewerLease, ViewerSession?> _viewers = [];
    private FfmpegSupervisor _supervisor;
    private CameraFeed _feed; // what _supervisor pulls; guarded by _gate
    private ITimer? _graceTimer;
    private bool _running;
    private bool _disposed;
    private int _pendingReconciles;

    public CameraStream(CameraFeed source, StreamVariant quality, IFfmpegLauncher launcher, ILoggerFactory loggerFactory,
        TimeProvider timeProvider, CameraStreamOptions options, FfmpegSupervisorOptions? supervisorOptions = null,
        IStreamAdmission? admission = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        _launcher = launcher ?? throw new ArgumentNullException(nameof(launcher));
        _loggerFactory = loggerFactory ?? throw new ArgumentNullException(nameof(loggerFactory));
        _time = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _supervisorOptions = supervisorOptions;
        _admission = admission ?? AllowAllStreamAdmission.Instance;
        CameraId = source.CameraId;
        Quality = quality;
        Key = KeyFor(source.CameraId, quality);
        Source = new VideoRtpSource(loggerFactory.CreateLogger<VideoRtpSource>(), timeProvider, options.GopCacheMaxBytes);
        try
        {
            AudioSource = new AudioRtpSource(loggerFactory.CreateLogger<AudioRtpSource>(), timeProvider);
            // FFmpeg's sender reports for the HLS audio output place the camera's sound on the pictures' timeline in
            // the packager (HlsPackager.TryGetAudioTime), as the WebRTC audio's do for the sessions.
            HlsAudioSource = new AudioRtpSource(loggerFactory.CreateLogger<AudioRtpSource>(), timeProvider, "camstudio-aac");
            _supervisor = CreateSupervisor(source);
            _feed = source;
        }
        catch
        {
            AudioSource?.DisposeAsync().AsTask().GetAwaiter().GetResult();
            HlsAudioSource?.DisposeAsync().AsTask().GetAwaiter().GetResult();
            Source.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }

        // Hot path: one short lock in the supervisor per access unit, no allocation.
        Source.FrameReceived = ReportFrame;
        _sourceLoop = Source.RunAsync(_stop.Token);
        _audioLoop = AudioSource.RunAsync(_stop.Token);
        _hlsAudioLoop = HlsAudioSource.RunAsync(_stop.Token);
    }

    public string Key { get; }

    public int CameraId { get; }

    public StreamVariant Quality { get; }

    /// <summary>What viewer sessions subscribe to; one per stream for its whole life.</summary>
    public VideoRtpSource Source { get; }

    /// <summary>The current supervisor (replaced by <see cref="ReconfigureAsync"/>).</summary>
    public FfmpegSupervisor Supervisor { get { lock (_lock) { return _supervisor; } } }

    public int ViewerCount { get { lock (_lock) { return _viewers.Count; } } }

    /// <summary>Called after FFmpeg stopped for want of viewers and the GOP cache was dropped (the host's idle check).</summary>
    internal Action? Stopped { get; set; }

    /// <summary>
    /// True when FFmpeg neither runs nor is wanted: no viewer (not even one whose start is still queued behind a stop,
    /// as <see cref="IsRunning"/> turns true only when that start begins) and no grace period.
    /// </summary>
    public bool IsIdle { get { lock (_lock) { return _disposed || (!_running && _viewers.Count == 0 && _graceTimer is null); } } }

    /// <summary>True while FFmpeg is wanted (viewers, or the grace period after the last one).</summary>
    public bool IsRunning { get { lock (_lock) { return _running; } } }

    /// <summary>True while the last viewer's grace period runs.</summary>
    public bool IsInGracePeriod { get { lock (_lock) { return _graceTimer is not null; } } }

    /// <summary>No start/stop is queued or under way (for tests waiting on the lifecycle).</summary>
    public bool IsSettled => Volatile.Read(ref _pendingReconciles) == 0;

    public IReadOnlyList<ViewerSession> Sessions
    {
        get { lock (_lock) { return _viewers.Values.OfType<ViewerSession>().ToArray(); } }
    }

    public static string KeyFor(int cameraId, StreamVariant quality) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{cameraId}-{StreamVariantNames.ToName(quality)}");

    /// <summary>Counts a viewer (starting FFmpeg if needed, cancelling a pending grace stop). Dispose the lease when it leaves.</summary>
    public IDisposable AddViewer() => AddViewer(null);

    /// <summary>Counts <paramref name="session"/> as a viewer until it closes.</summary>
    public void Attach(ViewerSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        IDisposable lease = AddViewer(session);
        session.Closed += (_, _) => lease.Dispose();
        if (session.State == ViewerSessionState.Closed)
        {
            lease.Dispose(); // closed before we subscribed
        }
    }

    /// <summary>
    /// Applies new camera settings: restarts FFmpeg with them if it runs; viewers stay connected. Settings this stream does
    /// not pull with (the camera's name, description, groups, default quality) change nothing: false, nothing restarted.
    /// </summary>
    public async Task<bool> ReconfigureAsync(CameraFeed source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_feed.PullsSameAs(source, Quality))
            {
                _feed = source;
                return false;
            }

            FfmpegSupervisor replacement = CreateSupervisor(source);
            _feed = source;
            FfmpegSupervisor old;
            bool running;
            lock (_lock)
            {
                old = _supervisor;
                _supervisor = replacement;
                running = _running;
            }

            await old.StopAsync(cancellationToken).ConfigureAwait(false);
            if (running)
            {
                await replacement.StartAsync(cancellationToken).ConfigureAwait(false);
            }

            return true;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Ends every viewer with <paramref name="reason"/> (e.g. the camera was deleted).</summary>
    public void CloseViewers(ViewerCloseReason reason)
    {
        foreach (ViewerSession session in Sessions)
        {
            session.Close(reason);
        }

        StopHls(final: true);
    }

    public ValueTask DisposeAsync() => DisposeCoreAsync(kill: false);

    /// <summary>
    /// Disposes the stream with its FFmpeg killed at once instead of asked to quit ('q' and the grace): the camera's
    /// lease runs out, so the pull must end now. The caller closes the viewers (with the reason they should see).
    /// </summary>
    public ValueTask KillAsync() => DisposeCoreAsync(kill: true);

    private async ValueTask DisposeCoreAsync(bool kill)
    {
        FfmpegSupervisor supervisor;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _graceTimer?.Dispose();
            _graceTimer = null;
            supervisor = _supervisor;
        }

        Source.FrameReceived = null;
        if (kill)
        {
            // Before waiting for the gate: a start or a graceful stop under way holds it for up to the stop grace, and
            // a deadline cannot wait that long. The gated stop below then finds the supervisor stopped already.
            await supervisor.KillAsync(CancellationToken.None).ConfigureAwait(false);
        }

        StopHls(final: true);
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            FfmpegSupervisor current;
            lock (_lock)
            {
                current = _supervisor; // a reconfiguration under way may have swapped it
            }

            if (kill)
            {
                await current.KillAsync(CancellationToken.None).ConfigureAwait(false);
            }
            else
            {
                await current.StopAsync(CancellationToken.None).ConfigureAwait(false);
            }

            lock (_lock)
            {
                _running = false;
            }
        }
        finally
        {
            _gate.Release();
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        await _sourceLoop.ConfigureAwait(false);
        await _audioLoop.ConfigureAwait(false);
        await _hlsAudioLoop.ConfigureAwait(false);
        await Source.DisposeAsync().ConfigureAwait(false);
        await AudioSource.DisposeAsync().ConfigureAwait(false);
        await HlsAudioSource.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    private IDisposable AddViewer(ViewerSession? session)
    {
        var lease = new ViewerLease(this);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _viewers.Add(lease, session);
            // A viewer returning within the grace period finds FFmpeg still running: no restart.
            _graceTimer?.Dispose();
            _graceTimer = null;
        }

        _ = ReconcileAsync();
        return lease;
    }

    private void RemoveViewer(ViewerLease lease)
    {
        lock (_lock)
        {
            if (!_viewers.Remove(lease) || _viewers.Count > 0 || _disposed || !_running)
            {
                return;
            }

            _graceTimer?.Dispose();
            _graceTimer = _time.CreateTimer(static s => ((CameraStream)s!).OnGraceElapsed(), this, _options.GracePeriod, Timeout.InfiniteTimeSpan);
        }
    }

    private void OnGraceElapsed()
    {
        lock (_lock)
        {
            if (_graceTimer is null)
            {
                return; // a viewer came back just in time
            }

            _graceTimer.Dispose();
            _graceTimer = null;
        }

        _ = ReconcileAsync();
    }

    /// <summary>Brings FFmpeg in line with demand. Serialized, so a stop in progress and a returning viewer cannot race.</summary>
    private async Task ReconcileAsync()
    {
        Interlocked.Increment(ref _pendingReconciles);
        try
        {
            await _gate.WaitAsync().ConfigureAwait(false);
            try
            {
                FfmpegSupervisor supervisor;
                bool want;
                bool running;
                lock (_lock)
                {
                    supervisor = _supervisor;
                    want = !_disposed && (_viewers.Count > 0 || _graceTimer is not null);
                    running = _running;
                    _running = want;
                }

                if (want && !running)
                {
                    await supervisor.StartAsync(CancellationToken.None).ConfigureAwait(false);
                }
                else if (!want && running)
                {
                    await supervisor.StopAsync(CancellationToken.None).ConfigureAwait(false);
                    StopHls(final: false); // its window holds the stopped run's pictures; the next HLS viewer starts afresh
                    Source.DiscardCache();
                    // Nothing runs: offers from now on negotiate what the next run will send (G.711 once learned).
                    AudioSource.SetCodec(AudioPlan);
                    Stopped?.Invoke();
                }
            }
            finally
            {
                _gate.Release();
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            StreamLog.ReconcileFailed(_loggerFactory.CreateLogger<CameraStream>(), Key, ex);
        }
        finally
        {
            Interlocked.Decrement(ref _pendingReconciles);
        }
    }

    private void ReportFrame() => Volatile.Read(ref _supervisor).ReportFrameReceived();

    private FfmpegSupervisor CreateSupervisor(CameraFeed source)
    {
        Audio.AudioCodec? audio = InitialAudioPlan(source);
        IReadOnlyList<string> arguments = BuildArguments(source, audio, out IReadOnlyList<string?> secrets);
        FfmpegSupervisorOptions? options = source.Kind == CameraFeedKind.Rtsp
            ? (_supervisorOptions ?? new FfmpegSupervisorOptions()) with { ReachabilityProbe = ct => TcpReachability.CanConnectAsync(source.Host, source.RtspPort, ct) }
            : _supervisorOptions;
        var supervisor = new FfmpegSupervisor(Key, arguments, secrets, _launcher, _loggerFactory.CreateLogger<FfmpegSupervisor>(),
            _time, options);
        int cameraId = source.CameraId;
        supervisor.MayLaunch = () => _admission.MayRun(cameraId);
        // The camera may send H.264 one run and H.265 the next (its settings changed): the source reads a run's
        // packets only once FFmpeg has said which codec they are.
        supervisor.Launching = () =>
        {
            Source.HoldForCodec();
            AudioSource.SetCodec(AudioPlan);
            HlsAudioSource.SetCodec(null); // until this run says its audio is AAC-LC
        };
        WireAudio(supervisor, source, audio);
        supervisor.OutputVideoDescribed = info =>
        {
            if (Video.VideoCodecNames.TryFromFfmpeg(info.Codec, out Video.VideoCodec codec))
            {
                Source.SetCodec(codec);
            }
        };
        return supervisor;
    }

    private sealed class ViewerLease(CameraStream owner) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.RemoveViewer(this);
            }
        }
    }
}
