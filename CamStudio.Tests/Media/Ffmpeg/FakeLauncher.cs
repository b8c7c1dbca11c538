using CamStudio.Media.Ffmpeg;

namespace CamStudio.Tests.Media.Ffmpeg;

/// <summary>An IFfmpegLauncher whose runs the test ends by hand (exit code + stderr lines).</summary>
internal sealed class FakeLauncher : IFfmpegLauncher
{
    private readonly Lock _lock = new();
    private readonly List<FakeRun> _runs = [];

    /// <summary>When set, Launch throws this instead of starting a run.</summary>
    public Exception? FailLaunchWith { get; set; }

    public IReadOnlyList<FakeRun> Runs
    {
        get
        {
            lock (_lock)
            {
                return _runs.ToArray();
            }
        }
    }

    /// <summary>
    /// FFmpeg's codec name for the video each run says it sends (the "Output #0" stream line real FFmpeg prints before
    /// its first packet, which CameraStream waits for); null prints nothing.
    /// </summary>
    public string? OutputCodec { get; set; }

    public int LaunchCount => Runs.Count;

    public FakeRun Last => Runs[^1];

    public IFfmpegRun Launch(IReadOnlyList<string> arguments, IReadOnlyList<string?> secrets)
    {
        if (FailLaunchWith is { } ex)
        {
            throw ex;
        }

        lock (_lock)
        {
            var run = new FakeRun(1000 + _runs.Count, arguments);
            if (OutputCodec is { } codec)
            {
                run.Emit("Output #0, rtp, to 'rtp://127.0.0.1:5004':");
                run.Emit($"  Stream #0:0: Video: {codec} (High), yuv420p(progressive), 1280x720, q=2-31, 25 fps");
            }

            _runs.Add(run);
            return run;
        }
    }
}

internal sealed class FakeRun(int processId, IReadOnlyList<string> arguments) : IFfmpegRun
{
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<string> _lines = [];

    public int ProcessId { get; } = processId;

    public IReadOnlyList<string> Arguments { get; } = arguments;

    public Task<int> Exited => _exited.Task;

    public bool StopRequested { get; private set; }

    public bool Disposed { get; private set; }

    public event EventHandler<string>? StderrLine;

    public void Emit(string line)
    {
        lock (_lines)
        {
            _lines.Add(line);
        }

        StderrLine?.Invoke(this, line);
    }

    public void Exit(int exitCode, params string[] lines)
    {
        foreach (string line in lines)
        {
            Emit(line);
        }

        _exited.TrySetResult(exitCode);
    }

    public IReadOnlyList<string> RecentStderr()
    {
        lock (_lines)
        {
            return _lines.ToArray();
        }
    }

    public Task<int> StopAsync(TimeSpan grace, CancellationToken cancellationToken)
    {
        StopRequested = true;
        _exited.TrySetResult(0);
        return _exited.Task;
    }

    public ValueTask DisposeAsync()
    {
        Disposed = true;
        return ValueTask.CompletedTask;
    }
}
