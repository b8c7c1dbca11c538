using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace CamStudio.Media.Ffmpeg;

/// <summary>Why an FFmpeg run ended (or why a probe is not usable).</summary>
public enum FfmpegFailure
{
    None,
    AuthFailed,
    HostUnreachable,
    StreamNotFound,
    UnsupportedCodec,
    /// <summary>The peer accepted TCP but never answered as an RTSP server (or answered garbage) before the I/O timeout.</summary>
    ProtocolError,
    /// <summary>The stream ended or stalled: camera rebooted, cable pulled, FFmpeg killed from outside.</summary>
    ConnectionLost,

    /// <summary>Audio was asked for but the camera sends none (FFmpeg: "Output file #1 does not contain any stream").</summary>
    NoAudio,

    /// <summary>
    /// Not launched: the admission check (<see cref="FfmpegSupervisor.MayLaunch"/>) said this process may not pull the
    /// camera now (in a cluster, another node serves it). No FFmpeg ran, so nothing contacted the camera.
    /// </summary>
    NotAdmitted,
    Unknown,
}

/// <summary>A classified failure: a fixed, user-facing summary and the FFmpeg line that proves it (if any).</summary>
public sealed record FfmpegDiagnosis(FfmpegFailure Failure, string Summary, string? Evidence)
{
    /// <summary>Summary plus evidence where the evidence helps an operator ("Connection refused" vs "No route to host").</summary>
    public string ToStatusText() =>
        Evidence is null || Failure is FfmpegFailure.AuthFailed or FfmpegFailure.StreamNotFound or FfmpegFailure.NoAudio
            ? Summary
            : Summary + " (" + Evidence + ")";
}

/// <summary>What FFmpeg says about the camera's video stream.</summary>
public sealed record VideoStreamInfo(string Codec, string? Profile, int Width, int Height, double? FramesPerSecond)
{
    public bool IsH264 => string.Equals(Codec, "h264", StringComparison.Ordinal);

    /// <summary>H.264 or H.265: a codec CamStudio passes through without re-encoding.</summary>
    public bool IsSupported => Video.VideoCodecNames.TryFromFfmpeg(Codec, out _);

    /// <summary>"H.265 (Main), 1920×1080" — how the dashboard names the stream.</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture, $"{DescribeCodec()}, {Width}×{Height}");

    /// <summary>"H.265 (Main)", "H.264 (High)" or, for a codec we do not pass through, FFmpeg's name in capitals.</summary>
    public string DescribeCodec()
    {
        string codec = Video.VideoCodecNames.TryFromFfmpeg(Codec, out Video.VideoCodec known)
            ? Video.VideoCodecNames.Display(known)
            : Codec.ToUpperInvariant();
        return Profile is null ? codec : codec + " (" + Profile + ")";
    }
}

/// <summary>Pure functions over captured FFmpeg/ffprobe output. Tested on real captured stderr in CamStudio.Tests.</summary>
public static partial class FfmpegStderrParser
{
    public const string AuthFailedSummary = "The camera rejected the username or password.";
    public const string HostUnreachableSummary = "The camera could not be reached.";
    public const string StreamNotFoundSummary = "The camera has no stream at this path.";
    public const string UnsupportedCodecSummary = "The camera sends neither H.264 nor H.265 video; switch its stream to H.264.";
    public const string ProtocolErrorSummary = "The camera did not answer as an RTSP server.";
    public const string ConnectionLostSummary = "The camera stream ended.";
    public const string UnknownSummary = "FFmpeg stopped unexpectedly.";
    public const string NoAudioSummary = "Audio is on, but the camera sends no audio; its video plays without sound.";

    private static readonly string[] s_hostUnreachable =
    [
        "Connection refused", "No route to host", "Connection timed out", "Network is unreachable",
        "Name or service not known", "Temporary failure in name resolution", "Failed to resolve hostname",
    ];

    private static readonly string[] s_connectionLost =
    [
        "Connection reset by peer", "Broken pipe", "End of file", "Operation timed out",
    ];

