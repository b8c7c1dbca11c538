using System.Globalization;
using System.Text.RegularExpressions;

namespace CamStudio.Media.Ffmpeg;

/// <summary>
/// Builds FFmpeg/ffprobe argument lists for <see cref="System.Diagnostics.ProcessStartInfo.ArgumentList"/>.
/// Pure: no I/O, no shell, every value one list element, so nothing a camera field contains can become a second option.
/// README.md in this folder explains each argument.
/// </summary>
public static partial class FfmpegArguments
{
    /// <summary>The RTP payload type FFmpeg stamps on the loopback stream; CameraStream expects it.</summary>
    public const int RtpPayloadType = 96;

    /// <summary>Leaves room for the SRTP auth tag and headers under a 1280-byte path MTU.</summary>
    public const int RtpPacketSize = 1200;

    /// <summary>Only these protocols may be opened for the camera input: no file:, no http:, no concat/subfile tricks.</summary>
    public const string ProtocolWhitelist = "rtsp,rtp,tcp,udp";

    /// <summary>Socket I/O timeout: a camera that stops answering makes FFmpeg fail after this long instead of hanging.</summary>
    public static readonly TimeSpan DefaultIoTimeout = TimeSpan.FromSeconds(5);

    private const string Redacted = "***";

    /// <summary>Pull the camera's H.264 over RTSP/TCP and re-send it unchanged as RTP to 127.0.0.1:<paramref name="rtpPort"/>.</summary>
    public static IReadOnlyList<string> ForRtspToRtp(RtspSource source, int rtpPort, TimeSpan? ioTimeout = null) =>
        ForRtspToRtp(source, rtpPort, audio: null, ioTimeout);

    /// <summary>
    /// Like <see cref="ForRtspToRtp(RtspSource, int, TimeSpan?)"/>, plus the camera's first audio track as a second RTP
    /// output when <paramref name="audio"/> is given: copied when it is G.711 already, else transcoded to Opus. Only
    /// the audio is ever encoded; the video stays <c>-c:v copy</c>. A camera without audio makes FFmpeg stop at once
    /// with "Output file #1 does not contain any stream" (<see cref="FfmpegFailure.NoAudio"/>).
    /// </summary>
    public static IReadOnlyList<string> ForRtspToRtp(RtspSource source, int rtpPort, AudioOutput? audio, TimeSpan? ioTimeout = null) =>
        ForRtspToRtp(source, rtpPort, audio, hlsAudio: null, ioTimeout);

    /// <summary>
    /// Like <see cref="ForRtspToRtp(RtspSource, int, AudioOutput?, TimeSpan?)"/>, plus a third output when
    /// <paramref name="hlsAudio"/> is given: the camera's first audio track copied untouched (<c>-c:a copy</c>; the
    /// rtp muxer sends AAC as RFC 3640 mpeg4-generic AAC-hbr) for LL-HLS. Copying costs next to nothing.
    /// When <paramref name="videoRtcpPort"/> is not 0, FFmpeg's sender reports for the video go to that loopback port,
    /// and every output with an RTCP port reports on one clock starting at <paramref name="reportsStart"/> (default: now;
    /// see <see cref="StartTimeRealtime"/>): what places audio and video on one timeline for lip sync.
    /// </summary>
    public static IReadOnlyList<string> ForRtspToRtp(
        RtspSource source, int rtpPort, AudioOutput? audio, AudioOutput? hlsAudio, TimeSpan? ioTimeout = null,
        int videoRtcpPort = 0, DateTimeOffset? reportsStart = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        string url = source.ToUrl();
        var args = new List<string>(40);
        AddCommon(args);
        AddRtspInput(args, url, ioTimeout ?? DefaultIoTimeout);
        AddLiveProbe(args);
        args.AddRange(["-i", url]);
        // Copy, never transcode: the camera already encodes H.264; decoding and re-encoding would cost a core per camera.
        args.AddRange(["-map", "0:v:0", "-an", "-sn", "-dn", "-c:v", "copy"]);
        // One start for every output of this run (see StartTimeRealtime).
        string start = StartTimeRealtime(reportsStart ?? DateTimeOffset.UtcNow);
        AddRtpOutput(args, rtpPort, videoRtcpPort, start);
        if (audio is { } a)
        {
            AddAudioOutput(args, a, start);
        }

        if (hlsAudio is { } h)
        {
            AddAudioOutput(args, h with { Codec = Audio.AudioCodec.Aac }, start);
        }

        return args;
    }

    /// <summary>How long FFmpeg may look at a live camera before it starts copying: half a second of stream at most.</summary>
    public const int LiveAnalyzeMicroseconds = 500_000;

