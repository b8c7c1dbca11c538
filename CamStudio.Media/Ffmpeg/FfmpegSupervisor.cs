using Microsoft.Extensions.Logging;

namespace CamStudio.Media.Ffmpeg;

/// <summary>
/// Keeps one FFmpeg running for a camera while it is wanted: start, watch (exit, stall, wrong codec), restart with capped
/// exponential backoff. Frames are counted by the caller (the RTP receiver) through <see cref="ReportFrameReceived"/>,
/// so "streaming" always means video is arriving, not merely that a process exists.
/// </summary>
public sealed partial class FfmpegSupervisor : IAsyncDisposable
{
    private readonly string _name;
    private IReadOnlyList<string> _arguments;
    private readonly string?[] _secrets;
    private readonly IFfmpegLauncher _launcher;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly FfmpegSupervisorOptions _options;
    private readonly ReconnectBackoff _backoff;
    private readonly Lock _lock = new();

    private FfmpegSupervisorState _state;
    private string? _lastError;
    private FfmpegFailure _lastFailure;
    private int _reconnectCount;
    private int _launchCount;
    private DateTimeOffset? _startedAt;
    private DateTimeOffset? _streamingSince;
    private DateTimeOffset? _lastFrameAt;
    private DateTimeOffset? _runStartedAt;
    private DateTimeOffset? _nextAttemptAt;
    private VideoStreamInfo? _videoStream;
    private bool _acceptFrames;
    private TaskCompletionSource _firstFrame = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _processId;
    private int _generation;
    private Task? _loop;
    private CancellationTokenSource? _loopCts;
    private TimeSpan _stopGrace; // how the current run ends when stopped: the options' grace, or zero for KillAsync

