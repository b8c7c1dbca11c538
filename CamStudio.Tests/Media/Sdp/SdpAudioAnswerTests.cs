using System.Net;
using CamStudio.Media.Audio;
using CamStudio.Media.Sdp;

namespace CamStudio.Tests.Media.Sdp;

/// <summary>
/// What the answer says about the offer's audio: accepted sendonly with the camera's codec and bundled with video, or
/// rejected with port 0 and its mid (RFC 3264 §6, RFC 8843 §7.3.3). Every answer is parsed back with the project's
/// own SDP parser, which is what a browser would do with it.
/// </summary>
public sealed class SdpAudioAnswerTests
{
    private const string OurFingerprint =
        "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89";

    private const uint VideoSsrc = 0x11223344;
    private const uint AudioSsrc = 0x55667788;

    private static readonly SdpAnswerOptions s_videoOnly = new(
        "camU",
        "camstudiopassword12345678",
        OurFingerprint,
        [new IPEndPoint(IPAddress.Parse("10.213.0.1"), 50000)],
        VideoSsrc,
        "camera-7",
        "video-7");

    private static SdpAnswerOptions WithAudio(AudioCodec codec) => s_videoOnly with { Audio = new SdpAudioOptions(codec, AudioSsrc, "audio-7") };

    private static SdpAnswer Answer(string offerSdp, SdpAnswerOptions options)
    {
        SdpOfferValidator.TryParseAndValidate(offerSdp, out SdpOffer? offer, out string? error).Should().BeTrue(error);
        return SdpAnswerBuilder.Build(offer!, H264CodecSelector.Select(offer!.Video!, "42e01f")!, options);
    }

    private static SdpOffer ParseBack(SdpAnswer answer)
    {
        SdpOffer.TryParse(answer.Sdp, out SdpOffer? parsed, out string? error).Should().BeTrue(error);
        return parsed!;
    }

    private static string[] Lines(string sdp) => sdp.Split("\r\n")[..^1];

    private static string[] Section(string sdp, int index)
    {
        string[] lines = Lines(sdp);
        int[] starts = [.. lines.Select((l, i) => (l, i)).Where(x => x.l.StartsWith("m=", StringComparison.Ordinal)).Select(x => x.i).Append(lines.Length)];
        return lines[starts[index]..starts[index + 1]];
    }

    private static void ShouldBeRejectedAudio(SdpAnswer answer, int index, string mid)
    {
        Section(answer.Sdp, index)[0].Should().StartWith("m=audio 0 ");
        Section(answer.Sdp, index).Should().Contain("a=mid:" + mid).And.Contain("a=inactive");
        answer.RejectedMids.Should().Contain(mid);
        answer.AudioMid.Should().BeNull();
        answer.AudioPayloadType.Should().BeNull();
    }

    [Fact]
    public void Chrome_bundle_with_an_opus_camera_gets_a_sendonly_opus_section_in_the_same_bundle_and_stream()
    {
        SdpAnswer answer = Answer(SdpFixtures.Chrome120AudioVideoData, WithAudio(AudioCodec.Opus));

        Section(answer.Sdp, 0).Should().Equal(
            "m=audio 50000 UDP/TLS/RTP/SAVPF 111",
            "c=IN IP4 10.213.0.1",
            "a=mid:0",
            "a=ice-ufrag:camU",
            "a=ice-pwd:camstudiopassword12345678",
            "a=fingerprint:sha-256 " + OurFingerprint,
            "a=setup:passive",
            "a=sendonly",
            "a=msid:camera-7 audio-7",
            "a=rtcp-mux",
            "a=rtpmap:111 opus/48000/2",
            "a=fmtp:111 minptime=10;useinbandfec=1",
            "a=ssrc:1432778632 cname:camera-7",
            "a=ssrc:1432778632 msid:camera-7 audio-7",
            "a=candidate:1 1 udp 2130706431 10.213.0.1 50000 typ host",
            "a=end-of-candidates");
        Lines(answer.Sdp).Should().Contain("a=group:BUNDLE 0 1", "both accepted mids share the one transport, in the offer's order");
        answer.AudioMid.Should().Be("0");
        answer.AudioPayloadType.Should().Be(111);
        answer.RejectedMids.Should().Equal("2");
        Section(answer.Sdp, 1).Should().Contain("a=msid:camera-7 video-7", "video keeps its own track in the same stream");

        SdpOffer parsed = ParseBack(answer);
        parsed.Media.Select(m => (m.Kind, m.Port, m.Mid, m.Direction)).Should().Equal(
            ("audio", 50000, "0", SdpDirection.SendOnly), ("video", 50000, "1", SdpDirection.SendOnly), ("application", 0, "2", SdpDirection.SendRecv));
        parsed.BundleGroups.Should().ContainSingle().Which.Should().Equal("0", "1");
        parsed.Audio!.Codecs.Should().ContainSingle().Which.Should().Match<SdpCodec>(c => c.Name == "opus" && c.ClockRate == 48000 && c.Channels == 2);
        parsed.Audio.RtcpMux.Should().BeTrue();
        parsed.Audio.IceUfrag.Should().Be(parsed.Video!.IceUfrag);
        parsed.Audio.IcePassword.Should().Be(parsed.Video.IcePassword);
        parsed.Audio.Fingerprints.Should().Equal(parsed.Video.Fingerprints);
    }

