using CamStudio.Media.Sdp;

namespace CamStudio.Tests.Media.Sdp;

public class SdpOfferTests
{
    private static SdpOffer Parse(string sdp)
    {
        SdpOffer.TryParse(sdp, out var offer, out var error).Should().BeTrue(error);
        return offer!;
    }

    [Fact]
    public void Chrome_offer_parses_sections_in_order_with_kinds_mids_and_directions()
    {
        var offer = Parse(SdpFixtures.Chrome120AudioVideoData);

        offer.Media.Select(m => (m.Kind, m.Mid, m.Port)).Should().Equal(("audio", "0", 9), ("video", "1", 9), ("application", "2", 9));
        offer.Media[0].Direction.Should().Be(SdpDirection.RecvOnly);
        offer.Media[1].Direction.Should().Be(SdpDirection.RecvOnly);
        offer.Media[2].Protocol.Should().Be("UDP/DTLS/SCTP");
        offer.Media[2].Codecs.Should().BeEmpty("an SCTP section has no RTP codecs");
        offer.Video.Should().BeSameAs(offer.Media[1]);
        offer.BundleGroups.Should().ContainSingle().Which.Should().Equal("0", "1", "2");
    }

    [Fact]
    public void Chrome_offer_exposes_transport_attributes()
    {
        var offer = Parse(SdpFixtures.Chrome120AudioVideoData);

        offer.IceUfrag.Should().Be("Fz3b");
        offer.IcePassword.Should().Be("tGz1vM0dHq8kS1wqgSDDPi3W");
        offer.FingerprintAlgorithm.Should().Be("sha-256");
        offer.Fingerprint.Should().Be(SdpFixtures.ChromeFingerprint);
        offer.Setup.Should().Be("actpass");
        offer.Video!.RtcpMux.Should().BeTrue();
        offer.Video.RtcpReducedSize.Should().BeTrue();
    }

    [Fact]
    public void Chrome_offer_codecs_carry_fmtp_feedback_and_rtx()
    {
        var video = Parse(SdpFixtures.Chrome120AudioVideoData).Video!;

        video.Codecs.Select(c => c.PayloadType).Should().StartWith(new byte[] { 96, 97, 102, 103 });
        var h264 = video.Codecs.Single(c => c.PayloadType == 102);
        h264.Name.Should().Be("H264");
        h264.ClockRate.Should().Be(90000);
        h264.Parameters.Should().Contain("packetization-mode", "1").And.Contain("profile-level-id", "42001f");
        h264.GetParameter("PROFILE-LEVEL-ID").Should().Be("42001f", "RFC 6184 parameter names are case-insensitive");
        h264.FormatParameters.Should().Be("level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f");
        h264.RtcpFeedback.Should().Equal("goog-remb", "transport-cc", "ccm fir", "nack", "nack pli");
        h264.RtxPayloadType.Should().Be(103);
        video.Codecs.Single(c => c.PayloadType == 118).Name.Should().Be("ulpfec");
        video.Codecs.Single(c => c.PayloadType == 116).RtxPayloadType.Should().Be(117);
    }

    [Fact]
    public void Chrome_offer_extmaps_are_parsed_with_ids()
    {
        var video = Parse(SdpFixtures.Chrome120AudioVideoData).Video!;

        video.Extensions.Should().Contain(new SdpExtMap(5, SdpAnswerBuilder.PlayoutDelayUri, null));
        video.Extensions.Should().Contain(e => e.Id == 3 && e.Uri.Contains("transport-wide-cc", StringComparison.Ordinal));
        video.Extensions.Should().HaveCount(11);
    }

    [Fact]
    public void Audio_static_payload_types_and_channels_are_kept()
    {
        var audio = Parse(SdpFixtures.Chrome120AudioVideoData).Media[0];

        audio.Codecs.Single(c => c.PayloadType == 111).Channels.Should().Be(2);
        audio.Codecs.Single(c => c.PayloadType == 0).Name.Should().Be("PCMU");
        audio.Codecs.Single(c => c.PayloadType == 63).Parameters.Should().ContainKey("111/111");
    }

    [Fact]
    public void Firefox_session_level_fingerprint_applies_to_every_section()
    {
        var offer = Parse(SdpFixtures.FirefoxAudioVideo);

        offer.FingerprintAlgorithm.Should().Be("sha-256");
        offer.Fingerprint.Should().StartWith("3C:5E:1B:90");
        offer.Media.Should().OnlyContain(m => m.Fingerprints.Count == 1);
        offer.IceUfrag.Should().Be("5d3f8a1c");
        offer.Setup.Should().Be("actpass");
    }

