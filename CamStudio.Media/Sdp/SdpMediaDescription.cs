namespace CamStudio.Media.Sdp;

/// <summary>
/// One parsed m= section of an offer. Transport attributes (ICE credentials, fingerprints, setup, direction) are the
/// effective values: the media-level attribute when present, else the session-level one (RFC 8866 §5, RFC 8839 §5.4).
/// </summary>
public sealed class SdpMediaDescription
{
    internal SdpMediaDescription(
        int index,
        string kind,
        int port,
        string protocol,
        IReadOnlyList<string> formats,
        IReadOnlyList<SdpCodec> codecs,
        IReadOnlyList<SdpExtMap> extensions)
    {
        Index = index;
        Kind = kind;
        Port = port;
        Protocol = protocol;
        Formats = formats;
        Codecs = codecs;
        Extensions = extensions;
    }

    /// <summary>Zero-based position of the m= line in the offer; answers keep the same order (RFC 3264 §6).</summary>
    public int Index { get; }

    /// <summary>"video", "audio", "application", ... as written in the m= line.</summary>
    public string Kind { get; }

    public int Port { get; }

    /// <summary>Transport protocol, e.g. "UDP/TLS/RTP/SAVPF" or "UDP/DTLS/SCTP".</summary>
    public string Protocol { get; }

    /// <summary>The fmt list of the m= line as written (payload types for RTP, e.g. "webrtc-datachannel" for SCTP).</summary>
    public IReadOnlyList<string> Formats { get; }

    public string? Mid { get; init; }

    public SdpDirection Direction { get; init; } = SdpDirection.SendRecv;

    /// <summary>Codecs in offer order (the offerer's preference), including rtx/red/ulpfec entries.</summary>
    public IReadOnlyList<SdpCodec> Codecs { get; }

    public IReadOnlyList<SdpExtMap> Extensions { get; }

    public bool RtcpMux { get; init; }

    public bool RtcpReducedSize { get; init; }

    /// <summary>RFC 8843 §6: port 0 does not mean rejected when the section carries a=bundle-only.</summary>
    public bool BundleOnly { get; init; }

    public string? IceUfrag { get; init; }

    public string? IcePassword { get; init; }

    public IReadOnlyList<SdpFingerprint> Fingerprints { get; init; } = [];

    /// <summary>The a=setup value, or null when neither the section nor the session carried one.</summary>
    public string? Setup { get; init; }

    /// <summary>True when the protocol carries RTP (its fmt list holds payload types).</summary>
    public bool IsRtp => Protocol.Contains("RTP", StringComparison.Ordinal);

    /// <summary>Port 0 without a=bundle-only: the offerer itself disabled this section (RFC 3264 §8.2).</summary>
    public bool IsDisabled => Port == 0 && !BundleOnly;
}