    [Theory]
    [InlineData(AudioCodec.Pcma, 8, "a=rtpmap:8 PCMA/8000")]
    [InlineData(AudioCodec.Pcmu, 0, "a=rtpmap:0 PCMU/8000")]
    public void Chrome_bundle_with_a_g711_camera_gets_the_offered_g711(AudioCodec codec, byte payloadType, string rtpmap)
    {
        SdpAnswer answer = Answer(SdpFixtures.Chrome120AudioVideoData, WithAudio(codec));

        Section(answer.Sdp, 0)[0].Should().Be("m=audio 50000 UDP/TLS/RTP/SAVPF " + payloadType);
        Section(answer.Sdp, 0).Where(l => l.StartsWith("a=rtpmap:", StringComparison.Ordinal) || l.StartsWith("a=fmtp:", StringComparison.Ordinal))
            .Should().Equal(rtpmap);
        answer.AudioPayloadType.Should().Be(payloadType);
        ParseBack(answer).Audio!.Codecs.Should().ContainSingle().Which.PayloadType.Should().Be(payloadType);
    }

    [Theory]
    [InlineData(AudioCodec.Opus, 109, "a=rtpmap:109 opus/48000/2", "a=fmtp:109 maxplaybackrate=48000;stereo=1;useinbandfec=1")]
    [InlineData(AudioCodec.Pcmu, 0, "a=rtpmap:0 PCMU/8000", null)]
    [InlineData(AudioCodec.Pcma, 8, "a=rtpmap:8 PCMA/8000", null)]
    public void Firefox_audio_is_answered_with_its_own_payload_types(AudioCodec codec, byte payloadType, string rtpmap, string? fmtp)
    {
        SdpAnswer answer = Answer(SdpFixtures.FirefoxAudioVideo, WithAudio(codec));

        string[] audio = Section(answer.Sdp, 0);
        audio.Where(l => l.StartsWith("a=rtpmap:", StringComparison.Ordinal) || l.StartsWith("a=fmtp:", StringComparison.Ordinal))
            .Should().Equal(fmtp is null ? [rtpmap] : [rtpmap, fmtp]);
        audio.Should().Contain("a=sendonly").And.Contain("a=msid:camera-7 audio-7").And.NotContain(l => l.StartsWith("a=extmap", StringComparison.Ordinal));
        answer.AudioMid.Should().Be("0");
        answer.AudioPayloadType.Should().Be(payloadType);
        SdpOffer parsed = ParseBack(answer);
        parsed.BundleGroups.Should().ContainSingle().Which.Should().Equal("0", "1");
        parsed.Audio!.Direction.Should().Be(SdpDirection.SendOnly);
        parsed.Video!.Direction.Should().Be(SdpDirection.SendOnly);
    }

    [Fact]
    public void Codecs_are_matched_by_name_never_by_payload_type_number()
    {
        // The static numbers of G.711 swapped by rtpmap: a number-based match would send A-law to a µ-law decoder.
        string swapped = SdpFixtures.Chrome120AudioVideoData
            .Replace("a=rtpmap:0 PCMU/8000", "a=rtpmap:0 PCMA/8000", StringComparison.Ordinal)
            .Replace("a=rtpmap:8 PCMA/8000", "a=rtpmap:8 PCMU/8000", StringComparison.Ordinal);

        Answer(swapped, WithAudio(AudioCodec.Pcma)).AudioPayloadType.Should().Be(0);
        Answer(swapped, WithAudio(AudioCodec.Pcmu)).AudioPayloadType.Should().Be(8);
    }

