using System.Net;

namespace CamStudio.Media.Sdp;

/// <summary>
/// What the answer says about our side. <paramref name="Fingerprint"/> is the SHA-256 of our DTLS certificate as
/// "AB:CD:..." (32 bytes); <paramref name="Candidates"/> are host candidates on the shared UDP socket, in preference
/// order. <paramref name="Cname"/> defaults to <paramref name="StreamId"/>; RTCP SDES must carry the same value.
/// <paramref name="NegotiatePlayoutDelay"/> answers the playout-delay header extension when the browser offers it.
/// </summary>
public sealed record SdpAnswerOptions(
    string IceUfrag,
    string IcePassword,
    string Fingerprint,
    IReadOnlyList<IPEndPoint> Candidates,
    uint Ssrc,
    string StreamId,
    string TrackId,
    string? SessionName = "CamStudio",
    string? Cname = null,
    bool NegotiatePlayoutDelay = true);

/// <summary>
/// The built answer. <paramref name="PlayoutDelayExtensionId"/> is the negotiated RTP header extension id of
/// playout-delay, or null when it was not negotiated (then the sender must not write the extension).
/// </summary>
public sealed record SdpAnswer(string Sdp, string VideoMid, byte PayloadType, int? PlayoutDelayExtensionId)
{
    /// <summary>The CNAME written in a=ssrc; RTCP SDES chunks must use the same one (RFC 3550 §6.5.1).</summary>
    public string Cname { get; init; } = string.Empty;

    /// <summary>The mids answered with port 0 (rejected), in offer order.</summary>
    public IReadOnlyList<string> RejectedMids { get; init; } = [];
}
