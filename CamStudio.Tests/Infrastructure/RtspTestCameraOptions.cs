namespace CamStudio.Tests.Infrastructure;

/// <summary>Which HTTP-style authentication the test camera offers.</summary>
public enum RtspAuthentication
{
    /// <summary>Basic and Digest (what most IP cameras offer).</summary>
    Both,

    /// <summary>Basic only.</summary>
    Basic,

    /// <summary>Digest only.</summary>
    Digest,
}

/// <summary>What the camera shows.</summary>
public enum RtspTestPattern
{
    /// <summary>The GStreamer test pattern with a clock overlay.</summary>
    Clock,

    /// <summary>Black picture with wall-clock time and running time in milliseconds as text, for latency benchmarks.</summary>
    Timestamp,

    /// <summary>
    /// Noise with the capture time as a machine-readable band (the browser benchmark's camera). Its frames come from the
    /// script, so a second session of the shared mount really joins the running encoder mid-GOP.
    /// </summary>
    Stamp,
}

/// <summary>The video codec the camera is set to.</summary>
public enum RtspTestVideoCodec
{
    /// <summary>H.264 (x264enc).</summary>
    H264,

    /// <summary>H.265 Main (x265enc), as many cameras now send on their main stream.</summary>
    H265,
}

/// <summary>The camera's microphone track.</summary>
public enum RtspTestAudio
{
    /// <summary>No audio track.</summary>
    None,

    /// <summary>AAC-LC, 16 kHz mono (RFC 3640 mpeg4-generic).</summary>
    Aac,

    /// <summary>G.711 A-law, 8 kHz.</summary>
    Pcma,

    /// <summary>G.711 µ-law, 8 kHz.</summary>
    Pcmu,
}

/// <summary>Settings of <see cref="RtspTestCamera"/>; the defaults are a typical 720p camera.</summary>
public sealed record RtspTestCameraOptions
{
    /// <summary>
    /// Address the camera listens on; the cluster rig uses the namespace address 10.213.0.1, which a node in a child
    /// namespace can reach (its loopback is its own).
    /// </summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>User name the camera requires.</summary>
    public string User { get; init; } = "admin";

    /// <summary>Password the camera requires.</summary>
    public string Password { get; init; } = "secret";

    /// <summary>Offered authentication schemes.</summary>
    public RtspAuthentication Authentication { get; init; } = RtspAuthentication.Both;

    /// <summary>Size of the main stream /stream1.</summary>
    public (int Width, int Height) MainSize { get; init; } = (1280, 720);

    /// <summary>Size of the sub stream /stream2.</summary>
    public (int Width, int Height) SubSize { get; init; } = (640, 360);

    /// <summary>Frames per second of both streams.</summary>
    public int FramesPerSecond { get; init; } = 25;

    /// <summary>Seconds between key frames (x264 key-int-max = fps × this).</summary>
    public double GopSeconds { get; init; } = 2;

    /// <summary>Bit rate of /stream1 in kbit/s; /stream2 gets a quarter.</summary>
    public int BitrateKbps { get; init; } = 2000;

    /// <summary>H.264 profile: baseline, main or high.</summary>
    public string Profile { get; init; } = "high";

    /// <summary>Picture content.</summary>
    public RtspTestPattern Pattern { get; init; } = RtspTestPattern.Clock;

    /// <summary>Video codec of both streams.</summary>
    public RtspTestVideoCodec Codec { get; init; } = RtspTestVideoCodec.H264;

    /// <summary>Video codec of the sub stream /stream2 when it differs from <see cref="Codec"/>.</summary>
    public RtspTestVideoCodec? SubCodec { get; init; }

    /// <summary>Microphone track of both streams (a 440 Hz tone).</summary>
    public RtspTestAudio Audio { get; init; } = RtspTestAudio.None;

    /// <summary>Start every RTSP session with a key frame, as most real cameras do (the encoder is asked for one at PLAY).</summary>
    public bool KeyframeOnPlay { get; init; }

    /// <summary>How long to wait for the camera to listen before failing the test.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(20);
}
