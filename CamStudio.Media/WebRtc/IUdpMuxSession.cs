using System.Net;
using CamStudio.Media.Ice;

namespace CamStudio.Media.WebRtc;

/// <summary>
/// One viewer as <see cref="UdpMux"/> sees it. Datagram callbacks and <see cref="OnRemoteSelected"/> come from the
/// mux's single receive loop (one at a time); <see cref="OnConsentExpired"/> comes from the consent sweep and can run
/// concurrently with them. The spans are only valid during the call: copy what must outlive it. An exception thrown
/// here is logged and counted by the mux and never stops it.
/// </summary>
public interface IUdpMuxSession
{
    IceLiteAgent Ice { get; }

    /// <summary>A validated endpoint became the selected path (first valid check, or a USE-CANDIDATE switch). The address is a private copy.</summary>
    void OnRemoteSelected(SocketAddress remote);

    /// <summary>A DTLS record (first byte 20-63) from a validated endpoint.</summary>
    void OnDtlsDatagram(ReadOnlySpan<byte> datagram);

    /// <summary>An RTP/RTCP datagram (first byte 128-191; SRTCP from a browser) from a validated endpoint, writable for in-place unprotect.</summary>
    void OnRtcpDatagram(Span<byte> datagram);

    /// <summary>No valid check within the consent timeout (RFC 7675): the viewer is gone and already unregistered.</summary>
    void OnConsentExpired();
}
