using System.Globalization;
using CamStudio.Media.Video;

namespace CamStudio.Media.Ffmpeg;

// One picture as JPEG: decoded from a key frame handed over on stdin, or grabbed from the camera. Same rules as the RTP path.
public static partial class FfmpegArguments
{
    /// <summary>Highest JPEG quality scale used for snapshots (2 = best, 31 = worst): a still is looked at closely.</summary>
    public const int SnapshotJpegQuality = 3;

    /// <summary>
    /// Decodes the Annex-B key frame (with its parameter sets) FFmpeg reads from stdin and writes it as one JPEG to
    /// stdout. Nothing is opened but the two pipes, so no protocol whitelist is needed.
    /// </summary>
    public static IReadOnlyList<string> ForKeyFrameToJpeg(VideoCodec codec)
    {
        var args = new List<string>(24);
        AddSnapshotCommon(args);
        args.AddRange(["-f", codec == VideoCodec.H265 ? "hevc" : "h264", "-i", "pipe:0"]);
        AddSnapshotOutput(args);
        return args;
    }

    /// <summary>
    /// Opens the camera, decodes its first picture and writes it as one JPEG to stdout. The probe is kept small: the
    /// camera's SDP names the codec and size, so a long analysis would only delay the picture.
    /// </summary>
    public static IReadOnlyList<string> ForRtspToJpegFrame(RtspSource source, TimeSpan? ioTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        string url = source.ToUrl();
        var args = new List<string>(32);
        AddSnapshotCommon(args);
        AddRtspInput(args, url, ioTimeout ?? DefaultIoTimeout);
        args.AddRange(["-probesize", "500000", "-analyzeduration", "1000000", "-i", url]);
        AddSnapshotOutput(args);
        return args;
    }

    /// <summary>One frame of the demo camera's test pattern as JPEG (no -re: a single frame needs no pacing).</summary>
    public static IReadOnlyList<string> ForTestPatternToJpegFrame(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 16);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(width, 3840);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 16);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(height, 2160);
        var args = new List<string>(24);
        AddSnapshotCommon(args);
        args.AddRange(["-f", "lavfi", "-i", string.Create(CultureInfo.InvariantCulture, $"testsrc2=size={width}x{height}:rate=1")]);
        AddSnapshotOutput(args);
        return args;
    }

    private static void AddSnapshotCommon(List<string> args) =>
        // level+error still names a wrong password ("401 Unauthorized") and an unreachable host, which is what the
        // classifier needs; -nostdin because stdin is the key frame (or unused), never a 'q'.
        args.AddRange(["-hide_banner", "-nostats", "-nostdin", "-loglevel", "level+error"]);

    private static void AddSnapshotOutput(List<string> args) =>
        args.AddRange(["-map", "0:v:0", "-an", "-sn", "-dn", "-frames:v", "1",
            "-c:v", "mjpeg", "-q:v", SnapshotJpegQuality.ToString(CultureInfo.InvariantCulture),
            "-f", "image2pipe", "pipe:1"]);
}
