using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace CamStudio.Media.Sdp;

/// <summary>
/// Writes the answer to a validated recvonly offer (RFC 8829 §5.3.1): one sendonly video section, one sendonly audio
/// section when the camera's audio is on and the offer can take it (<see cref="AudioCodecSelector.Choose"/>), every
/// other section rejected. Only what the offer carried is answered: the chosen codecs with their own fmtp, the rtcp-fb
/// values the offer listed for the video codec, playout-delay if offered. No rtx (we never retransmit with it; NACKs
/// are answered with the original packets), no transport-cc/REMB (no congestion control), no rtcp-rsize (so the
/// browser keeps sending compound RTCP, RFC 5506 §5), no audio header extensions (we write none).
/// </summary>
public static class SdpAnswerBuilder
{
    public const string PlayoutDelayUri = "http://www.webrtc.org/experiments/rtp-hdrext/playout-delay";

    private const string Crlf = "\r\n";

    // The feedback CamStudio acts on: generic NACK (retransmit), PLI and FIR (resend the cached IDR).
    private static readonly string[] s_supportedFeedback = ["nack", "nack pli", "ccm fir"];

    /// <summary>
    /// Builds the answer. Throws <see cref="ArgumentException"/> for programmer errors: an offer without a video section
    /// (validate first), a codec that is not one of the video section's offered codecs, or malformed options.
    /// </summary>
    public static SdpAnswer Build(SdpOffer offer, SdpCodec codec, SdpAnswerOptions options)
    {
        ArgumentNullException.ThrowIfNull(offer);
        ArgumentNullException.ThrowIfNull(codec);
        ArgumentNullException.ThrowIfNull(options);
        var video = offer.Video ?? throw new ArgumentException("The offer has no video section to answer; validate it first.", nameof(offer));
        if (video.Mid is null)
        {
            throw new ArgumentException("The offer's video section has no mid; validate it first.", nameof(offer));
        }

        if (!video.Codecs.Any(c => SameCodec(c, codec)))
        {
            throw new ArgumentException("The codec is not one the offer's video section carries; never answer an unoffered codec.", nameof(codec));
        }

        CheckOptions(options);
        var cname = options.Cname ?? options.StreamId;
        SdpAudioChoice? audio = options.Audio is { } audioOptions ? AudioCodecSelector.Choose(offer, audioOptions.Codec) : null;
        var bundle = offer.BundleGroups.FirstOrDefault(g => g.Contains(video.Mid, StringComparer.Ordinal));
        var sb = new StringBuilder(2048);

        // Session section (RFC 8866 §5): a fresh random session id keeps answers from colliding (RFC 3264 §5).
        Line(sb, $"v=0");
        Line(sb, $"o=- {RandomSessionId()} 2 IN IP4 127.0.0.1");
        Line(sb, $"s={(string.IsNullOrEmpty(options.SessionName) ? "-" : options.SessionName)}");
        Line(sb, $"t=0 0");
        if (bundle is not null)
        {
            // RFC 8843 §7.3: answer only a group the offer asked for, and only with sections we accept, in the
            // offer's order so that the offerer's tag (Chromium's is its audio mid) stays the tag when we accept it.
            // Audio is accepted only inside the video's group (AudioCodecSelector), so one group covers both.
            var accepted = bundle.Where(mid => mid == video.Mid || mid == audio?.Section.Mid);
            Line(sb, $"a=group:BUNDLE {string.Join(' ', accepted)}");
        }

        Line(sb, $"a=ice-lite");

        var rejected = new List<string>();
        int? playoutDelayId = null;
        foreach (var media in offer.Media)
        {
            if (ReferenceEquals(media, video))
            {
                playoutDelayId = WriteVideo(sb, video, codec, options, cname);
            }
            else if (audio is not null && ReferenceEquals(media, audio.Section))
            {
                WriteAudio(sb, audio, options, cname);
            }
            else
            {
                WriteRejected(sb, media);
                if (media.Mid is not null)
                {
                    rejected.Add(media.Mid);
                }
            }
        }

        return new SdpAnswer(sb.ToString(), video.Mid, codec.PayloadType, playoutDelayId)
        {
            Cname = cname,
            RejectedMids = rejected,
            AudioMid = audio?.Section.Mid,
            AudioPayloadType = audio?.Codec.PayloadType,
        };
    }

