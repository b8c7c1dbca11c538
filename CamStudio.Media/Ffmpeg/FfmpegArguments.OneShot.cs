using System.Globalization;

namespace CamStudio.Media.Ffmpeg;

// The other children: the legacy JPEG feed (one per WebSocket client) and the version check. Same rules as the RTP path.
public static partial class FfmpegArguments
{
    /// <summary>Legacy JPEG feed of a camera: decode, thin to <paramref name="fps"/>, encode JPEG frames to stdout.</summary>
    public static IReadOnlyList<string> ForRtspToJpeg(RtspSource source, int fps, TimeSpan? ioTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        string url = source.ToUrl();
        var args = new List<string>(40);
        AddJpegCommon(args);
        AddRtspInput(args, url, ioTimeout ?? DefaultIoTimeout);
        args.AddRange(["-fflags", "nobuffer", "-flags", "low_delay", "-i", url]);
        AddJpegOutput(args, fps);
        return args;
    }

    /// <summary>Legacy JPEG feed of the demo camera: the test pattern at <paramref name="fps"/>, as JPEG frames on stdout.</summary>
    public static IReadOnlyList<string> ForTestPatternToJpeg(int width, int height, int fps)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 16);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(width, 3840);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 16);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(height, 2160);
        var args = new List<string>(32);
        AddJpegCommon(args);
        // -re: a generator would otherwise run as fast as the CPU allows.
        args.AddRange(["-re", "-f", "lavfi", "-i", string.Create(CultureInfo.InvariantCulture, $"testsrc2=size={width}x{height}:rate={fps}")]);
        AddJpegOutput(args, fps);
        return args;
    }

    /// <summary><c>ffmpeg -version</c>, for the readiness check.</summary>
    public static IReadOnlyList<string> ForVersion() => ["-version"];

    private static void AddJpegCommon(List<string> args) =>
        // Errors only: nothing parses this child's stderr, it is drained so the pipe never fills.
        args.AddRange(["-hide_banner", "-nostats", "-loglevel", "level+error"]);

    private static void AddJpegOutput(List<string> args, int fps)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(fps, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(fps, 60);
        args.AddRange(["-map", "0:v:0", "-an", "-sn", "-dn",
            "-vf", string.Create(CultureInfo.InvariantCulture, $"fps={fps}"),
            "-c:v", "mjpeg", "-q:v", "7", "-f", "image2pipe", "pipe:1"]);
    }
}
