using CamStudio.Media.Ffmpeg;
using CamStudio.Media.Video;

namespace CamStudio.Tests.Media.Ffmpeg;

/// <summary>The snapshot children's argument lists: one JPEG frame to stdout, the camera input locked down like the stream's.</summary>
public sealed class FfmpegArgumentsSnapshotTests
{
    [Theory]
    [InlineData(VideoCodec.H264, "h264")]
    [InlineData(VideoCodec.H265, "hevc")]
    public void A_key_frame_is_read_from_stdin_in_its_codecs_raw_format(VideoCodec codec, string format)
    {
        IReadOnlyList<string> args = FfmpegArguments.ForKeyFrameToJpeg(codec);

        args.Should().ContainInConsecutiveOrder("-f", format, "-i", "pipe:0");
        args.Should().ContainInConsecutiveOrder("-frames:v", "1", "-c:v", "mjpeg");
        args.Should().EndWith(["-f", "image2pipe", "pipe:1"]);
    }

    [Fact]
    public void A_grab_opens_only_rtsp_over_tcp_with_a_timeout_and_a_small_probe()
    {
        var source = new RtspSource("cam.local", 554, "stream2", "admin", "s3cret:pw");

        IReadOnlyList<string> args = FfmpegArguments.ForRtspToJpegFrame(source);

        args.Should().ContainInConsecutiveOrder("-protocol_whitelist", FfmpegArguments.ProtocolWhitelist);
        args.Should().ContainInConsecutiveOrder("-rtsp_transport", "tcp");
        args.Should().Contain("-timeout");
        args.Should().ContainInConsecutiveOrder("-probesize", "500000");
        args.Should().ContainInConsecutiveOrder("-i", source.ToUrl());
        args.Should().ContainInConsecutiveOrder("-frames:v", "1");
        FfmpegArguments.ToDisplayString(args, source.Password).Should().NotContain("s3cret", "logged arguments are redacted");
    }

    [Fact]
    public void The_demo_pattern_gives_one_frame_without_pacing()
    {
        IReadOnlyList<string> args = FfmpegArguments.ForTestPatternToJpegFrame(640, 360);

        args.Should().NotContain("-re", "one frame needs no real-time pacing");
        args.Should().ContainInConsecutiveOrder("-f", "lavfi", "-i", "testsrc2=size=640x360:rate=1");
        args.Should().ContainInConsecutiveOrder("-frames:v", "1");
    }
}
