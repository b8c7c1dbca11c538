using System.Diagnostics;
using System.Globalization;
using CamStudio.Core.Cameras;
using CamStudio.Media.Ffmpeg;

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
/// answer is the one that matters) and turns the result into an actionable message.
/// </summary>
public sealed partial class CameraProbeService(ILogger<CameraProbeService> logger, string executable = "ffprobe")
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

        var startInfo = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        foreach (string argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = new Process { StartInfo = startInfo };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            LogStartFailed(logger, ex);
            return Fail(FfmpegFailure.Unknown, "ffprobe could not be started on the server; is FFmpeg installed?", request);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        // Both pipes are drained concurrently: a full stderr pipe would block ffprobe before it writes its JSON.
        Task<string> stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        Task<string> stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
            await Task.WhenAll(stdout, stderr);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Kill(process);
            return Fail(FfmpegFailure.HostUnreachable,
                string.Create(CultureInfo.InvariantCulture,
                    $"Host unreachable: {Address(request)} did not answer within {Timeout.TotalSeconds:0} seconds. Check the IP address, the RTSP port and that the camera is on the network."),
                request);
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            throw;
        }

        return Interpret(request, process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Turns ffprobe's exit code, JSON and stderr into a result. Pure, so it is tested on captured output.</summary>
    public static CameraProbeResult Interpret(CameraProbeRequest request, int exitCode, string stdout, string stderr)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (exitCode == 0 && FfmpegStderrParser.ParseProbeJson(stdout) is { } video)
        {
            return video.IsH264
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

    private static string Describe(VideoStreamInfo video)
    {
        string codec = video.Profile is null ? "H.264" : "H.264 (" + video.Profile + ")";
        string fps = video.FramesPerSecond is double f ? string.Create(CultureInfo.InvariantCulture, $" at {f:0.##} fps") : string.Empty;
        return string.Create(CultureInfo.InvariantCulture, $"Connected: {codec}, {video.Width}×{video.Height}{fps}.");
    }

    private static string UnsupportedCodecMessage(string? codec)
    {
        bool hevc = codec is null or "hevc" or "h265";
        string what = hevc ? "H.265 (HEVC)" : codec!;
        return $"The camera sends {what}, which browsers cannot play. Pick the SD stream (often H.264), or switch the camera's video encoding to H.264.";
    }

    private static string Address(CameraProbeRequest request) =>
        string.Create(CultureInfo.InvariantCulture, $"{request.Host}:{request.Port}");

    private static CameraProbeResult Fail(FfmpegFailure failure, string message, CameraProbeRequest request, VideoStreamInfo? video = null) =>
        new(false, failure, FfmpegArguments.Redact(message, request.Password), video);

    private static void Kill(Process process)
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "ffprobe could not be started")]
    private static partial void LogStartFailed(ILogger logger, Exception exception);
}
