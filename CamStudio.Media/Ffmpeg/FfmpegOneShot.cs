using System.ComponentModel;
using System.Diagnostics;

namespace CamStudio.Media.Ffmpeg;

/// <summary>What a short-lived child printed; <see cref="ExitCode"/> is null when it was killed for taking too long.</summary>
public sealed record FfmpegOneShotResult(int? ExitCode, string StandardOutput, string StandardError)
{
    public bool TimedOut => ExitCode is null;
}

/// <summary>
/// Runs a short-lived FFmpeg/ffprobe child to completion (a "Test connection" probe, the version check) with its output
/// captured. Like every other child it is tracked by <see cref="FfmpegProcessRegistry"/>, so a probe still waiting on a
/// silent camera does not outlive the app's shutdown.
/// </summary>
public static class FfmpegOneShot
{
    /// <summary>Starts <paramref name="executable"/> with <paramref name="arguments"/> and waits up to <paramref name="timeout"/>.</summary>
    /// <exception cref="Win32Exception">The executable could not be started (not installed).</exception>
    /// <exception cref="OperationCanceledException">
    /// <paramref name="cancellationToken"/> fired, or the registry is shutting down; the child is killed either way.
    /// </exception>
    public static async Task<FfmpegOneShotResult> RunAsync(FfmpegProcessRegistry registry, string executable, IReadOnlyList<string> arguments,
        TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(arguments);
        using Process process = StartRegistered(registry, executable, arguments, redirectInput: false);
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(timeout);
            // Both pipes are drained concurrently: a full stderr pipe would block the child before it writes stdout.
            Task<string> stdout = process.StandardOutput.ReadToEndAsync(deadline.Token);
            Task<string> stderr = process.StandardError.ReadToEndAsync(deadline.Token);
            try
            {
                await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
                await Task.WhenAll(stdout, stderr).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                Kill(process);
                cancellationToken.ThrowIfCancellationRequested();
                return new FfmpegOneShotResult(null, string.Empty, string.Empty);
            }

            return new FfmpegOneShotResult(process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
        }
        finally
        {
            registry.Unregister(process);
        }
    }

    /// <summary>
    /// Starts a one-shot child with its pipes redirected (and stdin when <paramref name="redirectInput"/>), and
    /// registers it so it cannot outlive the app; if the registry is already shutting down it is killed at once.
    /// </summary>
    /// <exception cref="OperationCanceledException">The app is shutting down.</exception>
    internal static Process StartRegistered(FfmpegProcessRegistry registry, string executable, IReadOnlyList<string> arguments,
        bool redirectInput)
    {
        var startInfo = new ProcessStartInfo(executable)
        {
            RedirectStandardInput = redirectInput,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        foreach (string argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = startInfo };
        try
        {
            process.Start();
        }
        catch
        {
            process.Dispose();
            throw;
        }

        if (!registry.Register(process))
        {
            Kill(process);
            process.Dispose();
            throw new OperationCanceledException("The app is shutting down.");
        }

        return process;
    }

    internal static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }
}
