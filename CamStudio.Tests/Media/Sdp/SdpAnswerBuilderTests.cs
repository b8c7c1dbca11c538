using System.Net;
using CamStudio.Media.Sdp;

namespace CamStudio.Tests.Media.Sdp;

public class SdpAnswerBuilderTests
{
    private const string OurFingerprint =
        "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89";

    private static readonly SdpAnswerOptions s_options = new(
        "camU",
        "camstudiopassword12345678",
        OurFingerprint,
        [new IPEndPoint(IPAddress.Loopback, 50000), new IPEndPoint(IPAddress.Parse("10.213.0.1"), 50000)],
        0x11223344,
        "camera-7",
        "video-7");

    private static (SdpOffer Offer, SdpCodec Codec, SdpAnswer Answer) Answer(string sdp, string? profile = "42e01f", SdpAnswerOptions? options = null)
    {
        SdpOfferValidator.TryParseAndValidate(sdp, out var offer, out var error).Should().BeTrue(error);
        var codec = H264CodecSelector.Select(offer!.Video!, profile)!;
        return (offer, codec, SdpAnswerBuilder.Build(offer, codec, options ?? s_options));
    }

    private static string[] Lines(string sdp) => sdp.Split("\r\n")[..^1];

    private static string[] Section(string sdp, int index)
    {
        var lines = Lines(sdp);
        var starts = lines.Select((l, i) => (l, i)).Where(x => x.l.StartsWith("m=", StringComparison.Ordinal)).Select(x => x.i).Append(lines.Length).ToArray();
        return lines[starts[index]..starts[index + 1]];
    }

    [Fact]
    public void Answer_uses_crlf_only_and_ends_with_crlf()
    {
        var sdp = Answer(SdpFixtures.Chrome120AudioVideoData).Answer.Sdp;

        sdp.Should().EndWith("\r\n");
        sdp.Replace("\r\n", string.Empty, StringComparison.Ordinal).Should().NotContainAny("\r", "\n");
    }

    [Fact]
    public void Video_section_has_exactly_the_required_attributes_in_order()
    {
        var (_, _, answer) = Answer(SdpFixtures.Chrome120AudioVideoData);

        Section(answer.Sdp, 1).Should().Equal(
            "m=video 50000 UDP/TLS/RTP/SAVPF 106",
            "c=IN IP4 127.0.0.1",
            "a=mid:1",
            "a=ice-ufrag:camU",
            "a=ice-pwd:camstudiopassword12345678",
            "a=fingerprint:sha-256 " + OurFingerprint,
            "a=setup:passive",
            "a=extmap:5 " + SdpAnswerBuilder.PlayoutDelayUri,
            "a=sendonly",
            "a=msid:camera-7 video-7",
            "a=rtcp-mux",
            "a=rtpmap:106 H264/90000",
            "a=rtcp-fb:106 nack",
            "a=rtcp-fb:106 nack pli",
            "a=rtcp-fb:106 ccm fir",
            "a=fmtp:106 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f",
            "a=ssrc:287454020 cname:camera-7",
            "a=ssrc:287454020 msid:camera-7 video-7",
            "a=candidate:1 1 udp 2130706431 127.0.0.1 50000 typ host",
            "a=candidate:2 1 udp 2130706175 10.213.0.1 50000 typ host",
            "a=end-of-candidates");
        answer.VideoMid.Should().Be("1");
        answer.PayloadType.Should().Be(106);
        answer.PlayoutDelayExtensionId.Should().Be(5);
        answer.Cname.Should().Be("camera-7");
    }

    [Fact]
    public void Session_section_is_ice_lite_and_bundles_only_the_video_mid()
    {
        var lines = Lines(Answer(SdpFixtures.Chrome120AudioVideoData).Answer.Sdp);

        lines[0].Should().Be("v=0");
        lines[1].Should().MatchRegex(@"^o=- \d+ 2 IN IP4 127\.0\.0\.1$");
        lines[2..6].Should().Equal("s=CamStudio", "t=0 0", "a=group:BUNDLE 1", "a=ice-lite");
    }

