using CamStudio.Media.Ffmpeg;

namespace CamStudio.Web.Operations;

/// <summary>
/// Runs <c>ffmpeg -version</c> once and caches the answer: FFmpeg does not change under a running service, and a
/// readiness probe every few seconds must not spawn a process each time. A failure is retried on the next call. The child
/// is tracked by the <see cref="FfmpegProcessRegistry"/> like every other.
/// </summary>
internal sealed class FfmpegVersionProbe(IConfiguration configuration, FfmpegProcessRegistry registry)
{
    public const string ExecutableKey = "Operations:FfmpegPath";

    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(10);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private string? _version;

    public string Executable { get; } = configuration[ExecutableKey] is { Length: > 0 } path ? path : "ffmpeg";

    /// <summary>The version word from the first line (e.g. <c>5.1.6-0+deb12u1</c>); null plus an error when FFmpeg can't run.</summary>
    public async Task<(string? Version, string? Error)> GetVersionAsync(CancellationToken cancellationToken)
    {
        if (_version is not null)
        {
            return (_version, null);
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_version is null)
            {
                (_version, string? error) = await RunAsync(cancellationToken);
                return (_version, error);
            }

            return (_version, null);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>"ffmpeg version 5.1.6-0+deb12u1 Copyright ..." → "5.1.6-0+deb12u1".</summary>
    public static string? ParseVersion(string firstLine)
    {
        string[] words = firstLine.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return words.Length >= 3 && words[0] == "ffmpeg" && words[1] == "version" ? words[2] : null;
    }

    private async Task<(string? Version, string? Error)> RunAsync(CancellationToken cancellationToken)
    {
        FfmpegOneShotResult result;
        try
        {
            result = await FfmpegOneShot.RunAsync(registry, Executable, FfmpegArguments.ForVersion(), s_timeout, cancellationToken);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return (null, $"cannot start '{Executable}': {ex.Message}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, "the app is shutting down");
        }

        if (result.TimedOut)
        {
            return (null, $"'{Executable} -version' did not answer within {s_timeout.TotalSeconds:0} s");
        }

        string firstLine = result.StandardOutput.Split('\n', 2)[0].Trim();
        return ParseVersion(firstLine) is { } version
            ? (version, null)
            : (null, $"'{Executable} -version' printed no version (exit code {result.ExitCode})");
    }
}