    /// <summary>Classifies an FFmpeg run from its stderr lines and exit code (null while still running).</summary>
    public static FfmpegDiagnosis Classify(IEnumerable<string> lines, int? exitCode)
    {
        ArgumentNullException.ThrowIfNull(lines);
        string[] all = lines as string[] ?? lines.ToArray();

        if (Find(all, l => RtspStatus().Match(l) is { Success: true } m && m.Groups["code"].Value is "401" or "403")
            is { } auth)
        {
            return new(FfmpegFailure.AuthFailed, AuthFailedSummary, auth);
        }

        if (Find(all, l => RtspStatus().Match(l) is { Success: true } m && m.Groups["code"].Value == "404") is { } notFound)
        {
            return new(FfmpegFailure.StreamNotFound, StreamNotFoundSummary, notFound);
        }

        if (Find(all, l => ContainsAny(l, s_hostUnreachable)) is { } unreachable)
        {
            // A time-out after the stream was described means the camera went quiet mid-stream, not that it was never there.
            return FindVideoStream(all) is null
                ? new(FfmpegFailure.HostUnreachable, HostUnreachableSummary, unreachable)
                : new(FfmpegFailure.ConnectionLost, ConnectionLostSummary, unreachable);
        }

        if ((FindOutputVideoStream(all) ?? FindVideoStream(all)) is { IsSupported: false } video)
        {
            return new(FfmpegFailure.UnsupportedCodec, UnsupportedCodecSummary, "camera sends " + video.Codec);
        }

        if (Find(all, l => l.Contains("does not contain any stream", StringComparison.Ordinal)) is { } empty)
        {
            // Only the audio output can be empty: the video output maps 0:v:0 without '?', which fails differently.
            return new(FfmpegFailure.NoAudio, NoAudioSummary, empty);
        }

        if (Find(all, l => l.Contains("Invalid data found when processing input", StringComparison.Ordinal)) is { } invalid)
        {
            return new(FfmpegFailure.ProtocolError, ProtocolErrorSummary, invalid);
        }

        if (Find(all, l => ContainsAny(l, s_connectionLost)) is { } lost)
        {
            return new(FfmpegFailure.ConnectionLost, ConnectionLostSummary, lost);
        }

        // FFmpeg exits 0 when the RTSP server closes the session (camera killed or rebooted): the stream just ended.
        if (exitCode == 0)
        {
            return new(FfmpegFailure.ConnectionLost, ConnectionLostSummary, null);
        }

        string? lastError = Find(all, IsErrorLine);
        string? exit = exitCode is { } code ? "exit code " + code.ToString(CultureInfo.InvariantCulture) : null;
        return new(FfmpegFailure.Unknown, UnknownSummary, lastError ?? exit);
    }

    /// <summary>Finds the first video stream line ("Stream #0:0: Video: h264 (High), yuv420p, 1280x720, 25 fps") — the input's.</summary>
    public static VideoStreamInfo? FindVideoStream(IEnumerable<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        foreach (string line in lines)
        {
            if (TryParseVideoStream(line, out VideoStreamInfo? info))
            {
                return info;
            }
        }

        return null;
    }

    /// <summary>The video stream FFmpeg writes (after "Output #0"): what actually goes out over RTP. With -c:v copy it
    /// equals the input; for the test pattern the input is rawvideo and the output h264.</summary>
    public static VideoStreamInfo? FindOutputVideoStream(IEnumerable<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        bool inOutput = false;
        foreach (string line in lines)
        {
            inOutput |= IsOutputHeader(line);
            if (inOutput && TryParseVideoStream(line, out VideoStreamInfo? info))
            {
                return info;
            }
        }

        return null;
    }

    /// <summary>True for FFmpeg's "Output #0, rtp, to '...':" header that precedes the output stream lines.</summary>
    public static bool IsOutputHeader(string line) =>
        line is not null && line.Contains("Output #", StringComparison.Ordinal);

    /// <summary>
    /// The codec name of an audio stream line ("Stream #0:1: Audio: pcm_alaw, 8000 Hz, mono" gives "pcm_alaw"), as
    /// FFmpeg names it; false for any other line.
    /// </summary>
    public static bool TryParseAudioStream(string line, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? codec)
    {
        codec = null;
        if (string.IsNullOrEmpty(line))
        {
            return false;
        }

        Match stream = AudioStreamLine().Match(line);
        if (!stream.Success)
        {
            return false;
        }

        codec = stream.Groups["codec"].Value;
        return true;
    }

    public static bool TryParseVideoStream(string line, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out VideoStreamInfo? info)
    {
        info = null;
        if (string.IsNullOrEmpty(line))
        {
            return false;
        }

        Match stream = VideoStreamLine().Match(line);
        if (!stream.Success)
        {
            return false;
        }

        string rest = line[(stream.Index + stream.Length)..];
        Match size = FrameSize().Match(rest);
        if (!size.Success
            || !int.TryParse(size.Groups["w"].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out int width)
            || !int.TryParse(size.Groups["h"].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out int height))
        {
            return false;
        }

        double? fps = null;
        Match rate = FrameRate().Match(rest);
        if (rate.Success && double.TryParse(rate.Groups["fps"].ValueSpan, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double f))
        {
            fps = f;
        }

        string? profile = stream.Groups["profile"].Success ? stream.Groups["profile"].Value : null;
        info = new VideoStreamInfo(stream.Groups["codec"].Value, profile, width, height, fps);
        return true;
    }