    public FfmpegSupervisor(string name, IReadOnlyList<string> arguments, IReadOnlyList<string?> secrets, IFfmpegLauncher launcher,
        ILogger logger, TimeProvider? timeProvider = null, FfmpegSupervisorOptions? options = null, Random? random = null)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(secrets);
        _name = name ?? throw new ArgumentNullException(nameof(name));
        _arguments = arguments.ToArray();
        _secrets = secrets.ToArray();
        _launcher = launcher ?? throw new ArgumentNullException(nameof(launcher));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _time = timeProvider ?? TimeProvider.System;
        _options = options ?? new FfmpegSupervisorOptions();
        _backoff = new ReconnectBackoff(_options.InitialBackoff, _options.MaxBackoff, _options.Jitter, random);
        _stopGrace = _options.StopGrace;
    }

    /// <summary>The status text of a launch the admission check refused.</summary>
    public const string NotAdmittedSummary = "This node may not pull the camera now (another node serves it).";

    public event EventHandler<FfmpegStateChangedEventArgs>? StateChanged;

    /// <summary>
    /// Called just before each FFmpeg launch, on the supervision loop. CameraStream holds the video source's reading
    /// here, until <see cref="OutputVideoDescribed"/> tells it which codec the new run sends.
    /// </summary>
    public Action? Launching { get; set; }

    /// <summary>
    /// Called from FFmpeg's stderr reader when FFmpeg describes the (supported) video it is about to send: its
    /// "Output #0 … Stream #0:0: Video: hevc …" line comes before the first RTP packet leaves FFmpeg.
    /// </summary>
    public Action<VideoStreamInfo>? OutputVideoDescribed { get; set; }

    /// <summary>
    /// Called from FFmpeg's stderr reader with the codec name of the camera's first audio track (its input line, e.g.
    /// "pcm_alaw"), once per run; CameraStream learns from it whether the next run can pass G.711 through.
    /// </summary>
    public Action<string>? InputAudioDescribed { get; set; }

    /// <summary>
    /// Called just before <see cref="InputAudioDescribed"/> with that whole stderr line ("Stream #0:1: Audio: aac (LC),
    /// 16000 Hz, mono, fltp"): LL-HLS reads the AAC sample rate and channels from it.
    /// </summary>
    public Action<string>? InputAudioLine { get; set; }

    /// <summary>Called on the supervision loop when a run ended, with why, before the backoff wait.</summary>
    public Action<FfmpegDiagnosis>? RunEnded { get; set; }

    /// <summary>
    /// Asked on the supervision loop before every launch, the first and each relaunch after a failure or backoff: false
    /// means no FFmpeg is started this time (the run counts as failed with <see cref="FfmpegFailure.NotAdmitted"/>
    /// and the loop backs off). It is how a cluster node that lost a camera's lease never pulls it again, even when
    /// its FFmpeg died by itself a moment before the stream was fenced. Null means always. Must not block or throw.
    /// </summary>
    public Func<bool>? MayLaunch { get; set; }

    /// <summary>
    /// Arguments for the next launch (the running FFmpeg keeps its own). What CameraStream learned about the camera's
    /// audio changes them without a restart; the camera's settings change them through a new supervisor instead.
    /// </summary>
    public void ReplaceArguments(IReadOnlyList<string> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        IReadOnlyList<string> copy = arguments.ToArray();
        lock (_lock)
        {
            _arguments = copy;
        }
    }

    /// <summary>The arguments the next launch uses.</summary>
    public IReadOnlyList<string> Arguments { get { lock (_lock) { return _arguments; } } }

    public FfmpegSupervisorState State { get { lock (_lock) { return _state; } } }

    /// <summary>The most recent failure, user-facing and redacted; kept after recovery as history.</summary>
    public string? LastError { get { lock (_lock) { return _lastError; } } }

    public FfmpegFailure LastFailure { get { lock (_lock) { return _lastFailure; } } }

    /// <summary>Restarts after a failure since <see cref="StartAsync"/> (never reset by a stable period).</summary>
    public int ReconnectCount { get { lock (_lock) { return _reconnectCount; } } }

    /// <summary>FFmpeg processes launched since construction.</summary>
    public int LaunchCount { get { lock (_lock) { return _launchCount; } } }

    /// <summary>When the stream was wanted (StartAsync); null while idle.</summary>
    public DateTimeOffset? StartedAt { get { lock (_lock) { return _startedAt; } } }

    /// <summary>First frame of the current run; null unless streaming.</summary>
    public DateTimeOffset? StreamingSince { get { lock (_lock) { return _streamingSince; } } }

    public DateTimeOffset? LastFrameAt { get { lock (_lock) { return _lastFrameAt; } } }

    /// <summary>When the next restart is due while reconnecting; null otherwise.</summary>
    public DateTimeOffset? NextAttemptAt { get { lock (_lock) { return _nextAttemptAt; } } }

    /// <summary>The camera's video as FFmpeg described it on the last run.</summary>
    public VideoStreamInfo? VideoStream { get { lock (_lock) { return _videoStream; } } }

    /// <summary>PID of the live FFmpeg, 0 when none.</summary>
    public int ProcessId { get { lock (_lock) { return _processId; } } }

    /// <summary>Begins supervising; returns at once (the first frame arrives later, see <see cref="State"/>).</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        FfmpegSupervisorState old;
        lock (_lock)
        {
            if (_loop is not null)
            {
                return Task.CompletedTask;
            }

            old = _state;
            _state = FfmpegSupervisorState.Starting;
            _startedAt = _time.GetUtcNow();
            _reconnectCount = 0;
            _stopGrace = _options.StopGrace;
            _loopCts = new CancellationTokenSource();
            int generation = ++_generation;
            CancellationToken token = _loopCts.Token;
            _loop = Task.Run(() => RunAsync(generation, token), CancellationToken.None);
        }

        Raise(old, FfmpegSupervisorState.Starting);
        return Task.CompletedTask;
    }

    /// <summary>Stops FFmpeg ('q', then kill after the grace) and returns to <see cref="FfmpegSupervisorState.Idle"/>.</summary>
    public Task StopAsync(CancellationToken cancellationToken) => StopCoreAsync(_options.StopGrace, cancellationToken);

    /// <summary>
    /// Kills FFmpeg at once, without the 'q' and the grace of <see cref="StopAsync"/>, and returns to
    /// <see cref="FfmpegSupervisorState.Idle"/>. For deadlines (a cluster node fencing a camera whose lease runs out):
    /// a graceful stop would let the process talk to the camera for up to <see cref="FfmpegSupervisorOptions.StopGrace"/>
    /// more, while the next node may already be allowed to start.
    /// </summary>
    public Task KillAsync(CancellationToken cancellationToken) => StopCoreAsync(TimeSpan.Zero, cancellationToken);

    private async Task StopCoreAsync(TimeSpan grace, CancellationToken cancellationToken)
    {
        Task loop;
        CancellationTokenSource cts;
        FfmpegSupervisorState old;
        lock (_lock)
        {
            if (_loop is null || _loopCts is null)
            {
                return;
            }

            loop = _loop;
            cts = _loopCts;
            _loop = null;
            _loopCts = null;
            old = _state;
            _state = FfmpegSupervisorState.Stopping;
            _acceptFrames = false;
            _stopGrace = grace; // read by the run's finally after the cancellation below
        }

        Raise(old, FfmpegSupervisorState.Stopping);
        await cts.CancelAsync().ConfigureAwait(false);
        try
        {
            await loop.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (loop.IsCompleted)
            {
                cts.Dispose();
            }
        }
    }

    /// <summary>Called by the RTP receiver for each access unit; cheap on the hot path (one short lock).</summary>
    public void ReportFrameReceived()
    {
        FfmpegSupervisorState old;
        lock (_lock)
        {
            if (!_acceptFrames)
            {
                return;
            }

            DateTimeOffset now = _time.GetUtcNow();
            _lastFrameAt = now;
            if (_state is FfmpegSupervisorState.Streaming)
            {
                return;
            }

            old = _state;
            _state = FfmpegSupervisorState.Streaming;
            _streamingSince = now;
            _nextAttemptAt = null;
            // Wakes the watcher so it switches from the first-frame deadline to the (shorter) stall deadline.
            _firstFrame.TrySetResult();
        }

        Raise(old, FfmpegSupervisorState.Streaming);
    }

    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None).ConfigureAwait(false);

    private FfmpegDiagnosis EnterFailedState(FfmpegDiagnosis diagnosis)
    {
        FfmpegSupervisorState old;
        FfmpegSupervisorState next = diagnosis.Failure is FfmpegFailure.AuthFailed
            ? FfmpegSupervisorState.AuthFailed
            : FfmpegSupervisorState.Reconnecting;
        lock (_lock)
        {
            old = _state;
            _acceptFrames = false;
            _streamingSince = null;
            if (old is FfmpegSupervisorState.Stopping or FfmpegSupervisorState.Idle)
            {
                return diagnosis; // being stopped: the process ending is expected, not an error to show
            }

            _lastError = Redact(diagnosis.ToStatusText());
            _lastFailure = diagnosis.Failure;
            _reconnectCount++;
            _state = next;
        }

        Raise(old, next);
        return diagnosis;
    }

    private void Raise(FfmpegSupervisorState oldState, FfmpegSupervisorState newState)
    {
        if (oldState == newState)
        {
            return;
        }

        FfmpegLog.StateChanged(_logger, _name, oldState, newState);
        try
        {
            StateChanged?.Invoke(this, new FfmpegStateChangedEventArgs(oldState, newState, LastError));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Subscribers are UI notifiers; one of them failing must not break supervision.
            FfmpegLog.StateSubscriberFailed(_logger, _name, Redact(ex.Message));
        }
    }

    private string Redact(string text) => FfmpegArguments.Redact(text, _secrets);
}