    private static int? WriteVideo(StringBuilder sb, SdpMediaDescription video, SdpCodec codec, SdpAnswerOptions options, string cname)
    {
        var pt = codec.PayloadType;
        WriteTransport(sb, "video", video, pt, options);

        int? playoutDelayId = null;
        var playoutDelay = options.NegotiatePlayoutDelay
            ? video.Extensions.FirstOrDefault(e => string.Equals(e.Uri, PlayoutDelayUri, StringComparison.Ordinal)
                && e.Direction is null or SdpDirection.SendRecv or SdpDirection.RecvOnly)
            : null;
        if (playoutDelay is not null)
        {
            // RFC 8285 §7: keep the offered id; an explicit recvonly from the offerer is answered sendonly.
            var direction = playoutDelay.Direction is null ? string.Empty : "/sendonly";
            Line(sb, $"a=extmap:{playoutDelay.Id}{direction} {playoutDelay.Uri}");
            playoutDelayId = playoutDelay.Id;
        }

        Line(sb, $"a=sendonly");
        Line(sb, $"a=msid:{options.StreamId} {options.TrackId}");
        Line(sb, $"a=rtcp-mux");
        Line(sb, $"a=rtpmap:{pt} {codec.Name}/{codec.ClockRate}");
        foreach (var feedback in s_supportedFeedback)
        {
            if (codec.RtcpFeedback.Contains(feedback, StringComparer.OrdinalIgnoreCase))
            {
                Line(sb, $"a=rtcp-fb:{pt} {feedback}");
            }
        }

        if (!string.IsNullOrEmpty(codec.FormatParameters))
        {
            Line(sb, $"a=fmtp:{pt} {codec.FormatParameters}");
        }

        Line(sb, $"a=ssrc:{options.Ssrc} cname:{cname}");
        Line(sb, $"a=ssrc:{options.Ssrc} msid:{options.StreamId} {options.TrackId}");
        WriteCandidates(sb, options.Candidates);
        return playoutDelayId;
    }

    // The camera's audio: sendonly, its own SSRC and msid track under the video's msid stream (so the browser puts both
    // tracks in one MediaStream and lip-syncs them from the two streams' sender reports), the same CNAME as the video
    // (RFC 3550 §6.5.1: one CNAME per synchronised source), the offered fmtp echoed. No rtcp-fb: nothing is
    // retransmitted for audio, and Opus' transport-cc needs congestion control we do not do.
    private static void WriteAudio(StringBuilder sb, SdpAudioChoice audio, SdpAnswerOptions options, string cname)
    {
        var track = options.Audio!;
        var codec = audio.Codec;
        var pt = codec.PayloadType;
        WriteTransport(sb, "audio", audio.Section, pt, options);
        Line(sb, $"a=sendonly");
        Line(sb, $"a=msid:{options.StreamId} {track.TrackId}");
        Line(sb, $"a=rtcp-mux");
        var channels = codec.Channels is { } n ? "/" + n.ToString(CultureInfo.InvariantCulture) : string.Empty;
        Line(sb, $"a=rtpmap:{pt} {codec.Name}/{codec.ClockRate}{channels}");
        if (!string.IsNullOrEmpty(codec.FormatParameters))
        {
            Line(sb, $"a=fmtp:{pt} {codec.FormatParameters}");
        }

        Line(sb, $"a=ssrc:{track.Ssrc} cname:{cname}");
        Line(sb, $"a=ssrc:{track.Ssrc} msid:{options.StreamId} {track.TrackId}");
        WriteCandidates(sb, options.Candidates);
    }

    // The m= line and the transport attributes. Every accepted section repeats the same ICE credentials, fingerprint,
    // port and candidates: audio rides on the video's one transport (BUNDLE), so the values must be identical, and
    // writing them in each section keeps the answer valid whichever mid the browser treats as the bundle tag.
    private static void WriteTransport(StringBuilder sb, string kind, SdpMediaDescription media, byte pt, SdpAnswerOptions options)
    {
        // With candidates in the answer the m= line and c= carry the default (first) candidate (RFC 8839 §4.2.1.2).
        var first = options.Candidates.Count > 0 ? options.Candidates[0] : null;
        Line(sb, $"m={kind} {first?.Port ?? 9} {media.Protocol} {pt}");
        Line(sb, $"c={Connection(first?.Address)}");
        Line(sb, $"a=mid:{media.Mid}");
        Line(sb, $"a=ice-ufrag:{options.IceUfrag}");
        Line(sb, $"a=ice-pwd:{options.IcePassword}");
        Line(sb, $"a=fingerprint:sha-256 {options.Fingerprint.ToUpperInvariant()}");

        // RFC 8842 §5.1: the browser offered actpass/active; we are always the DTLS server.
        Line(sb, $"a=setup:passive");
    }