    [Fact]
    public void Audio_off_rejects_the_audio_section_and_bundles_video_alone()
    {
        SdpAnswer answer = Answer(SdpFixtures.Chrome120AudioVideoData, s_videoOnly);

        Section(answer.Sdp, 0).Should().Equal("m=audio 0 UDP/TLS/RTP/SAVPF 111", "c=IN IP4 0.0.0.0", "a=mid:0", "a=inactive");
        ShouldBeRejectedAudio(answer, 0, "0");
        Lines(answer.Sdp).Should().Contain("a=group:BUNDLE 1");
        SdpOffer parsed = ParseBack(answer);
        parsed.Audio.Should().BeNull("port 0 without bundle-only is a rejected section");
        parsed.BundleGroups.Should().ContainSingle().Which.Should().Equal("1");
    }

    [Fact]
    public void A_camera_codec_the_browser_does_not_offer_rejects_the_audio_and_keeps_the_video()
    {
        // A browser that offers Opus only (G.711 removed) and a G.711 camera: we never transcode per viewer.
        string opusOnly = SdpFixtures.FirefoxAudioVideo.Replace("m=audio 9 UDP/TLS/RTP/SAVPF 109 9 0 8 101", "m=audio 9 UDP/TLS/RTP/SAVPF 109 9 101", StringComparison.Ordinal)
            .Replace("a=rtpmap:0 PCMU/8000\r\n", string.Empty, StringComparison.Ordinal)
            .Replace("a=rtpmap:8 PCMA/8000\r\n", string.Empty, StringComparison.Ordinal);

        SdpAnswer answer = Answer(opusOnly, WithAudio(AudioCodec.Pcma));

        ShouldBeRejectedAudio(answer, 0, "0");
        answer.VideoMid.Should().Be("1");
        ParseBack(answer).BundleGroups.Should().ContainSingle().Which.Should().Equal("1");
    }

    [Fact]
    public void An_audio_only_offer_keeps_its_one_sentence_refusal()
    {
        // Today's defined answer for an audio-only offer: no SDP answer, the validator's sentence. Audio rides on the
        // video's transport, so there is still nothing to answer without a video section.
        string audioOnly = SdpFixtures.FirefoxAudioVideo[..SdpFixtures.FirefoxAudioVideo.IndexOf("m=video", StringComparison.Ordinal)]
            .Replace("a=group:BUNDLE 0 1", "a=group:BUNDLE 0", StringComparison.Ordinal);

        SdpOfferValidator.TryParseAndValidate(audioOnly, out SdpOffer? offer, out string? error).Should().BeFalse();

        offer.Should().BeNull();
        error.Should().Be("The offer has no video m= line; CamStudio only sends video.");
    }

    [Fact]
    public void Of_two_audio_sections_only_the_first_is_answered()
    {
        string chrome = SdpFixtures.Chrome120AudioVideoData;
        int start = chrome.IndexOf("m=audio", StringComparison.Ordinal);
        string secondAudio = chrome[start..chrome.IndexOf("m=video", StringComparison.Ordinal)].Replace("a=mid:0", "a=mid:3", StringComparison.Ordinal);
        string twoAudio = chrome.Replace("a=group:BUNDLE 0 1 2", "a=group:BUNDLE 0 1 2 3", StringComparison.Ordinal) + secondAudio;

        SdpAnswer answer = Answer(twoAudio, WithAudio(AudioCodec.Opus));

        answer.AudioMid.Should().Be("0");
        Section(answer.Sdp, 3).Should().Equal("m=audio 0 UDP/TLS/RTP/SAVPF 111", "c=IN IP4 0.0.0.0", "a=mid:3", "a=inactive");
        answer.RejectedMids.Should().Equal("2", "3");
        SdpOffer parsed = ParseBack(answer);
        parsed.Media.Select(m => (m.Kind, m.Port, m.Mid)).Should().Equal(
            ("audio", 50000, "0"), ("video", 50000, "1"), ("application", 0, "2"), ("audio", 0, "3"));
        parsed.BundleGroups.Should().ContainSingle().Which.Should().Equal("0", "1");
        Lines(answer.Sdp).Count(l => l.StartsWith("a=ssrc:", StringComparison.Ordinal) && l.Contains("audio-7", StringComparison.Ordinal)).Should().Be(1);
    }

