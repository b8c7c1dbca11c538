namespace CamStudio.Media.WebRtc;

/// <summary>What a datagram on the shared port is, judged by its first byte (RFC 7983 §7).</summary>
public enum UdpMuxPacketKind : byte
{
    /// <summary>Empty, ZRTP (16-19), TURN channel (64-79) or anything else we never expect.</summary>
    Unknown,

    /// <summary>0-3.</summary>
    Stun,

    /// <summary>20-63.</summary>
    Dtls,

    /// <summary>128-191 (RTP and RTCP; with rtcp-mux the browser sends only RTCP to a sendonly server).</summary>
    Rtp,
}

/// <summary>RFC 7983 §7 demultiplexing by the first byte.</summary>
public static class UdpMuxClassifier
{
    public static UdpMuxPacketKind Classify(ReadOnlySpan<byte> datagram) =>
        datagram.IsEmpty ? UdpMuxPacketKind.Unknown : datagram[0] switch
        {
            <= 3 => UdpMuxPacketKind.Stun,
            >= 20 and <= 63 => UdpMuxPacketKind.Dtls,
            >= 128 and <= 191 => UdpMuxPacketKind.Rtp,
            _ => UdpMuxPacketKind.Unknown,
        };
}