    /// <summary>
    /// Input options that let the copy start with the camera's first key frame instead of a later one. Not
    /// <c>-fflags nobuffer</c>: it makes FFmpeg throw away the packets it reads while probing the streams, and the first
    /// of them is the IDR a camera opens each session with, so the copy began at the next key frame, a whole GOP later
    /// (4.4–4.9 s cold starts with a 4 s GOP; the live latency after the start is the same either way). Probing stops
    /// as soon as every stream's parameters are known (the first decodable frame) rather than after the default 20
    /// frames for a frame-rate estimate (<c>-fpsprobesize 0</c>: the source measures the frame rate itself from RTP
    /// timestamps), and never looks at more than <see cref="LiveAnalyzeMicroseconds"/> of stream.
    /// </summary>
    private static void AddLiveProbe(List<string> args) =>
        args.AddRange(["-flags", "low_delay", "-analyzeduration",
            LiveAnalyzeMicroseconds.ToString(CultureInfo.InvariantCulture), "-fpsprobesize", "0"]);

    /// <summary>The built-in demo camera: a moving test pattern encoded to H.264 by FFmpeg itself.</summary>
    public static IReadOnlyList<string> ForTestPattern(int rtpPort, int width, int height, int fps, int gopSeconds)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 16);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(width, 3840);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 16);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(height, 2160);
        ArgumentOutOfRangeException.ThrowIfLessThan(fps, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(fps, 60);
        ArgumentOutOfRangeException.ThrowIfLessThan(gopSeconds, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(gopSeconds, 10);
        if (width % 2 != 0 || height % 2 != 0)
        {
            throw new ArgumentException("yuv420p needs an even width and height.", nameof(width));
        }

        string gop = (fps * gopSeconds).ToString(CultureInfo.InvariantCulture);
        string source = string.Create(CultureInfo.InvariantCulture, $"testsrc2=size={width}x{height}:rate={fps}");
        var args = new List<string>(48);
        AddCommon(args);
        // -re is right here (and only here): a generator would otherwise run as fast as the CPU allows.
        args.AddRange(["-re", "-f", "lavfi", "-i", source]);
        args.AddRange(["-an", "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-profile:v", "baseline"]);
        args.AddRange(["-g", gop, "-keyint_min", gop, "-sc_threshold", "0", "-bf", "0", "-pix_fmt", "yuv420p"]);
        AddRtpOutput(args, rtpPort);
        return args;
    }

    /// <summary>ffprobe arguments that print the camera's streams as JSON (codec, size, frame rate).</summary>
    public static IReadOnlyList<string> ForProbe(RtspSource source, TimeSpan? ioTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        string url = source.ToUrl();
        var args = new List<string>(20) { "-hide_banner", "-v", "error" };
        AddRtspInput(args, url, ioTimeout ?? DefaultIoTimeout);
        args.AddRange(["-select_streams", "v", "-show_streams", "-of", "json", "-i", url]);
        return args;
    }

    /// <summary>
    /// Replaces each secret (as written and percent-encoded) and any <c>user:pass@</c> of a URL with <c>***</c>.
    /// Used on every log line, status field and exception message that may carry FFmpeg output or a URL.
    /// </summary>
    public static string Redact(string text, params string?[] secrets)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? string.Empty;
        }

        if (secrets is not null)
        {
            // Longest first, so a secret that contains another is not half-replaced.
            foreach (string secret in secrets.OfType<string>().Where(s => s.Length > 0).Distinct(StringComparer.Ordinal)
                         .OrderByDescending(s => s.Length))
            {
                string encoded = Uri.EscapeDataString(secret);
                text = text.Replace(encoded, Redacted, StringComparison.Ordinal);
                text = text.Replace(LowerHexEscapes().Replace(encoded, m => m.Value.ToLowerInvariant()), Redacted, StringComparison.Ordinal);
                text = text.Replace(secret, Redacted, StringComparison.Ordinal);
            }
        }

        return UserInfo().Replace(text, "${scheme}" + Redacted + "@");
    }

    /// <summary>Joins arguments for a log line, redacted. Never used to build a command line.</summary>
    public static string ToDisplayString(IEnumerable<string> arguments, params string?[] secrets) =>
        Redact(string.Join(' ', arguments), secrets);

    private static void AddCommon(List<string> args) =>
        // Keep stdin open: StopAsync asks FFmpeg to quit by writing 'q' to it. -nostats drops the progress line that
        // would otherwise flood stderr; level+info keeps the "Stream #0:0: Video: ..." line the parser reads.
        args.AddRange(["-hide_banner", "-nostats", "-loglevel", "level+info"]);

    private static void AddRtspInput(List<string> args, string url, TimeSpan ioTimeout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ioTimeout, TimeSpan.Zero);
        long microseconds = (long)ioTimeout.TotalMicroseconds;
        args.AddRange([
            "-protocol_whitelist", ProtocolWhitelist,
            "-rtsp_transport", "tcp",
            "-timeout", microseconds.ToString(CultureInfo.InvariantCulture),
        ]);
        // Belt and braces: ToUrl validated the fields, and the URL must still start with our scheme.
        if (!url.StartsWith("rtsp://", StringComparison.Ordinal))
        {
            throw new ArgumentException("Only rtsp:// URLs are accepted.", nameof(url));
        }
    }

    /// <summary>
    /// "-start_time_realtime" for every RTP output of a run: the wall-clock instant (µs since 1970) all of them claim for
    /// presentation time 0. FFmpeg's rtp muxer stamps packets base + pts (a random base per output) and its sender
    /// reports base + (now − start): with one start for all outputs, the reports of the audio and the video describe one
    /// timeline, so a receiver can map either stream's timestamps onto the other's (RtpClockAnchor). Without it each
    /// output takes the moment its own header was written. The start must be near the run's real start (the reports'
    /// timestamps then stay near the packets'), so callers pass the time they build the arguments at.
    /// </summary>
    public static string StartTimeRealtime(DateTimeOffset start) =>
        (start.ToUnixTimeMilliseconds() * 1000).ToString(CultureInfo.InvariantCulture);

    private static void AddRtpOutput(List<string> args, int rtpPort, int rtcpPort = 0, string? start = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rtpPort, 1024);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rtpPort, 65534); // FFmpeg sends RTCP to port + 1 by default
        args.AddRange([
            "-bsf:v", "dump_extra=freq=keyframe",
            "-f", "rtp",
            "-payload_type", RtpPayloadType.ToString(CultureInfo.InvariantCulture),
            "-pkt_size", RtpPacketSize.ToString(CultureInfo.InvariantCulture),
        ]);
        AddRtpDestination(args, rtpPort, rtcpPort, start);
    }

    private static void AddRtpDestination(List<string> args, int rtpPort, int rtcpPort, string? start)
    {
        if (rtcpPort == 0)
        {
            args.Add(string.Create(CultureInfo.InvariantCulture, $"rtp://127.0.0.1:{rtpPort}"));
            return;
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(rtcpPort, 1024);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rtcpPort, 65535);
        args.AddRange([
            "-start_time_realtime", start ?? StartTimeRealtime(DateTimeOffset.UtcNow),
            string.Create(CultureInfo.InvariantCulture, $"rtp://127.0.0.1:{rtpPort}?rtcpport={rtcpPort}"),
        ]);
    }

    private static void AddAudioOutput(List<string> args, AudioOutput audio, string? start = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(audio.RtpPort, 1024);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(audio.RtpPort, 65534);
        // "-map 0:a:0?" takes the first audio track if there is one; -vn keeps FFmpeg from filling an empty output with
        // a re-encoded copy of the video (its default stream selection would).
        args.AddRange(["-map", "0:a:0?", "-vn", "-sn", "-dn"]);
        if (audio.Codec is Audio.AudioCodec.Pcma or Audio.AudioCodec.Pcmu or Audio.AudioCodec.Aac)
        {
            // G.711 already: every WebRTC browser decodes it, so it is passed through untouched. AAC (for HLS) is the
            // camera's own stream, copied whatever it is; the receiver only takes it once FFmpeg said it is AAC-LC.
            args.AddRange(["-c:a", "copy"]);
        }
        else
        {
            // AAC (or anything else) to Opus: 48 kHz as RFC 7587 requires, mono like the microphone, 20 ms frames,
            // the low-delay mode (no look-ahead), and a speech-sized bit rate.
            args.AddRange([
                "-c:a", "libopus", "-ar", "48000", "-ac", "1", "-b:a", "32k",
                "-application", "lowdelay", "-frame_duration", "20",
            ]);
        }

        if (audio.Codec == Audio.AudioCodec.Aac)
        {
            // The rtp muxer otherwise packs several AAC frames per packet (3 at 16 kHz by default, measured), holding
            // the first one back by up to 0.2 s; LL-HLS cuts parts every 0.2 s, so each frame leaves at once.
            args.AddRange(["-muxdelay", "0"]);
        }

        args.AddRange([
            "-f", "rtp",
            "-payload_type", AudioPayloadType(audio.Codec).ToString(CultureInfo.InvariantCulture),
        ]);
        AddRtpDestination(args, audio.RtpPort, audio.RtcpPort, start);
    }

    /// <summary>The payload type FFmpeg stamps on the audio: G.711's static numbers (RFC 3551), 111 for Opus, 97 for AAC.</summary>
    public static int AudioPayloadType(Audio.AudioCodec codec) => codec switch
    {
        Audio.AudioCodec.Pcmu => 0,
        Audio.AudioCodec.Pcma => 8,
        Audio.AudioCodec.Aac => 97,
        _ => 111,
    };

    [GeneratedRegex(@"(?<scheme>[A-Za-z][A-Za-z0-9+.\-]*://)[^\s/'""]+@", RegexOptions.CultureInvariant)]
    private static partial Regex UserInfo();

    [GeneratedRegex("%[0-9A-F]{2}", RegexOptions.CultureInvariant)]
    private static partial Regex LowerHexEscapes();
}

/// <summary>Where and how FFmpeg sends a camera's audio: RTP to 127.0.0.1:<see cref="RtpPort"/> as <see cref="Codec"/>.</summary>
/// <param name="RtpPort">The audio source's loopback port.</param>
/// <param name="Codec">G.711 (copied, the camera must send it) or Opus (transcoded from whatever the camera sends).</param>
/// <param name="RtcpPort">Where FFmpeg sends this output's sender reports (0: its default, RTP port + 1).</param>
public readonly record struct AudioOutput(int RtpPort, Audio.AudioCodec Codec, int RtcpPort = 0);
