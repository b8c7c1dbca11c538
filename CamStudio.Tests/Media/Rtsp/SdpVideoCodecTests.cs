using System.Text;
using CamStudio.Media.Rtsp;
using FluentAssertions;

namespace CamStudio.Tests.Media.Rtsp;

public class SdpVideoCodecTests
{
    [Theory]
    [InlineData("m=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n", "H264")]
    [InlineData("m=audio 0 RTP/AVP 97\r\na=rtpmap:97 MPEG4-GENERIC/16000/1\r\nm=video 0 RTP/AVP 98\r\na=rtpmap:98 H265/90000\r\n", "H265")]
    [InlineData("m=video 0 RTP/AVP 96 97\na=rtpmap:97 H264/90000\na=rtpmap:96 h265/90000\n", "H265")] // first format wins
    [InlineData("m=video 0 RTP/AVP 26\r\n", "JPEG")]                                                       // static type
    [InlineData("m=video 0 RTP/AVP 96\r\na=rtpmap:96 MP4V-ES/90000\r\n", "MP4V-ES")]
    public void Names_the_first_video_format(string sdp, string codec)
    {
        SdpVideoCodec.TryRead(Encoding.ASCII.GetBytes("v=0\r\no=- 0 0 IN IP4 0.0.0.0\r\ns=cam\r\n" + sdp), out string? name).Should().BeTrue();
        name.Should().Be(codec);
    }

    [Theory]
    [InlineData("v=0\r\nm=audio 0 RTP/AVP 0\r\n")]                       // no video
    [InlineData("m=video 0 RTP/AVP 96\r\nm=audio 0 RTP/AVP 0\r\na=rtpmap:96 H264/90000\r\n")] // rtpmap in another section
    [InlineData("m=video 0 RTP/AVP\r\n")]
    [InlineData("m=video 0 RTP/AVP x\r\n")]
    [InlineData("m=video 0 RTP/AVP 96\r\na=rtpmap:96 \r\n")]
    [InlineData("")]
    public void Cannot_name_what_is_not_there(string sdp)
    {
        SdpVideoCodec.TryRead(Encoding.ASCII.GetBytes(sdp), out string? name).Should().BeFalse();
        name.Should().BeNull();
    }
}
