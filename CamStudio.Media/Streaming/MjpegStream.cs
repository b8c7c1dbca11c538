using System.Diagnostics;
using CamStudio.Media.Ffmpeg;

namespace CamStudio.Media.Streaming;

/// <summary>
/// The legacy JPEG feed: one FFmpeg per connected client decodes the camera and writes JPEG frames to stdout
/// (<c>-f image2pipe</c>), and <see cref="ReadFramesAsync"/> cuts them at the JPEG markers. It exists for old clients and
/// as the "old approach" baseline in benchmarks; it costs a decode + encode per client, which is why WebRTC relays instead.
/// </summary>
public sealed class MjpegStream : IAsyncDisposable
{
    /// <summary>Frames per second sent to the client: enough for a preview, a fraction of the decode cost at full rate.</summary>
    public const int FramesPerSecond = 10;

    /// <summary>A frame larger than this is garbage (or not a JPEG stream): the reader gives up.</summary>
    public const int MaxFrameBytes = 4 * 1024 * 1024;

    private readonly Process _process;
    private readonly FfmpegProcessRegistry _registry;
    private readonly Task _stderr;

    private MjpegStream(Process process, FfmpegProcessRegistry registry)
    {
        _process = process;
        _registry = registry;
        // Always drain stderr, or FFmpeg blocks once the pipe buffer is full.
        _stderr = process.StandardError.BaseStream.CopyToAsync(Stream.Null);
    }

    public int ProcessId => _process.Id;

    /// <summary>FFmpeg arguments for the JPEG feed of <paramref name="source"/> at <paramref name="quality"/>.</summary>
    /// <exception cref="ArgumentException">A camera field is unsafe for an RTSP URL (message never echoes the password).</exception>
    public static IReadOnlyList<string> BuildArguments(CameraFeed source, StreamVariant quality, out IReadOnlyList<string?> secrets)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (source.Kind == CameraFeedKind.TestPattern)
        {
            secrets = [];
            (int width, int height) = CameraStreamArguments.DemoSize(quality);
            return FfmpegArguments.ForTestPatternToJpeg(width, height, FramesPerSecond);
        }

        var rtsp = new RtspSource(source.Host, source.RtspPort, source.PathFor(quality),
            string.IsNullOrEmpty(source.Username) ? null : source.Username,
            string.IsNullOrEmpty(source.Password) ? null : source.Password);
        secrets = [rtsp.Password];
        return FfmpegArguments.ForRtspToJpeg(rtsp, FramesPerSecond);
    }

    /// <summary>Starts FFmpeg for one client; the registry kills it if the app stops first.</summary>
    public static MjpegStream Start(IReadOnlyList<string> arguments, FfmpegProcessRegistry registry, string executable = "ffmpeg")
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(registry);
        var info = new ProcessStartInfo(executable)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        Process process = Process.Start(info) ?? throw new InvalidOperationException("FFmpeg could not be started.");
        if (!registry.Register(process))
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw new InvalidOperationException("The app is shutting down.");
        }

        return new MjpegStream(process, registry);
    }

    /// <summary>Reads complete JPEG frames (SOI FFD8 … EOI FFD9) from FFmpeg until it ends or <paramref name="cancellationToken"/> fires.</summary>
    public async IAsyncEnumerable<ReadOnlyMemory<byte>> ReadFramesAsync(
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Stream stdout = _process.StandardOutput.BaseStream;
        byte[] buffer = new byte[256 * 1024];
        int length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                if (buffer.Length >= MaxFrameBytes)
                {
                    yield break;
                }

                Array.Resize(ref buffer, buffer.Length * 2);
            }

            int read = await stdout.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                yield break;
            }

            int scanFrom = Math.Max(0, length - 1);
            length += read;
            int consumed = 0;
            // Inside entropy-coded JPEG data 0xFF is stuffed as FF00, so FFD9 can only be the end-of-image marker.
            for (int i = scanFrom; i + 1 < length; i++)
            {
                if (buffer[i] == 0xFF && buffer[i + 1] == 0xD9)
                {
                    int end = i + 2;
                    int start = buffer.AsSpan(consumed, end - consumed).IndexOf([(byte)0xFF, (byte)0xD8]);
                    if (start >= 0)
                    {
                        // The consumer sends the frame before asking for the next one, so handing out the buffer is safe.
                        yield return buffer.AsMemory(consumed + start, end - consumed - start);
                    }

                    consumed = end;
                    i = end - 1;
                }
            }

            if (consumed > 0)
            {
                buffer.AsSpan(consumed, length - consumed).CopyTo(buffer);
                length -= consumed;
            }
        }
    }

    /// <summary>Asks FFmpeg to quit ('q'), then kills it after a short grace; never leaves an orphan.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                await _process.StandardInput.WriteAsync('q').ConfigureAwait(false);
                await _process.StandardInput.FlushAsync().ConfigureAwait(false);
                using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _process.WaitForExitAsync(grace.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or InvalidOperationException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            _registry.Unregister(_process);
        }

        try
        {
            await _stderr.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
        }

        _process.Dispose();
    }
}
