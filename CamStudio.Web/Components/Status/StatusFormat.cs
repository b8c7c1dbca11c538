using System.Globalization;
using CamStudio.Core.Cameras;

namespace CamStudio.Web.Components.Status;

/// <summary>Short, invariant renderings of status numbers for the tables.</summary>
public static class StatusFormat
{
    /// <summary>
    /// How the camera is being served: "webrtc" or "hls" when all its viewers use one (the wire's stream_type), both
    /// with their counts when some viewers had to fall back to HLS, "—" when nothing runs.
    /// </summary>
    public static string Transport(CameraRuntimeStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        if (!status.IsRunning)
        {
            return "—";
        }

        return status.HlsViewerCount > 0 && status.WebRtcViewerCount > 0
            ? string.Create(CultureInfo.InvariantCulture, $"webrtc {status.WebRtcViewerCount} · hls {status.HlsViewerCount}")
            : status.StreamType;
    }

    /// <summary>
    /// What each running quality carries: "SD H.264 (High) 640×360", both qualities joined by " · ", "—" before FFmpeg
    /// has described any (a camera never started since the app started).
    /// </summary>
    public static string Video(CameraRuntimeStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        string[] parts = status.Streams
            .Where(s => s.Codec is not null)
            .OrderBy(s => s.Quality)
            .Select(s => string.Create(CultureInfo.InvariantCulture,
                $"{(s.Quality == StreamQuality.Stream1 ? "HD" : "SD")} {s.Codec}{(s.Width > 0 ? $" {s.Width}×{s.Height}" : string.Empty)}"))
            .ToArray();
        return parts.Length == 0 ? "—" : string.Join(" · ", parts);
    }

    public static string Uptime(CameraRuntimeStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        return status.IsRunning ? Duration(TimeSpan.FromSeconds(status.UptimeSeconds)) : "—";
    }

    public static string LastFrameAge(CameraRuntimeStatus status, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(status);
        return Age(status.LastFrameTime, now);
    }

    /// <summary>"just now", "12s ago", or "—" when it never happened.</summary>
    public static string Age(DateTimeOffset? at, DateTimeOffset now)
    {
        if (at is not { } last)
        {
            return "—";
        }

        TimeSpan age = now - last;
        return age < TimeSpan.FromSeconds(1)
            ? "just now"
            : Duration(age) + " ago";
    }

    /// <summary>The node serving the camera in cluster mode; "moving…" while no node owns it (between owners).</summary>
    public static string Node(CameraRuntimeStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        return status.Node ?? "moving…";
    }

    /// <summary>A measured rate, or a dash while the stream is not running (0 would read as "broken").</summary>
    public static string Measured(CameraRuntimeStatus status, double value, string format, string unit)
    {
        ArgumentNullException.ThrowIfNull(status);
        return status.IsRunning && value > 0 ? value.ToString(format, CultureInfo.InvariantCulture) + unit : "—";
    }

    public static string Duration(TimeSpan span)
    {
        if (span < TimeSpan.Zero)
        {
            span = TimeSpan.Zero;
        }

        return span.TotalHours >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalHours}h {span.Minutes:00}m")
            : span.TotalMinutes >= 1
                ? string.Create(CultureInfo.InvariantCulture, $"{span.Minutes}m {span.Seconds:00}s")
                : string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalSeconds}s");
    }
}
