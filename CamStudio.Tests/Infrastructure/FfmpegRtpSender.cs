using System.Globalization;

namespace CamStudio.Tests.Infrastructure;

/// <summary>
/// Real FFmpeg sending H.264 as RTP to 127.0.0.1:port, pulled from an RTSP camera (stream copy) or encoded from a
/// lavfi test pattern. A test-side feeder; production FFmpeg supervision lives in CamStudio.Media.
/// </summary>
public sealed class FfmpegRtpSender : IAsyncDisposable
{
    /// <summary>RTP payload type FFmpeg is told to use.</summary>
    public const int PayloadType = 96;

    private readonly ChildProcess _process;

    private FfmpegRtpSender(ChildProcess process, int rtpPort)
    {
        _process = process;
        RtpPort = rtpPort;
    }

    /// <summary>UDP port on 127.0.0.1 the packets go to.</summary>
    public int RtpPort { get; }

    /// <summary>FFmpeg's recent stderr, for failure messages.</summary>
    public string Output => _process.Output;

    /// <summary>Completes with FFmpeg's exit code.</summary>
    public Task<int> Exited => _process.Exited;

    /// <summary>Pulls <paramref name="rtspUrl"/> over TCP and forwards the H.264 unchanged.</summary>
    public static FfmpegRtpSender StartFromRtsp(string rtspUrl, int rtpPort) =>
        new(ChildProcess.Start("ffmpeg", BuildRtspArguments(rtspUrl, rtpPort)), rtpPort);

    /// <summary>Encodes a live test pattern (no camera needed).</summary>
    public static FfmpegRtpSender StartTestPattern(int rtpPort, int width = 640, int height = 360, int framesPerSecond = 25) =>
        new(ChildProcess.Start("ffmpeg", BuildTestPatternArguments(rtpPort, width, height, framesPerSecond)), rtpPort);

    /// <summary>Arguments for <see cref="StartFromRtsp"/>.</summary>
    public static IReadOnlyList<string> BuildRtspArguments(string rtspUrl, int rtpPort) =>
    [
        "-hide_banner", "-nostdin", "-loglevel", "warning",
        "-rtsp_transport", "tcp", "-fflags", "nobuffer", "-flags", "low_delay",
        "-i", rtspUrl,
        "-an", "-c:v", "copy",
        .. RtpOutput(rtpPort),
    ];

    /// <summary>Arguments for <see cref="StartTestPattern"/>.</summary>
    public static IReadOnlyList<string> BuildTestPatternArguments(int rtpPort, int width, int height, int framesPerSecond)
    {
        CultureInfo c = CultureInfo.InvariantCulture;
        return
        [
            "-hide_banner", "-nostdin", "-loglevel", "warning",
            "-re", "-f", "lavfi", "-i", string.Create(c, $"testsrc2=size={width}x{height}:rate={framesPerSecond}"),
            "-an", "-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency", "-profile:v", "high",
            "-pix_fmt", "yuv420p", "-g", (framesPerSecond * 2).ToString(c),
            .. RtpOutput(rtpPort),
        ];
    }

    /// <summary>Kills FFmpeg (like a crash).</summary>
    public Task KillAsync(CancellationToken cancellationToken = default) => _process.KillAsync(cancellationToken);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _process.DisposeAsync();

    // dump_extra repeats SPS/PPS before every key frame, so a receiver that joins late can start decoding at the next
    // IDR instead of waiting for parameter sets that were only sent once at the start.
    private static string[] RtpOutput(int rtpPort) =>
    [
        "-bsf:v", "dump_extra=freq=keyframe",
        "-f", "rtp", "-payload_type", PayloadType.ToString(CultureInfo.InvariantCulture), "-pkt_size", "1200",
        string.Create(CultureInfo.InvariantCulture, $"rtp://127.0.0.1:{rtpPort}"),
    ];
}
