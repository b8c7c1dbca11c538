using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace CamStudio.Media.Ffmpeg;

/// <summary>
/// One supervised FFmpeg child: arguments via <see cref="ProcessStartInfo.ArgumentList"/> (no shell), stderr drained
/// continuously into a bounded ring of redacted lines, exit surfaced as a task, stop = 'q' then kill.
/// </summary>
public sealed class FfmpegProcess : IFfmpegRun
{
    /// <summary>How many stderr lines are kept for diagnosis.</summary>
    public const int RingCapacity = 50;

    // A grandchild that inherited the pipe could hold stderr open after FFmpeg exits; don't wait for it forever.
    private static readonly TimeSpan s_drainAfterExit = TimeSpan.FromSeconds(2);

    private readonly Process _process;
    private readonly string?[] _secrets;
    private readonly ILogger _logger;
    private readonly FfmpegProcessRegistry? _registry;
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _drainsStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Queue<string> _ring = new(RingCapacity);
    private readonly Lock _ringLock = new();
    private Task _stderrDrain = Task.CompletedTask;
    private Task _stdoutDrain = Task.CompletedTask;
    private int _disposed;

    private FfmpegProcess(Process process, string?[] secrets, FfmpegProcessRegistry? registry, ILogger logger)
    {
        _process = process;
        _secrets = secrets;
        _registry = registry;
        _logger = logger;
    }

    public int ProcessId { get; private set; }

    public Task<int> Exited => _exited.Task;

    public event EventHandler<string>? StderrLine;

    /// <summary>Starts <paramref name="executable"/> (normally "ffmpeg") and registers it so shutdown can kill it.</summary>
    public static FfmpegProcess Start(string executable, IReadOnlyList<string> arguments, IReadOnlyList<string?> secrets,
        FfmpegProcessRegistry? registry, ILogger logger)
    {
        ArgumentException.ThrowIfNullOrEmpty(executable);
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(secrets);
        ArgumentNullException.ThrowIfNull(logger);

        var startInfo = new ProcessStartInfo(executable)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            CreateNoWindow = true,
        };
        foreach (string argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var ffmpeg = new FfmpegProcess(process, secrets.ToArray(), registry, logger);
        process.Exited += (_, _) => _ = ffmpeg.OnExitedAsync();
        try
        {
            process.Start();
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            process.Dispose();
            throw new InvalidOperationException(
                "Could not start " + executable + ": " + FfmpegArguments.Redact(ex.Message, ffmpeg._secrets), ex);
        }

        ffmpeg.ProcessId = process.Id;
        if (registry is not null && !registry.Register(process))
        {
            // The app is shutting down: the registry already killed everything and must not miss this one.
            ffmpeg.Kill();
            ffmpeg._drainsStarted.TrySetResult();
            process.Dispose();
            throw new InvalidOperationException("FFmpeg cannot be started while the application is shutting down.");
        }

        FfmpegLog.Started(logger, process.Id, executable, FfmpegArguments.ToDisplayString(arguments, ffmpeg._secrets));
        // Both pipes must be read for the whole life of the process: a full pipe blocks FFmpeg mid-write.
        ffmpeg._stderrDrain = Task.Run(ffmpeg.DrainStderrAsync);
        ffmpeg._stdoutDrain = Task.Run(ffmpeg.DrainStdoutAsync);
        ffmpeg._drainsStarted.TrySetResult();
        return ffmpeg;
    }

    public IReadOnlyList<string> RecentStderr()
    {
        lock (_ringLock)
        {
            return _ring.ToArray();
        }
    }

    public async Task<int> StopAsync(TimeSpan grace, CancellationToken cancellationToken)
    {
        if (!_exited.Task.IsCompleted && grace <= TimeSpan.Zero)
        {
            // A deadline (a fenced camera), not a stop: no 'q', so FFmpeg gets no moment to keep talking to the camera.
            Kill();
        }
        else if (!_exited.Task.IsCompleted)
        {
            try
            {
                await RequestQuitAsync(cancellationToken).ConfigureAwait(false);
                await _exited.Task.WaitAsync(grace, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                FfmpegLog.Killing(_logger, ProcessId, grace.TotalMilliseconds);
                Kill();
            }
            catch (OperationCanceledException)
            {
                // The caller stopped waiting; the process must not outlive that.
                Kill();
                throw;
            }
        }

        return await _exited.Task.ConfigureAwait(false);
    }

    private async Task RequestQuitAsync(CancellationToken cancellationToken)
    {
        try
        {
            // FFmpeg polls stdin for keys; 'q' makes it finish the output cleanly and exit 0.
            await _process.StandardInput.WriteAsync("q\n".AsMemory(), cancellationToken).ConfigureAwait(false);
            await _process.StandardInput.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // Already exiting: the pipe is gone. The caller's wait settles it.
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            if (!_exited.Task.IsCompleted)
            {
                Kill();
                await _exited.Task.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            }

            await Task.WhenAll(_stderrDrain, _stdoutDrain).WaitAsync(s_drainAfterExit).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Killed; the runtime reaps it. Nothing more can be done here.
        }

        _registry?.Unregister(_process);
        _process.Dispose();
    }

    private void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            FfmpegLog.KillFailed(_logger, ProcessId, FfmpegArguments.Redact(ex.Message, _secrets));
        }
    }

    private async Task OnExitedAsync()
    {
        // Don't complete Exited before stderr is read to the end, or the diagnosis would miss FFmpeg's last words.
        // (Exited can fire before Start has even created the drain task when FFmpeg fails at once.)
        await _drainsStarted.Task.ConfigureAwait(false);
        try
        {
            await _stderrDrain.WaitAsync(s_drainAfterExit).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }

        int exitCode;
        try
        {
            exitCode = _process.ExitCode;
        }
        catch (InvalidOperationException)
        {
            exitCode = -1;
        }

        _registry?.Unregister(_process);
        FfmpegLog.Exited(_logger, ProcessId, exitCode);
        _exited.TrySetResult(exitCode);
    }

    private async Task DrainStderrAsync()
    {
        try
        {
            StreamReader reader = _process.StandardError;
            while (await reader.ReadLineAsync().ConfigureAwait(false) is { } raw)
            {
                string line = FfmpegArguments.Redact(raw, _secrets);
                lock (_ringLock)
                {
                    if (_ring.Count == RingCapacity)
                    {
                        _ring.Dequeue();
                    }

                    _ring.Enqueue(line);
                }

                FfmpegLog.StderrLine(_logger, ProcessId, line);
                try
                {
                    StderrLine?.Invoke(this, line);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    // A faulty subscriber must not stop the drain: an unread stderr pipe fills up and blocks FFmpeg.
                    FfmpegLog.SubscriberFailed(_logger, ProcessId, FfmpegArguments.Redact(ex.Message, _secrets));
                }
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The pipe closed under us: the process is gone.
        }
    }

    private async Task DrainStdoutAsync()
    {
        // FFmpeg prints the RTP session's SDP here; CameraStream reads SPS/PPS from the stream itself, so discard it.
        try
        {
            char[] buffer = new char[1024];
            StreamReader reader = _process.StandardOutput;
            while (await reader.ReadAsync(buffer.AsMemory()).ConfigureAwait(false) > 0)
            {
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
        }
    }
}
