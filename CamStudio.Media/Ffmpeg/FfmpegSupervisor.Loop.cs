using System.Globalization;

namespace CamStudio.Media.Ffmpeg;

// The supervision loop: launch, watch, diagnose, back off, repeat. State and the public surface are in FfmpegSupervisor.cs.
public sealed partial class FfmpegSupervisor
{
    private async Task RunAsync(int generation, CancellationToken cancellationToken)
    {
        int attempt = 0;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                FfmpegDiagnosis diagnosis;
                TimeSpan streamedFor;
                IReadOnlyList<string> launchedWith = Arguments;
                try
                {
                    (diagnosis, streamedFor) = await RunOnceAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // A bug must not leave the camera stuck in a stale state with no FFmpeg: count it as a failed run.
                    FfmpegLog.SupervisorError(_logger, _name, Redact(ex.Message));
                    diagnosis = EnterFailedState(new FfmpegDiagnosis(FfmpegFailure.Unknown, FfmpegStderrParser.UnknownSummary, Redact(ex.Message)));
                    streamedFor = TimeSpan.Zero;
                }

                if (streamedFor >= _options.StableAfter)
                {
                    attempt = 0;
                }

                RunEnded?.Invoke(diagnosis);

                // A camera without the audio we asked for: the hook has dropped the audio output, so go again at once.
                // Only when the arguments really changed, or a failing FFmpeg would be relaunched in a tight loop.
                bool retryNow = diagnosis.Failure == FfmpegFailure.NoAudio && !ReferenceEquals(launchedWith, Arguments);
                TimeSpan delay = retryNow
                    ? TimeSpan.Zero
                    : diagnosis.Failure is FfmpegFailure.AuthFailed or FfmpegFailure.StreamNotFound or FfmpegFailure.UnsupportedCodec
                        ? _backoff.ApplyJitter(_options.ConfigurationErrorRetry)
                        : _backoff.NextDelay(attempt++);
                FfmpegLog.Restarting(_logger, _name, diagnosis.Failure, LastError ?? string.Empty, delay.TotalMilliseconds);

                await WaitBeforeRetryAsync(delay, diagnosis.Failure, cancellationToken).ConfigureAwait(false);
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

    /// <summary>
    /// The backoff delay, cut short when the reachability probe sees an unreachable camera come back. Configuration
    /// errors (wrong password, path, codec) always wait the full delay: the camera is there, it just says no.
    /// </summary>
    private async Task WaitBeforeRetryAsync(TimeSpan delay, FfmpegFailure failure, CancellationToken cancellationToken)
    {
        // Create the timer before publishing NextAttemptAt: anyone acting on it (a test advancing a fake clock)
        // must find the timer already scheduled.
        DateTimeOffset deadline = _time.GetUtcNow() + delay;
        Func<CancellationToken, Task<bool>>? probe = _options.ReachabilityProbe;
        // Not after a refused launch either: this node may not contact the camera at all, not even with a TCP connect.
        bool probing = probe is not null &&
            failure is not (FfmpegFailure.AuthFailed or FfmpegFailure.StreamNotFound or FfmpegFailure.UnsupportedCodec
                or FfmpegFailure.NotAdmitted);
        Task wait = Task.Delay(probing ? Min(_options.ProbeInterval, delay) : delay, _time, cancellationToken);
        lock (_lock)
        {
            _nextAttemptAt = deadline;
        }

        await wait.ConfigureAwait(false);
        bool sawDown = false;
        while (probing && _time.GetUtcNow() < deadline)
        {
            bool up;
            try
            {
                up = await probe!(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                up = false;
            }

            if (up && sawDown)
            {
                FfmpegLog.CameraBack(_logger, _name);
                return;
            }

            // Reachable from the start: the failure is not about reachability, so probing cannot help this time.
            probing = !up;
            sawDown |= !up;
            TimeSpan remaining = deadline - _time.GetUtcNow();
            if (remaining > TimeSpan.Zero)
            {
                await Task.Delay(probing ? Min(_options.ProbeInterval, remaining) : remaining, _time, cancellationToken)
                    .ConfigureAwait(false);
            }
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    /// <summary>One FFmpeg from launch to failure. Returns why it failed and how long it streamed.</summary>
    private async Task<(FfmpegDiagnosis Diagnosis, TimeSpan StreamedFor)> RunOnceAsync(CancellationToken cancellationToken)
    {
        if (MayLaunch is { } mayLaunch && !mayLaunch())
        {
            // Checked here, right before the launch, rather than once at StartAsync: a relaunch after a crash or a
            // backoff must be refused too, or a node that lost the camera would pull it again behind the new owner.
            FfmpegLog.NotAdmitted(_logger, _name);
            return (EnterFailedState(new FfmpegDiagnosis(FfmpegFailure.NotAdmitted, NotAdmittedSummary, null)), TimeSpan.Zero);
        }

        IFfmpegRun run;
        try
        {
            Launching?.Invoke();
            run = _launcher.Launch(Arguments, _secrets);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            var failed = new FfmpegDiagnosis(FfmpegFailure.Unknown, "FFmpeg could not be started.", Redact(ex.Message));
            FfmpegLog.LaunchFailed(_logger, _name, failed.ToStatusText());
            return (EnterFailedState(failed), TimeSpan.Zero);
        }

        var codecRejected = new TaskCompletionSource<VideoStreamInfo>(TaskCreationOptions.RunContinuationsAsynchronously);
        bool inOutput = false;
        bool streamSeen = false;
        bool audioSeen = false;
        void OnLine(object? sender, string line)
        {
            // Judge the stream FFmpeg sends (after "Output #0"), not its input: the test pattern's input is rawvideo.
            inOutput |= FfmpegStderrParser.IsOutputHeader(line);
            if (!inOutput && !audioSeen && FfmpegStderrParser.TryParseAudioStream(line, out string? audioCodec))
            {
                audioSeen = true;
                InputAudioLine?.Invoke(line);
                InputAudioDescribed?.Invoke(audioCodec);
            }

            if (inOutput && !streamSeen && FfmpegStderrParser.TryParseVideoStream(line, out VideoStreamInfo? info))
            {
                streamSeen = true;
                lock (_lock)
                {
                    _videoStream = info;
                }

                if (!info.IsSupported)
                {
                    codecRejected.TrySetResult(info);
                }
                else
                {
                    // Before FFmpeg's first packet: the source must know how to read the payloads it is about to get.
                    OutputVideoDescribed?.Invoke(info);
                }
            }
        }

        run.StderrLine += OnLine;
        // Lines FFmpeg printed before we subscribed would otherwise be missed (OnLine is idempotent, so a line that
        // arrives both ways is harmless).
        foreach (string early in run.RecentStderr())
        {
            OnLine(run, early);
        }

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
            TimeSpan grace;
            lock (_lock)
            {
                grace = _stopGrace;
            }

            // Bounded by the grace then a kill (zero: killed at once, KillAsync); not cancellable on purpose — a
            // half-stopped FFmpeg is an orphan.
            await run.StopAsync(grace, CancellationToken.None).ConfigureAwait(false);
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
}