    [Fact]
    public void Audio_and_data_sections_are_rejected_with_port_zero_and_their_mid()
    {
        var answer = Answer(SdpFixtures.Chrome120AudioVideoData).Answer;

        Section(answer.Sdp, 0).Should().Equal("m=audio 0 UDP/TLS/RTP/SAVPF 111", "c=IN IP4 0.0.0.0", "a=mid:0", "a=inactive");
        Section(answer.Sdp, 2).Should().Equal("m=application 0 UDP/DTLS/SCTP webrtc-datachannel", "c=IN IP4 0.0.0.0", "a=mid:2");
        answer.RejectedMids.Should().Equal("0", "2");
    }

    [Fact]
    public void A_second_video_section_is_rejected()
    {
        var video = SdpFixtures.Chrome126VideoOnly[SdpFixtures.Chrome126VideoOnly.IndexOf("m=video", StringComparison.Ordinal)..];
        var sdp = SdpFixtures.Chrome126VideoOnly.Replace("a=group:BUNDLE 0", "a=group:BUNDLE 0 1", StringComparison.Ordinal)
            + video.Replace("a=mid:0", "a=mid:1", StringComparison.Ordinal);

        var answer = Answer(sdp).Answer;

        Section(answer.Sdp, 0)[0].Should().Be("m=video 50000 UDP/TLS/RTP/SAVPF 127");
        Section(answer.Sdp, 1).Should().Equal("m=video 0 UDP/TLS/RTP/SAVPF 96", "c=IN IP4 0.0.0.0", "a=mid:1", "a=inactive");
        Lines(answer.Sdp).Should().Contain("a=group:BUNDLE 0");
    }

