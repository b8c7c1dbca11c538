namespace CamStudio.Media.Ffmpeg;

/// <summary>Starts FFmpeg runs. The supervisor depends on this so its state machine can be tested with a fake.</summary>
public interface IFfmpegLauncher
{
    /// <summary>Starts one FFmpeg with <paramref name="arguments"/>; <paramref name="secrets"/> are redacted from everything it prints.</summary>
    IFfmpegRun Launch(IReadOnlyList<string> arguments, IReadOnlyList<string?> secrets);
}

/// <summary>One running (or finished) FFmpeg.</summary>
public interface IFfmpegRun : IAsyncDisposable
{
    int ProcessId { get; }

    /// <summary>Completes with the exit code once the process has exited and its stderr has been read to the end.</summary>
    Task<int> Exited { get; }

    /// <summary>Raised for every stderr line, already redacted. Handlers run on the drain task: keep them short.</summary>
    event EventHandler<string>? StderrLine;

    /// <summary>The last stderr lines (redacted), oldest first.</summary>
    IReadOnlyList<string> RecentStderr();

    /// <summary>
    /// Asks FFmpeg to quit ('q' on stdin), waits up to <paramref name="grace"/>, then kills the process tree. A zero
    /// grace kills at once without asking.
    /// </summary>
    Task<int> StopAsync(TimeSpan grace, CancellationToken cancellationToken);
}

/// <summary>The real launcher: starts <see cref="FfmpegProcess"/>es tracked by the registry.</summary>
public sealed class FfmpegLauncher(FfmpegProcessRegistry registry, Microsoft.Extensions.Logging.ILogger<FfmpegProcess> logger,
    string executable = "ffmpeg") : IFfmpegLauncher
{
    public IFfmpegRun Launch(IReadOnlyList<string> arguments, IReadOnlyList<string?> secrets) =>
        FfmpegProcess.Start(executable, arguments, secrets, registry, logger);
}
