namespace CamStudio.Media.Rtsp;

/// <summary>How a DESCRIBE ended, in the terms a health check needs.</summary>
public enum RtspDescribeOutcome : byte
{
    /// <summary>200 with an SDP body; <see cref="RtspDescribeResult.VideoCodec"/> names its video.</summary>
    Ok,

    /// <summary>No route to the host, or the host name does not resolve.</summary>
    Unreachable,

    /// <summary>The host answered the TCP connect with a reset: nothing listens on the port.</summary>
    Refused,

    /// <summary>No connection or no complete answer within the check's time limit.</summary>
    Timeout,

    /// <summary>401 after the one authenticated retry (or with no credentials to offer).</summary>
    Unauthorized,

    /// <summary>404: the stream path does not exist on the camera.</summary>
    NotFound,

    /// <summary>Any other RTSP status; <see cref="RtspDescribeResult.StatusCode"/> says which.</summary>
    OtherStatus,

    /// <summary>The peer answered something that is not RTSP, closed mid-answer, or asked for an unknown scheme.</summary>
    ProtocolError,
}

/// <summary>
/// The answer to one DESCRIBE. <see cref="VideoCodec"/> is "H264", "H265" or the SDP's encoding name in upper case,
/// and null when the outcome is not <see cref="RtspDescribeOutcome.Ok"/> or the SDP has no video.
/// </summary>
public readonly record struct RtspDescribeResult(RtspDescribeOutcome Outcome, int StatusCode = 0, string? VideoCodec = null)
{
    public static RtspDescribeResult Of(RtspDescribeOutcome outcome) => new(outcome);
}

/// <summary>
/// What to DESCRIBE: plain values, like <see cref="Ffmpeg.RtspSource"/>. <see cref="ToString"/> never prints the password.
/// </summary>
public sealed record RtspDescribeRequest(string Host, int Port, string Path, string? Username, string? Password)
{
    /// <summary>The request URI (no credentials: RTSP sends them in the Authorization header only).</summary>
    public string Uri
    {
        get
        {
            string host = Host.Contains(':', StringComparison.Ordinal) && !Host.StartsWith('[') ? "[" + Host + "]" : Host;
            return string.Create(
                System.Globalization.CultureInfo.InvariantCulture, $"rtsp://{host}:{Port}/{Path.TrimStart('/')}");
        }
    }

    public bool HasCredentials => !string.IsNullOrEmpty(Username) || !string.IsNullOrEmpty(Password);

    public override string ToString() => Uri + " [credentials redacted]";
}

/// <summary>Sends an RTSP DESCRIBE and reports how the camera answered (the health check's probe).</summary>
public interface IRtspDescribeClient
{
    /// <summary>
    /// Connects, asks, answers one 401 challenge, and closes. Never throws for anything the network or the camera does;
    /// cancellation of <paramref name="cancellationToken"/> is the only exception (the time limit is <paramref name="timeout"/>).
    /// </summary>
    Task<RtspDescribeResult> DescribeAsync(RtspDescribeRequest request, TimeSpan timeout, CancellationToken cancellationToken);
}