    [Fact]
    public void Answer_never_contains_an_unoffered_codec_extension_or_feedback()
    {
        var (offer, codec, answer) = Answer(SdpFixtures.FirefoxAudioVideo);
        var video = Section(answer.Sdp, 1);

        video.Where(l => l.StartsWith("a=rtpmap:", StringComparison.Ordinal)).Should().Equal("a=rtpmap:126 H264/90000");
        video.Where(l => l.StartsWith("a=fmtp:", StringComparison.Ordinal)).Should().Equal("a=fmtp:126 " + codec.FormatParameters);
        video.Where(l => l.StartsWith("a=rtcp-fb:", StringComparison.Ordinal)).Should().Equal(
            "a=rtcp-fb:126 nack", "a=rtcp-fb:126 nack pli", "a=rtcp-fb:126 ccm fir");
        video.Should().NotContain(l => l.Contains("rtx", StringComparison.Ordinal) || l.Contains("transport-cc", StringComparison.Ordinal)
            || l.Contains("goog-remb", StringComparison.Ordinal) || l.StartsWith("a=rtcp-rsize", StringComparison.Ordinal));
        foreach (var extmap in video.Where(l => l.StartsWith("a=extmap:", StringComparison.Ordinal)))
        {
            offer.Video!.Extensions.Should().Contain(e => extmap.EndsWith(" " + e.Uri, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Firefox_recvonly_playout_delay_is_answered_sendonly_with_the_offered_id()
    {
        var answer = Answer(SdpFixtures.FirefoxAudioVideo).Answer;

        Section(answer.Sdp, 1).Should().Contain("a=extmap:6/sendonly " + SdpAnswerBuilder.PlayoutDelayUri);
        answer.PlayoutDelayExtensionId.Should().Be(6);
        answer.VideoMid.Should().Be("1");
    }

    [Fact]
    public void Feedback_the_offer_lacks_is_not_answered()
    {
        var sdp = SdpFixtures.FirefoxAudioVideo.Replace("a=rtcp-fb:126 ccm fir\r\n", string.Empty, StringComparison.Ordinal)
            .Replace("a=rtcp-fb:126 nack pli\r\n", string.Empty, StringComparison.Ordinal);

        var video = Section(Answer(sdp).Answer.Sdp, 1);

        video.Where(l => l.StartsWith("a=rtcp-fb:", StringComparison.Ordinal)).Should().Equal("a=rtcp-fb:126 nack");
    }

    [Fact]
    public void Playout_delay_is_not_answered_when_not_offered_or_disabled()
    {
        var sdp = SdpFixtures.Chrome126VideoOnly.Replace("a=extmap:5 " + SdpAnswerBuilder.PlayoutDelayUri + "\r\n", string.Empty, StringComparison.Ordinal);
        var notOffered = Answer(sdp).Answer;
        var disabled = Answer(SdpFixtures.Chrome126VideoOnly, options: s_options with { NegotiatePlayoutDelay = false }).Answer;

        foreach (var answer in new[] { notOffered, disabled })
        {
            answer.PlayoutDelayExtensionId.Should().BeNull();
            answer.Sdp.Should().NotContain("a=extmap");
        }
    }

    [Fact]
    public void Offer_without_bundle_gets_no_group_line()
    {
        // RFC 8843 §7.3: the answerer never introduces a BUNDLE group the offer did not have.
        var sdp = SdpFixtures.Chrome126VideoOnly.Replace("a=group:BUNDLE 0\r\n", string.Empty, StringComparison.Ordinal);

        Answer(sdp).Answer.Sdp.Should().NotContain("a=group");
    }

    [Fact]
    public void No_candidates_means_port_9_and_a_null_connection_address()
    {
        var answer = Answer(SdpFixtures.Chrome126VideoOnly, options: s_options with { Candidates = [] }).Answer;

        Section(answer.Sdp, 0)[..2].Should().Equal("m=video 9 UDP/TLS/RTP/SAVPF 127", "c=IN IP4 0.0.0.0");
        Lines(answer.Sdp)[^1].Should().Be("a=end-of-candidates");
    }

    [Fact]
    public void Ipv6_candidate_uses_an_ip6_connection_line()
    {
        var answer = Answer(SdpFixtures.Chrome126VideoOnly, options: s_options with { Candidates = [new IPEndPoint(IPAddress.IPv6Loopback, 40000)] }).Answer;

        Section(answer.Sdp, 0).Should().Contain("c=IN IP6 ::1").And.Contain("a=candidate:1 1 udp 2130706431 ::1 40000 typ host");
    }

    [Fact]
    public void Answer_round_trips_through_the_parser()
    {
        var (_, codec, answer) = Answer(SdpFixtures.Chrome120AudioVideoData, "640028");

        SdpOffer.TryParse(answer.Sdp, out var parsed, out var error).Should().BeTrue(error);
        parsed!.IceLite.Should().BeTrue();
        parsed.Setup.Should().Be("passive");
        parsed.IceUfrag.Should().Be("camU");
        parsed.Fingerprint.Should().Be(OurFingerprint);
        parsed.Media.Select(m => (m.Kind, m.Port, m.Mid)).Should().Equal(("audio", 0, "0"), ("video", 50000, "1"), ("application", 0, "2"));
        parsed.Video!.Direction.Should().Be(SdpDirection.SendOnly);
        parsed.Video.RtcpMux.Should().BeTrue();
        parsed.Video.Codecs.Should().ContainSingle().Which.FormatParameters.Should().Be(codec.FormatParameters);
        parsed.Video.Codecs[0].PayloadType.Should().Be(112);
        parsed.BundleGroups.Should().ContainSingle().Which.Should().Equal("1");
    }

    [Fact]
    public void Codec_from_another_offer_or_section_is_refused()
    {
        SdpOffer.TryParse(SdpFixtures.FirefoxAudioVideo, out var firefox, out _);
        var opus = firefox!.Media[0].Codecs[0];
        SdpOffer.TryParse(SdpFixtures.Chrome126VideoOnly, out var chrome, out _);

        var act = () => SdpAnswerBuilder.Build(chrome!, opus, s_options);

        act.Should().Throw<ArgumentException>().WithMessage("*unoffered codec*");
    }

    [Theory]
    [InlineData("ufrag")]
    [InlineData("fingerprint")]
    [InlineData("stream")]
    [InlineData("session")]
    public void Malformed_options_are_refused_instead_of_injecting_lines(string field)
    {
        var bad = field switch
        {
            "ufrag" => s_options with { IceUfrag = "ab" },
            "fingerprint" => s_options with { Fingerprint = "AB:CD" },
            "stream" => s_options with { StreamId = "cam\r\na=inject" },
            _ => s_options with { SessionName = "x\r\nm=audio 9 RTP/AVP 0" },
        };
        SdpOffer.TryParse(SdpFixtures.Chrome126VideoOnly, out var offer, out _);

        var act = () => SdpAnswerBuilder.Build(offer!, H264CodecSelector.Select(offer!.Video!, null)!, bad);

        act.Should().Throw<ArgumentException>();
    }
}