    // RFC 8829 §5.3.1 / RFC 3264 §6: a rejected section keeps kind, proto and one offered format, gets port 0, keeps
    // its mid so the browser can match it, and is left out of BUNDLE (RFC 8843 §7.3.3).
    private static void WriteRejected(StringBuilder sb, SdpMediaDescription media)
    {
        Line(sb, $"m={media.Kind} 0 {media.Protocol} {media.Formats[0]}");
        Line(sb, $"c=IN IP4 0.0.0.0");
        if (media.Mid is not null)
        {
            Line(sb, $"a=mid:{media.Mid}");
        }

        if (media.IsRtp)
        {
            Line(sb, $"a=inactive");
        }
    }

    // a=candidate:<foundation> <component> <transport> <priority> <address> <port> typ host   (RFC 8839 §5.1)
    private static void WriteCandidates(StringBuilder sb, IReadOnlyList<IPEndPoint> candidates)
    {
        var foundations = new Dictionary<IPAddress, int>();
        for (var i = 0; i < candidates.Count; i++)
        {
            var candidate = candidates[i];
            if (!foundations.TryGetValue(candidate.Address, out var foundation))
            {
                foundations[candidate.Address] = foundation = foundations.Count + 1;
            }

            // RFC 8445 §5.1.2.1: host type preference 126, local preference falling with list order, component 1.
            var priority = (126u << 24) | ((uint)(65535 - Math.Min(i, 65535)) << 8) | (256u - 1u);
            Line(sb, $"a=candidate:{foundation} 1 udp {priority} {candidate.Address} {candidate.Port} typ host");
        }

        Line(sb, $"a=end-of-candidates");
    }

    private static string Connection(IPAddress? address) => address switch
    {
        null => "IN IP4 0.0.0.0",
        { AddressFamily: AddressFamily.InterNetworkV6 } => "IN IP6 " + address,
        _ => "IN IP4 " + address,
    };

    private static bool SameCodec(SdpCodec offered, SdpCodec chosen) =>
        ReferenceEquals(offered, chosen)
        || (offered.PayloadType == chosen.PayloadType
            && string.Equals(offered.Name, chosen.Name, StringComparison.OrdinalIgnoreCase)
            && offered.ClockRate == chosen.ClockRate
            && string.Equals(offered.FormatParameters, chosen.FormatParameters, StringComparison.Ordinal));

    private static void CheckOptions(SdpAnswerOptions options)
    {
        var problem = FindOptionsProblem(options);
        if (problem is not null)
        {
            throw new ArgumentException(problem, nameof(options));
        }
    }

    private static string? FindOptionsProblem(SdpAnswerOptions options)
    {
        if (!IsIce(options.IceUfrag, 4) || !IsIce(options.IcePassword, 22))
        {
            return "ICE ufrag must be 4-256 and pwd 22-256 characters of A-Z a-z 0-9 + / (RFC 8839 §5.4).";
        }

        var fp = options.Fingerprint ?? string.Empty;
        if (fp.Length != 95 || !fp.Select((c, i) => i % 3 == 2 ? c == ':' : char.IsAsciiHexDigit(c)).All(ok => ok))
        {
            return "Fingerprint must be a SHA-256 as 32 hex byte pairs separated by colons.";
        }

        // RFC 8830 §2: msid ids are 1-64 token characters; a CR/LF in any value would inject SDP lines.
        if (!IsMsidId(options.StreamId) || !IsMsidId(options.TrackId) || (options.Cname is { } c && !SdpParser.IsToken(c)))
        {
            return "StreamId, TrackId and Cname must be 1-64 SDP token characters.";
        }

        if (options.SessionName is { } name && name.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0)
        {
            return "SessionName must be a single line.";
        }

        if (options.Candidates is null)
        {
            return "Candidates must not be null.";
        }

        if (options.Audio is { } audio && (!IsMsidId(audio.TrackId) || audio.Ssrc == options.Ssrc
            || string.Equals(audio.TrackId, options.TrackId, StringComparison.Ordinal)))
        {
            return "The audio track needs its own SSRC and its own 1-64 token character track id.";
        }

        return null;
    }

    private static bool IsMsidId(string? id) => id is { Length: > 0 and <= 64 } && SdpParser.IsToken(id);

    private static bool IsIce(string? value, int min) =>
        value is not null && value.Length >= min && value.Length <= 256
        && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '/');

    private static string RandomSessionId() =>
        (BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8)) >> 2).ToString(CultureInfo.InvariantCulture);

    private static void Line(StringBuilder sb, FormattableString line) =>
        sb.Append(line.ToString(CultureInfo.InvariantCulture)).Append(Crlf);
}
