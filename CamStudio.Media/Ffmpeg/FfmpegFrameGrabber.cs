using System.Buffers;
using System.ComponentModel;
using System.Diagnostics;

namespace CamStudio.Media.Ffmpeg;

/// <summary>What one picture-producing FFmpeg run gave: the JPEG bytes, or null with FFmpeg's stderr lines and exit code.</summary>
/// <param name="Jpeg">One complete JPEG (SOI … EOI), or null when none came.</param>
/// <param name="ExitCode">FFmpeg's exit code; null when it was killed for taking too long.</param>
/// <param name="ErrorLines">What FFmpeg printed on stderr (at most <see cref="FfmpegFrameGrabber.MaxErrorLines"/> lines), unredacted.</param>
public sealed record FfmpegFrame(byte[]? Jpeg, int? ExitCode, IReadOnlyList<string> ErrorLines)
{
    public bool TimedOut => ExitCode is null;
}

/// <summary>
/// Runs one short FFmpeg that writes a single JPEG to stdout (<see cref="FfmpegArguments.ForKeyFrameToJpeg"/>,
/// <see cref="FfmpegArguments.ForRtspToJpegFrame"/>), optionally feeding it bytes on stdin. stdout and stderr are drained
/// concurrently (a full pipe would stall the child), stdin is written and closed so the decoder sees end of input, and
/// the child is killed on timeout or cancellation. Like every child it is in <see cref="FfmpegProcessRegistry"/>, so
/// none outlives the app.
/// </summary>
public static class FfmpegFrameGrabber
{
    /// <summary>A JPEG larger than this is not a snapshot (a 4K frame at q 3 is about 2 MB): reading stops.</summary>
    public const int MaxJpegBytes = 16 * 1024 * 1024;

    /// <summary>stderr lines kept for the diagnosis; FFmpeg at level+error prints a handful.</summary>
    public const int MaxErrorLines = 64;

    /// <summary>Runs <paramref name="executable"/> with <paramref name="arguments"/>, writing <paramref name="input"/> to its stdin.</summary>
    /// <exception cref="Win32Exception">The executable could not be started (not installed).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired or the app is stopping; the child is killed.</exception>
    public static async Task<FfmpegFrame> GrabAsync(FfmpegProcessRegistry registry, string executable, IReadOnlyList<string> arguments,
        ReadOnlyMemory<byte> input, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(arguments);
        using Process process = FfmpegOneShot.StartRegistered(registry, executable, arguments, redirectInput: true);
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(timeout);
            Task<byte[]?> stdout = ReadJpegAsync(process.StandardOutput.BaseStream, deadline.Token);
            Task<List<string>> stderr = ReadLinesAsync(process.StandardError, deadline.Token);
            try
            {
                await WriteInputAsync(process, input, deadline.Token).ConfigureAwait(false);
                await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
                byte[]? jpeg = await stdout.ConfigureAwait(false);
                List<string> lines = await stderr.ConfigureAwait(false);
                return new FfmpegFrame(process.ExitCode == 0 ? jpeg : null, process.ExitCode, lines);
            }
            catch (OperationCanceledException)
            {
                FfmpegOneShot.Kill(process);
                cancellationToken.ThrowIfCancellationRequested();
                List<string> lines = await ObserveAsync(stderr).ConfigureAwait(false) ?? [];
                await ObserveAsync(stdout).ConfigureAwait(false);
                return new FfmpegFrame(null, null, lines);
            }
        }
        finally
        {
            registry.Unregister(process);
        }
    }

    private static async Task WriteInputAsync(Process process, ReadOnlyMemory<byte> input, CancellationToken cancellationToken)
    {
        Stream stdin = process.StandardInput.BaseStream;
        try
        {
            if (!input.IsEmpty)
            {
                await stdin.WriteAsync(input, cancellationToken).ConfigureAwait(false);
                await stdin.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (IOException)
        {
            // FFmpeg exited before reading everything (it failed at once); its exit code and stderr say why.
        }
        finally
        {
            try
            {
                // Closing stdin is the end of input: the decoder flushes and writes its one picture.
                process.StandardInput.Close();
            }
            catch (IOException)
            {
            }
        }
    }

    private static async Task<byte[]?> ReadJpegAsync(Stream stdout, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        byte[] chunk = new byte[64 * 1024];
        int read;
        while ((read = await stdout.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.WrittenCount + read > MaxJpegBytes)
            {
                return null;
            }

            buffer.Write(chunk.AsSpan(0, read));
        }

        byte[] bytes = buffer.WrittenSpan.ToArray();
        // SOI at the start and EOI at the end, or it is not one whole JPEG.
        return bytes.Length > 4 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[^2] == 0xFF && bytes[^1] == 0xD9 ? bytes : null;
    }

    private static async Task<List<string>> ReadLinesAsync(StreamReader stderr, CancellationToken cancellationToken)
    {
        var lines = new List<string>();
        string? line;
        while ((line = await stderr.ReadLineAsync(cancellationToken).ConfigureAwait(false)) is not null)
        {
            if (lines.Count < MaxErrorLines)
            {
                lines.Add(line);
            }
        }

        return lines;
    }

    private static async Task<T?> ObserveAsync<T>(Task<T> task)
    {
        try
        {
            return await task.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException)
        {
            return default;
        }
    }
}