    [Fact]
    public void Firefox_fmtp_before_rtpmap_still_binds_to_the_codec()
    {
        var video = Parse(SdpFixtures.FirefoxAudioVideo).Video!;

        var h264 = video.Codecs.Single(c => c.PayloadType == 126);
        h264.GetParameter("packetization-mode").Should().Be("1");
        h264.RtxPayloadType.Should().Be(127);
        h264.RtcpFeedback.Should().Contain(["nack", "nack pli", "ccm fir"]);
        video.Codecs.Single(c => c.PayloadType == 97).GetParameter("packetization-mode").Should().BeNull();
        video.Extensions.Should().Contain(new SdpExtMap(6, SdpAnswerBuilder.PlayoutDelayUri, SdpDirection.RecvOnly));
    }

    [Fact]
    public void Several_fingerprints_prefer_sha256()
    {
        // RFC 8122 §5 allows several a=fingerprint lines; DTLS verification uses sha-256.
        var sdp = SdpFixtures.FirefoxAudioVideo.Replace(
            "a=fingerprint:sha-256",
            "a=fingerprint:sha-1 AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD\r\na=fingerprint:SHA-256",
            StringComparison.Ordinal);

        var offer = Parse(sdp);

        offer.FingerprintAlgorithm.Should().Be("sha-256");
        offer.Fingerprint.Should().StartWith("3C:5E");
        offer.Video!.Fingerprints.Should().HaveCount(2);
    }

    [Fact]
    public void Media_level_ice_credentials_override_session_level()
    {
        var sdp = SdpFixtures.Chrome126VideoOnly.Replace(
            "a=extmap-allow-mixed\r\n", "a=ice-ufrag:SESSION1\r\na=ice-pwd:sessionsessionsession12345\r\n", StringComparison.Ordinal);

        var offer = Parse(sdp);

        offer.IceUfrag.Should().Be("kT9+");
        offer.IcePassword.Should().Be("q0Hn5c2xVZf7pYtLbR1d8wE3");
    }

    [Fact]
    public void Lf_only_line_endings_are_accepted()
    {
        // RFC 8866 §5: parsers should accept a bare LF as line end.
        var offer = Parse(SdpFixtures.Chrome126VideoOnly.Replace("\r\n", "\n", StringComparison.Ordinal));

        offer.Video!.Mid.Should().Be("0");
    }

    [Fact]
    public void Absent_setup_defaults_to_active()
    {
        // RFC 4145 §4: without a=setup the offerer is active.
        var offer = Parse(SdpFixtures.Chrome126VideoOnly.Replace("a=setup:actpass\r\n", string.Empty, StringComparison.Ordinal));

        offer.Setup.Should().Be("active");
    }

    [Fact]
    public void Wildcard_rtcp_fb_applies_to_every_codec()
    {
        var sdp = SdpFixtures.FirefoxAudioVideo.Replace("a=rtcp-mux\r\na=rtcp-rsize", "a=rtcp-fb:* nack\r\na=rtcp-mux\r\na=rtcp-rsize", StringComparison.Ordinal);

        var video = Parse(sdp).Video!;

        video.Codecs.Should().OnlyContain(c => c.RtcpFeedback.Contains("nack"));
    }

    [Fact]
    public void Offer_with_every_video_section_disabled_has_no_answerable_video()
    {
        var offer = Parse(SdpFixtures.Chrome126VideoOnly.Replace("m=video 9 ", "m=video 0 ", StringComparison.Ordinal));

        offer.Video.Should().BeNull();
        SdpOfferValidator.TryValidate(offer, out var error).Should().BeFalse();
        error.Should().Contain("port 0");
    }

    [Theory]
    [InlineData(nameof(SdpFixtures.Chrome120AudioVideoData))]
    [InlineData(nameof(SdpFixtures.Chrome126VideoOnly))]
    [InlineData(nameof(SdpFixtures.FirefoxAudioVideo))]
    public void Browser_fixtures_pass_validation(string fixture)
    {
        SdpOfferValidator.TryParseAndValidate(Fixture(fixture), out var offer, out var error).Should().BeTrue(error);
        offer.Should().NotBeNull();
    }

    internal static string Fixture(string name) => name switch
    {
        nameof(SdpFixtures.Chrome120AudioVideoData) => SdpFixtures.Chrome120AudioVideoData,
        nameof(SdpFixtures.Chrome126VideoOnly) => SdpFixtures.Chrome126VideoOnly,
        nameof(SdpFixtures.FirefoxAudioVideo) => SdpFixtures.FirefoxAudioVideo,
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };
}
