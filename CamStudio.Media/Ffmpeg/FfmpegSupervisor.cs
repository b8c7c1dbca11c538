using System.Globalization;
using Microsoft.Extensions.Logging;

namespace CamStudio.Media.Ffmpeg;

/// <summary>
/// Keeps one FFmpeg running for a camera while it is wanted: start, watch (exit, stall, wrong codec), restart with capped
/// exponential backoff. Frames are counted by the caller (the RTP receiver) through <see cref="ReportFrameReceived"/>,
/// so "streaming" always means video is arriving, not merely that a process exists.
/// </summary>
public sealed class FfmpegSupervisor : IAsyncDisposable
{
    private readonly string _name;
    private readonly IReadOnlyList<string> _arguments;
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
    }

    public event EventHandler<FfmpegStateChangedEventArgs>? StateChanged;

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
            _loopCts = new CancellationTokenSource();
            int generation = ++_generation;
            CancellationToken token = _loopCts.Token;
            _loop = Task.Run(() => RunAsync(generation, token), CancellationToken.None);
        }

        Raise(old, FfmpegSupervisorState.Starting);
        return Task.CompletedTask;
    }

    /// <summary>Stops FFmpeg ('q', then kill after the grace) and returns to <see cref="FfmpegSupervisorState.Idle"/>.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
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

    private async Task RunAsync(int generation, CancellationToken cancellationToken)
    {
        int attempt = 0;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                (FfmpegDiagnosis diagnosis, TimeSpan streamedFor) = await RunOnceAsync(cancellationToken).ConfigureAwait(false);
                if (streamedFor >= _options.StableAfter)
                {
                    attempt = 0;
                }

                TimeSpan delay = diagnosis.Failure is FfmpegFailure.AuthFailed or FfmpegFailure.StreamNotFound or FfmpegFailure.UnsupportedCodec
                    ? _backoff.ApplyJitter(_options.ConfigurationErrorRetry)
                    : _backoff.NextDelay(attempt++);
                FfmpegLog.Restarting(_logger, _name, diagnosis.Failure, LastError ?? string.Empty, delay.TotalMilliseconds);

                // Create the timer before publishing NextAttemptAt: anyone acting on it (a test advancing a fake clock)
                // must find the timer already scheduled.
                Task wait = Task.Delay(delay, _time, cancellationToken);
                lock (_lock)
                {
                    _nextAttemptAt = _time.GetUtcNow() + delay;
                }

                await wait.ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            FfmpegSupervisorState old;
            bool current;
            lock (_lock)
            {
                old = _state;
                current = _generation == generation;
                if (current)
                {
                    _state = FfmpegSupervisorState.Idle;
                    _startedAt = null;
                    _streamingSince = null;
                    _nextAttemptAt = null;
                    _processId = 0;
                }
            }

            if (current)
            {
                Raise(old, FfmpegSupervisorState.Idle);
            }
        }
    }

    /// <summary>One FFmpeg from launch to failure. Returns why it failed and how long it streamed.</summary>
    private async Task<(FfmpegDiagnosis Diagnosis, TimeSpan StreamedFor)> RunOnceAsync(CancellationToken cancellationToken)
    {
        IFfmpegRun run;
        try
        {
            run = _launcher.Launch(_arguments, _secrets);
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception or IOException)
        {
            var failed = new FfmpegDiagnosis(FfmpegFailure.Unknown, "FFmpeg could not be started.", Redact(ex.Message));
            FfmpegLog.LaunchFailed(_logger, _name, failed.ToStatusText());
            return (EnterFailedState(failed), TimeSpan.Zero);
        }

        var codecRejected = new TaskCompletionSource<VideoStreamInfo>(TaskCreationOptions.RunContinuationsAsynchronously);
        bool inOutput = false;
        bool streamSeen = false;
        void OnLine(object? sender, string line)
        {
            // Judge the stream FFmpeg sends (after "Output #0"), not its input: the test pattern's input is rawvideo.
            inOutput |= FfmpegStderrParser.IsOutputHeader(line);
            if (inOutput && !streamSeen && FfmpegStderrParser.TryParseVideoStream(line, out VideoStreamInfo? info))
            {
                streamSeen = true;
                lock (_lock)
                {
                    _videoStream = info;
                }

                if (!info.IsH264)
                {
                    codecRejected.TrySetResult(info);
                }
            }
        }

        run.StderrLine += OnLine;
        DateTimeOffset runStart = _time.GetUtcNow();
        lock (_lock)
        {
            _launchCount++;
            _processId = run.ProcessId;
            _runStartedAt = runStart;
            _lastFrameAt = null;
            _streamingSince = null;
            _nextAttemptAt = null;
            _firstFrame = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _acceptFrames = true;
        }

        try
        {
            FfmpegDiagnosis diagnosis = await WatchAsync(run, codecRejected.Task, cancellationToken).ConfigureAwait(false);
            TimeSpan streamedFor;
            lock (_lock)
            {
                streamedFor = _streamingSince is { } since ? _time.GetUtcNow() - since : TimeSpan.Zero;
            }

            return (EnterFailedState(diagnosis), streamedFor);
        }
        finally
        {
            lock (_lock)
            {
                _acceptFrames = false;
                _processId = 0;
            }

            run.StderrLine -= OnLine;
            // Bounded by the grace then a kill; not cancellable on purpose — a half-stopped FFmpeg is an orphan.
            await run.StopAsync(_options.StopGrace, CancellationToken.None).ConfigureAwait(false);
            await run.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task<FfmpegDiagnosis> WatchAsync(IFfmpegRun run, Task<VideoStreamInfo> codecRejected, CancellationToken cancellationToken)
    {
        while (true)
        {
            DateTimeOffset now = _time.GetUtcNow();
            DateTimeOffset deadline;
            bool hadFrame;
            Task firstFrame;
            lock (_lock)
            {
                firstFrame = _firstFrame.Task;
                hadFrame = _lastFrameAt is not null;
                deadline = _lastFrameAt is { } last ? last + _options.StallTimeout : _runStartedAt!.Value + _options.FirstFrameTimeout;
            }

            if (now >= deadline)
            {
                TimeSpan quiet = hadFrame ? _options.StallTimeout : _options.FirstFrameTimeout;
                string evidence = "no video for " + quiet.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture) + " s";
                return new FfmpegDiagnosis(FfmpegFailure.ConnectionLost, "The camera stopped sending video.", evidence);
            }

            using var delayCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            Task delay = Task.Delay(deadline - now, _time, delayCts.Token);
            Task[] waits = hadFrame ? [run.Exited, codecRejected, delay] : [run.Exited, codecRejected, delay, firstFrame];
            Task done = await Task.WhenAny(waits).ConfigureAwait(false);
            await delayCts.CancelAsync().ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();

            if (done == run.Exited)
            {
                int exitCode = await run.Exited.ConfigureAwait(false);
                return FfmpegStderrParser.Classify(run.RecentStderr(), exitCode);
            }

            if (done == codecRejected)
            {
                VideoStreamInfo info = await codecRejected.ConfigureAwait(false);
                return new FfmpegDiagnosis(FfmpegFailure.UnsupportedCodec, FfmpegStderrParser.UnsupportedCodecSummary, "camera sends " + info.Codec);
            }

            // The timer fired: loop and re-check, a frame may have moved the deadline.
        }
    }

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
        StateChanged?.Invoke(this, new FfmpegStateChangedEventArgs(oldState, newState, LastError));
    }

    private string Redact(string text) => FfmpegArguments.Redact(text, _secrets);
}
