using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace CamStudio.Tests.Infrastructure;

/// <summary>
/// A child process started for a test (RTSP camera, FFmpeg, ffprobe). Stdout and stderr are always drained, so a
/// chatty process never blocks on a full pipe, and the last lines are kept for the failure message of the test.
/// Disposing kills the whole process tree: no test leaves an orphan behind.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private const int MaxKeptLines = 400;

    private readonly Process _process;
    private readonly Lock _lock = new();
    private readonly Queue<string> _lines = new();
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Action<string>? _onStdoutLine;

    private ChildProcess(Process process, Action<string>? onStdoutLine)
    {
        _process = process;
        _onStdoutLine = onStdoutLine;
    }

    /// <summary>Process id.</summary>
    public int Id => _process.Id;

    /// <summary>Completes with the exit code once the process has exited and its output is drained.</summary>
    public Task<int> Exited => _exited.Task;

    /// <summary>File name and arguments, for messages.</summary>
    public string CommandLine { get; private init; } = "";

    /// <summary>The last lines the process wrote, stderr lines prefixed with "!".</summary>
    public string Output
    {
        get
        {
            lock (_lock)
            {
                return string.Join('\n', _lines);
            }
        }
    }

    /// <summary>Starts <paramref name="fileName"/> with arguments passed one by one (never a joined command line).</summary>
    public static ChildProcess Start(string fileName, IEnumerable<string> arguments, Action<string>? onStdoutLine = null)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (string argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var child = new ChildProcess(process, onStdoutLine)
        {
            CommandLine = fileName + " " + string.Join(' ', startInfo.ArgumentList),
        };
        process.OutputDataReceived += (_, e) => child.OnLine(e.Data, isError: false);
        process.ErrorDataReceived += (_, e) => child.OnLine(e.Data, isError: true);
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            process.Dispose();
            throw new InvalidOperationException(
                $"Cannot start {fileName}: {ex.Message}. Install the test dependencies with scripts/install-deps.sh test " +
                "(scripts/test.sh does it).", ex);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _ = child.WatchExitAsync();
        return child;
    }

    /// <summary>Runs a short-lived command to completion and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(
        string fileName, IEnumerable<string> arguments, TimeSpan timeout, CancellationToken cancellationToken)
    {
        await using ChildProcess child = Start(fileName, arguments);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            int exitCode = await child.Exited.WaitAsync(deadline.Token);
            return (exitCode, child.Output);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException(
                $"{child.CommandLine} did not finish within {timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s. " +
                $"Output:\n{child.Output}");
        }
    }

    /// <summary>Kills the process tree (a crash, not a clean stop) and waits until it is gone.</summary>
    public async Task KillAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }

        await _exited.Task.WaitAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await KillAsync(timeout.Token);
        }
        finally
        {
            _process.Dispose();
        }
    }

    private async Task WatchExitAsync()
    {
        // WaitForExitAsync also waits for both redirected streams to reach end of file, so Output is complete
        // by the time Exited completes.
        await _process.WaitForExitAsync(CancellationToken.None);
        _exited.TrySetResult(_process.ExitCode);
    }

    private void OnLine(string? line, bool isError)
    {
        if (line is null)
        {
            return;
        }

        lock (_lock)
        {
            _lines.Enqueue(isError ? "! " + line : line);
            while (_lines.Count > MaxKeptLines)
            {
                _lines.Dequeue();
            }
        }

        if (!isError)
        {
            _onStdoutLine?.Invoke(line);
        }
    }
}
