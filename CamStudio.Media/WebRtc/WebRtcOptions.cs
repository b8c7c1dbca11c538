using System.ComponentModel.DataAnnotations;

namespace CamStudio.Media.WebRtc;

/// <summary>Configuration of the WebRTC media plane (section <c>WebRtc</c>).</summary>
public sealed class WebRtcOptions
{
    public const string SectionName = "WebRtc";

    /// <summary>The one UDP port every viewer's ICE, DTLS and SRTP share.</summary>
    [Range(0, 65535)]
    public int UdpPort { get; set; } = 8555;

    /// <summary>Address the UDP socket binds to. Any by default.</summary>
    public string BindAddress { get; set; } = "0.0.0.0";

    /// <summary>
    /// Addresses put into the answer's host candidates. Empty means: every non-loopback interface address
    /// of this machine. Set it behind NAT or in Docker to the address browsers can reach.
    /// </summary>
    public List<string> AdvertisedAddresses { get; set; } = [];

    /// <summary>Optional STUN/TURN server URLs handed to the browser's RTCPeerConnection configuration.</summary>
    public List<IceServerOptions> IceServers { get; set; } = [];

    /// <summary>RFC 7675 consent freshness: a viewer with no valid connectivity check for this long is gone.</summary>
    [Range(typeof(TimeSpan), "00:00:05", "00:10:00")]
    public TimeSpan ConsentTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a viewer may take from answer to a completed DTLS handshake.</summary>
    [Range(typeof(TimeSpan), "00:00:02", "00:05:00")]
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Packets kept per viewer for NACK retransmission (about 1–2 s of HD video).</summary>
    [Range(64, 16384)]
    public int RetransmissionHistoryPackets { get; set; } = 1024;

    /// <summary>Upper bound on concurrent viewer sessions across all cameras.</summary>
    [Range(1, 10000)]
    public int MaxSessions { get; set; } = 256;
}

/// <summary>A STUN or TURN server for the browser (RTCIceServer).</summary>
public sealed class IceServerOptions
{
    [Required]
    public List<string> Urls { get; set; } = [];

    public string? Username { get; set; }

    public string? Credential { get; set; }
}
