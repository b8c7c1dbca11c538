using System.Globalization;
using CamStudio.Core.Cameras;
using CamStudio.Media.Ffmpeg;
using CamStudio.Media.Video;

namespace CamStudio.Web.Services;

/// <summary>What the form asks the probe to try: the values as typed, not necessarily saved.</summary>
/// <remarks>A class, not a record: a record's generated ToString would print the password.</remarks>
public sealed class CameraProbeRequest
{
    public required CameraSourceKind Source { get; init; }
    public required string Host { get; init; }
    public required int Port { get; init; }
    public required string Path { get; init; }
    public string? Username { get; init; }

    /// <summary>Plaintext; only ever passed to ffprobe and redacted from everything it prints.</summary>
    public string? Password { get; init; }
}

/// <summary>The outcome of a probe: a user-facing message (never containing the password) and, on success, the video.</summary>
public sealed record CameraProbeResult(bool Succeeded, FfmpegFailure Failure, string Message, VideoStreamInfo? Video);

/// <summary>
/// "Test connection": runs ffprobe against the camera from the server (where the streams will be pulled from, so the
/// answer is the one that matters) and turns the result into an actionable message. The child is tracked by the
/// <see cref="FfmpegProcessRegistry"/>, so shutdown kills a probe still waiting on a silent camera.
/// </summary>
public sealed partial class CameraProbeService(ILogger<CameraProbeService> logger, FfmpegProcessRegistry registry, string executable = "ffprobe")
{
    /// <summary>The whole probe, process start to exit; the socket timeout below is shorter so ffprobe reports why.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(8);

    private static readonly TimeSpan s_ioTimeout = TimeSpan.FromSeconds(6);

    public const string DemoMessage =
        "This camera uses the built-in test pattern (H.264, generated on this server): there is no connection to test.";

    public async Task<CameraProbeResult> ProbeAsync(CameraProbeRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Source == CameraSourceKind.DemoPattern)
        {
            return new CameraProbeResult(true, FfmpegFailure.None, DemoMessage, null);
        }

        IReadOnlyList<string> arguments;
        try
        {
            var source = new RtspSource(request.Host, request.Port, request.Path, request.Username, request.Password);
            arguments = FfmpegArguments.ForProbe(source, s_ioTimeout);
        }
        catch (ArgumentException ex)
        {
            return Fail(FfmpegFailure.Unknown, "The camera settings are not valid: " + ex.Message, request);
        }

        FfmpegOneShotResult result;
        try
        {
            result = await FfmpegOneShot.RunAsync(registry, executable, arguments, Timeout, cancellationToken);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            LogStartFailed(logger, ex);
            return Fail(FfmpegFailure.Unknown, "ffprobe could not be started on the server; is FFmpeg installed?", request);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Fail(FfmpegFailure.Unknown, "The server is shutting down; try again when it is back.", request);
        }

        if (result.ExitCode is not { } exitCode)
        {
            return Fail(FfmpegFailure.HostUnreachable,
                string.Create(CultureInfo.InvariantCulture,
                    $"Host unreachable: {Address(request)} did not answer within {Timeout.TotalSeconds:0} seconds. Check the IP address, the RTSP port and that the camera is on the network."),
                request);
        }

        return Interpret(request, exitCode, result.StandardOutput, result.StandardError);
    }

    /// <summary>Turns ffprobe's exit code, JSON and stderr into a result. Pure, so it is tested on captured output.</summary>
    public static CameraProbeResult Interpret(CameraProbeRequest request, int exitCode, string stdout, string stderr)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (exitCode == 0 && FfmpegStderrParser.ParseProbeJson(stdout) is { } video)
        {
            return video.IsSupported
                ? new CameraProbeResult(true, FfmpegFailure.None, Describe(video), video)
                : Fail(FfmpegFailure.UnsupportedCodec, UnsupportedCodecMessage(video.Codec), request, video);
        }

        string[] lines = (stderr ?? string.Empty).Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        FfmpegDiagnosis diagnosis = FfmpegStderrParser.Classify(lines, exitCode);
        string message = diagnosis.Failure switch
        {
            FfmpegFailure.AuthFailed =>
                "Wrong username or password: the camera refused the login. Check the credentials in the camera's user settings.",
            FfmpegFailure.HostUnreachable =>
                $"Host unreachable: nothing answered at {Address(request)}. Check the IP address, the RTSP port and that the camera is on the network.",
            FfmpegFailure.StreamNotFound =>
                $"No such stream path: the camera has no stream at \"/{request.Path.TrimStart('/')}\". Pick the camera's brand preset or check the path in its manual.",
            FfmpegFailure.UnsupportedCodec => UnsupportedCodecMessage(null),
            FfmpegFailure.ProtocolError =>
                $"The device at {Address(request)} did not answer as an RTSP server. Check the RTSP port (usually 554).",
            FfmpegFailure.None when exitCode == 0 => "The camera answered but reported no video stream at this path.",
            _ => diagnosis.Summary,
        };
        if (diagnosis.Evidence is { } evidence && diagnosis.Failure is not (FfmpegFailure.AuthFailed or FfmpegFailure.StreamNotFound))
        {
            message += " (" + evidence + ")";
        }

        return Fail(diagnosis.Failure, message, request);
    }

    /// <summary>Appended to a successful H.265 probe: the stream plays as is where the browser can decode H.265.</summary>
    public const string H265Advice =
        " Browsers without H.265 support (most, unless the computer decodes it in hardware) cannot play it: pick the SD stream (often H.264) or switch the camera's video encoding to H.264 for those.";

    private static string Describe(VideoStreamInfo video)
    {
        string fps = video.FramesPerSecond is double f ? string.Create(CultureInfo.InvariantCulture, $" at {f:0.##} fps") : string.Empty;
        string advice = VideoCodecNames.TryFromFfmpeg(video.Codec, out VideoCodec codec) && codec == VideoCodec.H265 ? H265Advice : string.Empty;
        return string.Create(CultureInfo.InvariantCulture, $"Connected: {video.Describe()}{fps}.{advice}");
    }

    private static string UnsupportedCodecMessage(string? codec)
    {
        string what = codec ?? "a codec other than H.264 or H.265";
        return $"The camera sends {what}, which CamStudio cannot pass through. Pick the SD stream, or switch the camera's video encoding to H.264.";
    }

    private static string Address(CameraProbeRequest request) =>
        string.Create(CultureInfo.InvariantCulture, $"{request.Host}:{request.Port}");

    private static CameraProbeResult Fail(FfmpegFailure failure, string message, CameraProbeRequest request, VideoStreamInfo? video = null) =>
        new(false, failure, FfmpegArguments.Redact(message, request.Password), video);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ffprobe could not be started")]
    private static partial void LogStartFailed(ILogger logger, Exception exception);
}