    [Theory]
    [InlineData("a=recvonly", true)]
    [InlineData("a=sendrecv", true)]
    [InlineData("a=inactive", false)]
    [InlineData("a=sendonly", false)]
    public void Audio_is_answered_only_when_the_browser_wants_to_receive_it(string direction, bool answered)
    {
        // Only the audio section's direction changes; the video section stays recvonly.
        string chrome = SdpFixtures.Chrome120AudioVideoData;
        int video = chrome.IndexOf("m=video", StringComparison.Ordinal);
        string offer = chrome[..video].Replace("a=recvonly", direction, StringComparison.Ordinal) + chrome[video..];

        SdpAnswer answer = Answer(offer, WithAudio(AudioCodec.Opus));

        if (answered)
        {
            answer.AudioMid.Should().Be("0");
            Section(answer.Sdp, 0).Should().Contain("a=sendonly");
        }
        else
        {
            ShouldBeRejectedAudio(answer, 0, "0");
        }
    }

    [Fact]
    public void Audio_outside_the_videos_bundle_group_is_rejected()
    {
        // CamStudio has one ICE/DTLS transport per viewer; audio that wants a transport of its own cannot be served.
        string unbundled = SdpFixtures.FirefoxAudioVideo.Replace("a=group:BUNDLE 0 1\r\n", string.Empty, StringComparison.Ordinal);
        string separateGroups = SdpFixtures.FirefoxAudioVideo.Replace("a=group:BUNDLE 0 1", "a=group:BUNDLE 0\r\na=group:BUNDLE 1", StringComparison.Ordinal);

        ShouldBeRejectedAudio(Answer(unbundled, WithAudio(AudioCodec.Opus)), 0, "0");
        ShouldBeRejectedAudio(Answer(separateGroups, WithAudio(AudioCodec.Opus)), 0, "0");
        Answer(unbundled, WithAudio(AudioCodec.Opus)).Sdp.Should().NotContain("a=group");
    }

    [Fact]
    public void Audio_without_rtcp_mux_is_rejected()
    {
        string chrome = SdpFixtures.Chrome120AudioVideoData;
        int video = chrome.IndexOf("m=video", StringComparison.Ordinal);
        string offer = chrome[..video].Replace("a=rtcp-mux\r\n", string.Empty, StringComparison.Ordinal) + chrome[video..];

        ShouldBeRejectedAudio(Answer(offer, WithAudio(AudioCodec.Opus)), 0, "0");
    }

    [Theory]
    [InlineData("opus", 48000, 2, AudioCodec.Opus, true)]
    [InlineData("OPUS", 48000, 2, AudioCodec.Opus, true)]
    [InlineData("opus", 48000, null, AudioCodec.Opus, false)]
    [InlineData("opus", 16000, 2, AudioCodec.Opus, false)]
    [InlineData("PCMA", 8000, null, AudioCodec.Pcma, true)]
    [InlineData("PCMA", 8000, 1, AudioCodec.Pcma, true)]
    [InlineData("PCMA", 16000, null, AudioCodec.Pcma, false)]
    [InlineData("PCMA", 8000, 2, AudioCodec.Pcma, false)]
    [InlineData("PCMU", 8000, null, AudioCodec.Pcma, false)]
    [InlineData("G722", 8000, null, AudioCodec.Pcmu, false)]
    public void Matching_is_by_name_clock_rate_and_channels(string name, int clockRate, int? channels, AudioCodec codec, bool matches)
    {
        var offered = new SdpCodec(96, name, clockRate, new Dictionary<string, string>(), [], null) { Channels = channels };

        AudioCodecSelector.Matches(offered, codec).Should().Be(matches);
    }

    [Fact]
    public void An_audio_track_sharing_the_video_ssrc_or_track_id_is_a_programmer_error()
    {
        SdpOffer.TryParse(SdpFixtures.Chrome120AudioVideoData, out SdpOffer? offer, out _);
        SdpCodec codec = H264CodecSelector.Select(offer!.Video!, null)!;

        FluentActions.Invoking(() => SdpAnswerBuilder.Build(offer, codec, s_videoOnly with { Audio = new SdpAudioOptions(AudioCodec.Opus, VideoSsrc, "audio-7") }))
            .Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => SdpAnswerBuilder.Build(offer, codec, s_videoOnly with { Audio = new SdpAudioOptions(AudioCodec.Opus, AudioSsrc, "video-7") }))
            .Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => SdpAnswerBuilder.Build(offer, codec, s_videoOnly with { Audio = new SdpAudioOptions(AudioCodec.Opus, AudioSsrc, "a\r\nm=x") }))
            .Should().Throw<ArgumentException>();
    }
}
