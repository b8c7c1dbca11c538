using CamStudio.Media.Sdp;

namespace CamStudio.Tests.Media.Sdp;

public class H264CodecSelectorTests
{
    private static SdpMediaDescription Video(string sdp)
    {
        SdpOffer.TryParse(sdp, out var offer, out var error).Should().BeTrue(error);
        return offer!.Video!;
    }

    [Fact]
    public void Same_profile_42e01f_is_found_at_different_payload_numbers()
    {
        // Matching by fmtp, not by number: 42e01f is pt 106 in one Chromium offer and 127 in another.
        H264CodecSelector.Select(Video(SdpFixtures.Chrome120AudioVideoData), "42e01f")!.PayloadType.Should().Be(106);
        H264CodecSelector.Select(Video(SdpFixtures.Chrome126VideoOnly), "42e01f")!.PayloadType.Should().Be(127);
        H264CodecSelector.Select(Video(SdpFixtures.FirefoxAudioVideo), "42e01f")!.PayloadType.Should().Be(126);
    }

    [Fact]
    public void Main_profile_is_found_by_fmtp_whatever_its_number()
    {
        var chrome120 = H264CodecSelector.Select(Video(SdpFixtures.Chrome120AudioVideoData), "4d001f")!;
        chrome120.PayloadType.Should().Be(127);
        chrome120.GetParameter("profile-level-id").Should().Be("4d001f");

        var chrome126 = H264CodecSelector.Select(Video(SdpFixtures.Chrome126VideoOnly), "4d001f")!;
        chrome126.PayloadType.Should().Be(109);
        chrome126.GetParameter("profile-level-id").Should().Be("4d001f");
    }

    [Fact]
    public void High_camera_gets_the_offered_high_profile_at_a_sufficient_level()
    {
        // Camera streams High 4.0 (640028); the offer can decode High up to 5.2 (640034) in packetization-mode 1 at 123.
        var codec = H264CodecSelector.Select(Video(SdpFixtures.Chrome126VideoOnly), "640028")!;

        codec.PayloadType.Should().Be(123);
        codec.GetParameter("packetization-mode").Should().Be("1");
    }

    [Fact]
    public void High_camera_takes_high_at_lower_level_before_falling_back()
    {
        // Chromium M120 offers High only as 64001f (level 3.1); same profile beats the baseline fallback.
        H264CodecSelector.Select(Video(SdpFixtures.Chrome120AudioVideoData), "640028")!.PayloadType.Should().Be(112);
    }

    [Fact]
    public void Exact_profile_level_id_match_wins()
    {
        H264CodecSelector.Select(Video(SdpFixtures.Chrome126VideoOnly), "f4001f")!.PayloadType.Should().Be(35);
        H264CodecSelector.Select(Video(SdpFixtures.Chrome126VideoOnly), "42001f")!.PayloadType.Should().Be(103);
    }

    [Fact]
    public void High_camera_without_offered_high_falls_back_to_42e01f()
    {
        // Firefox offers only 42e01f; Chromium-class decoders still play High under that negotiation.
        H264CodecSelector.Select(Video(SdpFixtures.FirefoxAudioVideo), "640028")!.PayloadType.Should().Be(126);
    }

    [Fact]
    public void Unknown_camera_profile_falls_back_to_42e01f()
    {
        H264CodecSelector.Select(Video(SdpFixtures.Chrome120AudioVideoData), null)!.GetParameter("profile-level-id").Should().Be("42e01f");
        H264CodecSelector.Select(Video(SdpFixtures.Chrome126VideoOnly), "garbage")!.PayloadType.Should().Be(127);
    }

    [Fact]
    public void Without_42e01f_any_packetization_mode_1_h264_is_taken()
    {
        var sdp = SdpFixtures.Chrome126VideoOnly
            .Replace("packetization-mode=1;profile-level-id=42e01f", "packetization-mode=0;profile-level-id=42e01f", StringComparison.Ordinal)
            .Replace("packetization-mode=1;profile-level-id=42001f", "packetization-mode=0;profile-level-id=42001f", StringComparison.Ordinal);

        var codec = H264CodecSelector.Select(Video(sdp), null)!;

        codec.GetParameter("packetization-mode").Should().Be("1");
        codec.PayloadType.Should().Be(109, "4d001f is the first remaining mode-1 H.264 in offer order");
    }

    [Fact]
    public void Packetization_mode_0_is_never_selected()
    {
        var sdp = SdpFixtures.FirefoxAudioVideo.Replace("level-asymmetry-allowed=1;packetization-mode=1", "level-asymmetry-allowed=1", StringComparison.Ordinal);

        H264CodecSelector.Select(Video(sdp), "42e01f").Should().BeNull();
    }

    [Theory]
    [InlineData("42e01f", "ConstrainedBaseline", 31)]
    [InlineData("42001f", "Baseline", 31)]
    [InlineData("4d001f", "Main", 31)]
    [InlineData("4de01f", "ConstrainedBaseline", 31)]
    [InlineData("640034", "High", 52)]
    [InlineData("640c1f", "ConstrainedHigh", 31)]
    [InlineData("f4001f", "High444Predictive", 31)]
    [InlineData("42f00b", "ConstrainedBaseline", 10)] // RFC 6184 §8.1: constraint_set3 + level 11 is level 1b
    public void Profile_level_id_is_classified_per_rfc6184_table5(string id, string profile, int level)
    {
        H264CodecSelector.TryParseProfileLevelId(id, out var parsed).Should().BeTrue();
        parsed.Profile.ToString().Should().Be(profile);
        parsed.Level.Should().Be(level);
    }
}
