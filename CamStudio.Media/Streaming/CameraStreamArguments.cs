using CamStudio.Media.Ffmpeg;

namespace CamStudio.Media.Streaming;

/// <summary>FFmpeg arguments (and the secrets to redact) for one camera stream. Pure, so it is unit tested.</summary>
public static class CameraStreamArguments
{
    /// <summary>The demo pattern's frame rate and GOP: like a typical camera sub stream.</summary>
    public const int DemoFramesPerSecond = 25;

    public const int DemoGopSeconds = 2;

    /// <summary>The demo pattern's picture size in <paramref name="quality"/>: 720p for HD, 360p for SD.</summary>
    public static (int Width, int Height) DemoSize(StreamVariant quality) =>
        quality == StreamVariant.Stream1 ? (1280, 720) : (640, 360);

    /// <summary>Builds the argument list for <paramref name="quality"/> of <paramref name="source"/> sending RTP to <paramref name="rtpPort"/>.</summary>
    /// <exception cref="ArgumentException">A camera field is unsafe for an RTSP URL (message never echoes the password).</exception>
    public static IReadOnlyList<string> Build(CameraFeed source, StreamVariant quality, int rtpPort, out IReadOnlyList<string?> secrets) =>
        Build(source, quality, rtpPort, audio: null, out secrets);

    /// <summary>
    /// Like <see cref="Build(CameraFeed, StreamVariant, int, out IReadOnlyList{string?})"/>, plus the camera's audio to
    /// <paramref name="audio"/> when given (RTSP cameras only: the demo pattern has no microphone).
    /// </summary>
    public static IReadOnlyList<string> Build(CameraFeed source, StreamVariant quality, int rtpPort, AudioOutput? audio,
        out IReadOnlyList<string?> secrets) =>
        Build(source, quality, rtpPort, audio, hlsAudio: null, out secrets);

    /// <summary>
    /// Like <see cref="Build(CameraFeed, StreamVariant, int, AudioOutput?, out IReadOnlyList{string?})"/>, plus the
    /// camera's audio copied untouched to <paramref name="hlsAudio"/>'s port for LL-HLS (RTSP cameras only).
    /// <paramref name="videoRtcpPort"/>: where FFmpeg sends the video's sender reports (0: its default, RTP port + 1).
    /// </summary>
    public static IReadOnlyList<string> Build(CameraFeed source, StreamVariant quality, int rtpPort, AudioOutput? audio,
        AudioOutput? hlsAudio, out IReadOnlyList<string?> secrets, int videoRtcpPort = 0)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (source.Kind == CameraFeedKind.TestPattern)
        {
            secrets = [];
            (int width, int height) = DemoSize(quality);
            return FfmpegArguments.ForTestPattern(rtpPort, width, height, DemoFramesPerSecond, DemoGopSeconds);
        }

        string path = source.PathFor(quality);
        var rtsp = new RtspSource(
            source.Host,
            source.RtspPort,
            path,
            string.IsNullOrEmpty(source.Username) ? null : source.Username,
            string.IsNullOrEmpty(source.Password) ? null : source.Password);
        secrets = [rtsp.Password];
        return FfmpegArguments.ForRtspToRtp(rtsp, rtpPort, audio, hlsAudio, videoRtcpPort: videoRtcpPort,
            reportsStart: DateTimeOffset.UtcNow);
    }
}
