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
