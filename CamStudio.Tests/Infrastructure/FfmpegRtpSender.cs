using CamStudio.Media.Ffmpeg;

namespace CamStudio.Tests.Infrastructure;

/// <summary>
/// Real FFmpeg sending H.264 as RTP to 127.0.0.1:port, pulled from an RTSP camera (stream copy) or encoded from a
/// lavfi test pattern. A test-side feeder with the production argument lists but without the production supervision
/// (CamStudio.Media.Ffmpeg), so a test controls exactly when FFmpeg starts and dies.
/// </summary>
public sealed class FfmpegRtpSender : IAsyncDisposable
{
    /// <summary>RTP payload type FFmpeg is told to use.</summary>
    public const int PayloadType = FfmpegArguments.RtpPayloadType;

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

    /// <summary>Pulls <paramref name="source"/> over TCP and forwards the H.264 unchanged, with the production arguments
    /// (<see cref="FfmpegArguments.ForRtspToRtp"/>), so the browser tests exercise what CamStudio really runs.</summary>
    public static FfmpegRtpSender StartFromRtsp(RtspSource source, int rtpPort) =>
        new(ChildProcess.Start("ffmpeg", FfmpegArguments.ForRtspToRtp(source, rtpPort)), rtpPort);

    /// <summary>Encodes a live test pattern (no camera needed): the demo camera's arguments
    /// (<see cref="FfmpegArguments.ForTestPattern"/>).</summary>
    public static FfmpegRtpSender StartTestPattern(int rtpPort, int width = 640, int height = 360, int framesPerSecond = 25) =>
        new(ChildProcess.Start("ffmpeg", FfmpegArguments.ForTestPattern(rtpPort, width, height, framesPerSecond, gopSeconds: 2)), rtpPort);

    /// <summary>Kills FFmpeg (like a crash).</summary>
    public Task KillAsync(CancellationToken cancellationToken = default) => _process.KillAsync(cancellationToken);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
