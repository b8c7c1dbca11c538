using CamStudio.Media.Sdp;
using CamStudio.Media.Video;
using CamStudio.Media.WebRtc;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CamStudio.Tests.Media.Sdp;

/// <summary>Answering an H.265 camera (RFC 7798 §7): the browser's H.265 when it offers one, a plain refusal when not.</summary>
public sealed class H265CodecSelectorTests
{
    /// <summary>
    /// Chromium's offer with H.265 added the way an H.265-capable Chromium (hardware decoder) offers it: Main before
    /// Main 10 here is reversed on purpose, to show the preference is by profile and not by order.
    /// </summary>
    internal static string WithH265(string offer) => offer
        .Replace("m=video 9 UDP/TLS/RTP/SAVPF 96 ", "m=video 9 UDP/TLS/RTP/SAVPF 96 51 49 ", StringComparison.Ordinal)
        .Replace("a=mid:0\r\n", "a=mid:0\r\n"
            + "a=rtpmap:51 H265/90000\r\na=rtcp-fb:51 nack\r\na=rtcp-fb:51 nack pli\r\na=fmtp:51 level-id=180;profile-id=2;tier-flag=0;tx-mode=SRST\r\n"
            + "a=rtpmap:49 H265/90000\r\na=rtcp-fb:49 nack\r\na=rtcp-fb:49 nack pli\r\na=fmtp:49 level-id=180;profile-id=1;tier-flag=0;tx-mode=SRST\r\n",
            StringComparison.Ordinal);

    private static SdpMediaDescription Video(string sdp)
    {
        SdpOffer.TryParse(sdp, out var offer, out var error).Should().BeTrue(error);
        return offer!.Video!;
    }

    [Fact]
    public void Main_profile_is_preferred_whatever_the_order_and_payload_number()
    {
        SdpCodec codec = H265CodecSelector.Select(Video(WithH265(SdpFixtures.Chrome126VideoOnly)))!;

        codec.PayloadType.Should().Be(49);
        codec.GetParameter("profile-id").Should().Be("1");
    }

    [Fact]
    public void An_offer_without_h265_yields_nothing()
    {
        H265CodecSelector.Select(Video(SdpFixtures.Chrome126VideoOnly)).Should().BeNull();
    }

    [Fact]
    public async Task An_h265_camera_is_answered_with_the_offered_h265_and_its_fmtp()
    {
        await using WebRtcServer server = await StartServerAsync();

        ViewerSessionResult result = server.CreateSession(WithH265(SdpFixtures.Chrome126VideoOnly), new StubSource(VideoCodec.H265), "1-stream1");

        result.Error.Should().BeNull();
        result.Session!.Codec.Should().Be(VideoCodec.H265);
        result.AnswerSdp.Should().Contain("m=video ").And.Contain(" 49\r\n").And.Contain("a=rtpmap:49 H265/90000")
            .And.Contain("a=fmtp:49 level-id=180;profile-id=1;tier-flag=0;tx-mode=SRST").And.NotContain("H264");
        server.CloseSession(result.Session.Id);
    }

    [Fact]
    public async Task An_h265_camera_and_a_browser_without_h265_get_a_plain_refusal_not_a_black_tile()
    {
        await using WebRtcServer server = await StartServerAsync();

        ViewerSessionResult result = server.CreateSession(SdpFixtures.Chrome126VideoOnly, new StubSource(VideoCodec.H265), "1-stream1");

        result.Session.Should().BeNull();
        result.Refusal.Should().Be(ViewerSessionRefusal.CodecUnsupported);
        result.Error.Should().Be(WebRtcServer.CodecUnsupportedH265);
        result.Error.Should().Contain("H.265").And.Contain("cannot play").And.Contain("SD stream").And.Contain("H.264");
    }

    [Fact]
    public async Task An_h264_camera_still_gets_h264_from_an_offer_that_also_carries_h265()
    {
        await using WebRtcServer server = await StartServerAsync();

        ViewerSessionResult result = server.CreateSession(WithH265(SdpFixtures.Chrome126VideoOnly), new StubSource(VideoCodec.H264), "1-stream1");

        result.Error.Should().BeNull();
        result.Session!.Codec.Should().Be(VideoCodec.H264);
        result.AnswerSdp.Should().Contain("H264/90000").And.NotContain("H265");
        server.CloseSession(result.Session.Id);
    }

    [Fact]
    public async Task An_h265_only_offer_is_valid_sdp_but_an_h264_camera_refuses_it_as_a_codec_it_cannot_serve()
    {
        await using WebRtcServer server = await StartServerAsync();
        string h265Only = WithH265(SdpFixtures.Chrome126VideoOnly).Replace("H264/90000", "H266/90000", StringComparison.Ordinal);

        ViewerSessionResult forH264 = server.CreateSession(h265Only, new StubSource(VideoCodec.H264), "1-stream1");
        ViewerSessionResult forH265 = server.CreateSession(h265Only, new StubSource(VideoCodec.H265), "2-stream1");

        forH264.Refusal.Should().Be(ViewerSessionRefusal.CodecUnsupported);
        forH264.Error.Should().Contain("no H.264");
        forH265.Error.Should().BeNull("an H.265 camera plays in a browser that offers only H.265");
        server.CloseSession(forH265.Session!.Id);
    }

    private static async Task<WebRtcServer> StartServerAsync()
    {
        var server = new WebRtcServer(
            Options.Create(new WebRtcOptions { UdpPort = 0, AdvertisedAddresses = ["127.0.0.1"] }),
            NullLoggerFactory.Instance, TimeProvider.System);
        await server.StartAsync(CancellationToken.None);
        return server;
    }

    private sealed class StubSource(VideoCodec codec) : IVideoStreamSource
    {
        public VideoCodec Codec { get; } = codec;

        public string? ProfileLevelId => Codec == VideoCodec.H264 ? "42e01f" : null;

        public int LargestReplayPackets => 0;

        public IDisposable Subscribe(IVideoPacketSink sink) => new Nothing();

        public void ResendKeyFrame(IVideoPacketSink sink)
        {
        }

        private sealed class Nothing : IDisposable
        {
            public void Dispose()
            {
            }
        }
    }
}
