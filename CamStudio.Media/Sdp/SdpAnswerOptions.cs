using System.Net;
using CamStudio.Media.Audio;

namespace CamStudio.Media.Sdp;

/// <summary>
/// What the answer says about our side. <paramref name="Fingerprint"/> is the SHA-256 of our DTLS certificate as
/// "AB:CD:..." (32 bytes); <paramref name="Candidates"/> are host candidates on the shared UDP socket, in preference
/// order. <paramref name="Cname"/> defaults to <paramref name="StreamId"/>; RTCP SDES must carry the same value.
/// <paramref name="NegotiatePlayoutDelay"/> answers the playout-delay header extension when the browser offers it.
/// <paramref name="Audio"/> describes the camera's audio track; null when the camera's audio is off (every audio
/// section is then rejected).
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
    bool NegotiatePlayoutDelay = true,
    SdpAudioOptions? Audio = null);

/// <summary>
/// The camera's audio track for the answer: the codec it travels as, its own SSRC (never the video's, RFC 3550 §8)
/// and its own msid track id. It shares the video's msid stream id, which is what makes the browser put both tracks
/// in one MediaStream and synchronise them (RFC 8830 §2).
/// </summary>
public sealed record SdpAudioOptions(AudioCodec Codec, uint Ssrc, string TrackId);

/// <summary>
/// The built answer. <paramref name="PlayoutDelayExtensionId"/> is the negotiated RTP header extension id of
/// playout-delay, or null when it was not negotiated (then the sender must not write the extension).
/// </summary>
public sealed record SdpAnswer(string Sdp, string VideoMid, byte PayloadType, int? PlayoutDelayExtensionId)
{
    /// <summary>The CNAME written in a=ssrc; RTCP SDES chunks must use the same one (RFC 3550 §6.5.1).</summary>
    public string Cname { get; init; } = string.Empty;

    /// <summary>The mid of the accepted audio section, or null when no audio section was accepted.</summary>
    public string? AudioMid { get; init; }

    /// <summary>The browser's payload type for the camera's audio codec, or null when audio was not accepted.</summary>
    public byte? AudioPayloadType { get; init; }

    /// <summary>The mids answered with port 0 (rejected), in offer order.</summary>
    public IReadOnlyList<string> RejectedMids { get; init; } = [];
}