    /// <summary>Reads the first video stream of <c>ffprobe -show_streams -of json</c>; null when absent or malformed.</summary>
    public static VideoStreamInfo? ParseProbeJson(string json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return null;
        }

        try
        {
            using JsonDocument doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Object
                || !doc.RootElement.TryGetProperty("streams", out JsonElement streams)
                || streams.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            foreach (JsonElement s in streams.EnumerateArray())
            {
                if (s.ValueKind != JsonValueKind.Object || GetString(s, "codec_type") != "video" || GetString(s, "codec_name") is not { } codec)
                {
                    continue;
                }

                int width = s.TryGetProperty("width", out JsonElement w) && w.TryGetInt32(out int wv) ? wv : 0;
                int height = s.TryGetProperty("height", out JsonElement h) && h.TryGetInt32(out int hv) ? hv : 0;
                return new VideoStreamInfo(codec, GetString(s, "profile"), width, height, ParseRate(GetString(s, "avg_frame_rate") ?? GetString(s, "r_frame_rate")));
            }
        }
        catch (JsonException)
        {
        }

        return null;
    }

    /// <summary>Drops FFmpeg's "[rtsp @ 0x55..] [error] " prefixes so a line reads well in a status field.</summary>
    public static string StripPrefixes(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        return LinePrefix().Replace(line, string.Empty).Trim();
    }

    private static bool IsErrorLine(string line) =>
        line.Contains("[error]", StringComparison.Ordinal) || line.Contains("[fatal]", StringComparison.Ordinal);

    private static string? Find(string[] lines, Func<string, bool> predicate)
    {
        // The last matching line is the most specific one (FFmpeg prints the low-level reason, then the summary).
        for (int i = lines.Length - 1; i >= 0; i--)
        {
            if (lines[i] is { } line && predicate(line))
            {
                // "rtsp://***@host:554/path: Connection refused" -> "Connection refused": the URL is known to the caller.
                return UrlPrefix().Replace(StripPrefixes(line), string.Empty);
            }
        }

        return null;
    }

    private static bool ContainsAny(string line, string[] needles) =>
        needles.Any(n => line.Contains(n, StringComparison.Ordinal));

    private static string? GetString(JsonElement element, string name) =>
        element.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static double? ParseRate(string? rate)
    {
        if (rate is null)
        {
            return null;
        }

        string[] parts = rate.Split('/');
        return parts.Length == 2
            && double.TryParse(parts[0], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double n)
            && double.TryParse(parts[1], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double d)
            && d > 0 && n > 0
            ? n / d
            : null;
    }

    // "method DESCRIBE failed: 401 Unauthorized" and "Server returned 401 Unauthorized (authorization failed)".
    [GeneratedRegex(@"(?:method [A-Z_]+ failed|Server returned):? (?<code>\d{3})\b", RegexOptions.CultureInvariant)]
    private static partial Regex RtspStatus();

    [GeneratedRegex(@"Stream #\d+:\d+(?:\[0x[0-9a-fA-F]+\])?(?:\([^)]*\))?: Audio: (?<codec>[A-Za-z0-9_]+)", RegexOptions.CultureInvariant)]
    private static partial Regex AudioStreamLine();

    [GeneratedRegex(@"Stream #\d+:\d+(?:\[0x[0-9a-fA-F]+\])?(?:\([^)]*\))?: Video: (?<codec>[A-Za-z0-9_]+)(?: \((?<profile>[^)]*)\))?", RegexOptions.CultureInvariant)]
    private static partial Regex VideoStreamLine();

    [GeneratedRegex(@", (?<w>\d{2,5})x(?<h>\d{2,5})\b", RegexOptions.CultureInvariant)]
    private static partial Regex FrameSize();

    [GeneratedRegex(@", (?<fps>\d+(?:\.\d+)?) fps\b", RegexOptions.CultureInvariant)]
    private static partial Regex FrameRate();

    [GeneratedRegex(@"^[a-z][a-z0-9+.\-]*://\S+: ", RegexOptions.CultureInvariant)]
    private static partial Regex UrlPrefix();

    [GeneratedRegex(@"^(?:\s*\[[^\]]*\])+\s*", RegexOptions.CultureInvariant)]
    private static partial Regex LinePrefix();
}
