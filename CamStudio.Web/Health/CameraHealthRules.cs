using System.Globalization;
using CamStudio.Core.Cameras;
using CamStudio.Core.Health;
using CamStudio.Media.Ffmpeg;
using CamStudio.Media.Rtsp;

namespace CamStudio.Web.Health;

/// <summary>
/// Pure rules: what a DESCRIBE answer, or a running stream's status, means for a camera's health. Details are
/// user-facing sentences and never contain credentials (the request's password never reaches them).
/// </summary>
public static class CameraHealthRules
{
    public const string WrongPasswordDetail = "The camera refused the stored username or password.";
    public const string DemoDetail = "Built-in test pattern.";

    /// <summary>The health after a check that ended with <paramref name="result"/>.</summary>
    public static CameraHealth FromCheck(
        CameraHealth previous, RtspDescribeResult result, RtspDescribeRequest request, TimeSpan timeout, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(request);
        CultureInfo c = CultureInfo.InvariantCulture;
        (CameraHealthState state, string? detail) = result.Outcome switch
        {
            RtspDescribeOutcome.Ok when result.VideoCodec is "H264" or "H265" => (CameraHealthState.Online, null),
            RtspDescribeOutcome.Ok => (CameraHealthState.UnsupportedCodec, result.VideoCodec is null
                ? "The camera's stream has no video CamStudio can name; switch it to H.264."
                : "The camera sends " + result.VideoCodec + " video; CamStudio passes on H.264 and H.265 only."),
            RtspDescribeOutcome.Refused => (CameraHealthState.Offline,
                string.Create(c, $"Connection refused: nothing listens on port {request.Port}.")),
            RtspDescribeOutcome.Timeout => (CameraHealthState.Offline,
                string.Create(c, $"No answer within {timeout.TotalSeconds:0.#} s.")),
            RtspDescribeOutcome.Unreachable => (CameraHealthState.Offline, "The camera's address cannot be reached."),
            RtspDescribeOutcome.Unauthorized => (CameraHealthState.WrongPassword, WrongPasswordDetail),
            RtspDescribeOutcome.NotFound => (CameraHealthState.StreamNotFound,
                "The camera has no stream at /" + request.Path.TrimStart('/') + "."),
            RtspDescribeOutcome.OtherStatus => (CameraHealthState.Offline,
                string.Create(c, $"The camera answered RTSP status {result.StatusCode}.")),
            _ => (CameraHealthState.Offline, "The camera did not answer as an RTSP server."),
        };

        // "Last seen" means the camera answered as a camera should: a playable stream, or a stream we cannot play.
        bool seen = result.Outcome == RtspDescribeOutcome.Ok;
        return new CameraHealth
        {
            CameraId = previous.CameraId,
            State = state,
            Detail = detail,
            LastSeen = seen ? now : previous.LastSeen,
            CheckedAt = now,
            FromStream = false,
        };
    }

    /// <summary>
    /// The health of a camera whose stream runs, or null when the stream says nothing yet (starting or stopping:
    /// the previous health stands).
    /// </summary>
    public static CameraHealth? FromStream(CameraHealth previous, CameraRuntimeStatus status, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(status);
        (CameraHealthState State, string? Detail)? mapped = status.State switch
        {
            CameraStreamState.Streaming => (CameraHealthState.Online, null),
            CameraStreamState.AuthFailed => (CameraHealthState.WrongPassword, WrongPasswordDetail),
            CameraStreamState.Reconnecting => FromFailure(status.LastError),
            _ => null,
        };
        if (mapped is not { } m)
        {
            return null;
        }

        return new CameraHealth
        {
            CameraId = previous.CameraId,
            State = m.State,
            Detail = m.Detail,
            LastSeen = m.State == CameraHealthState.Online ? status.LastFrameTime ?? now : previous.LastSeen,
            CheckedAt = now,
            FromStream = true,
        };
    }

    /// <summary>The demo pattern camera: made by FFmpeg in-process, so always there.</summary>
    public static CameraHealth Demo(int cameraId, DateTimeOffset now) => new()
    {
        CameraId = cameraId,
        State = CameraHealthState.Online,
        Detail = DemoDetail,
        LastSeen = now,
        CheckedAt = now,
    };

    // The stream's last error starts with one of FfmpegStderrParser's fixed summaries (credentials already redacted).
    private static (CameraHealthState, string?) FromFailure(string? lastError)
    {
        if (lastError is null)
        {
            return (CameraHealthState.Offline, "The camera stream stopped; reconnecting.");
        }

        if (lastError.StartsWith(FfmpegStderrParser.StreamNotFoundSummary, StringComparison.Ordinal))
        {
            return (CameraHealthState.StreamNotFound, lastError);
        }

        if (lastError.StartsWith(FfmpegStderrParser.UnsupportedCodecSummary, StringComparison.Ordinal))
        {
            return (CameraHealthState.UnsupportedCodec, lastError);
        }

        if (lastError.StartsWith(FfmpegStderrParser.AuthFailedSummary, StringComparison.Ordinal))
        {
            return (CameraHealthState.WrongPassword, WrongPasswordDetail);
        }

        return (CameraHealthState.Offline, lastError);
    }
}
