using CamStudio.Media.Streaming;

namespace CamStudio.Tests.Media.Streaming;

/// <summary>FFmpeg arguments built from a stored camera: the right path per quality, encoded credentials, the demo pattern.</summary>
public sealed class CameraStreamArgumentsTests
{
    [Fact]
    public void Rtsp_camera_credentials_are_percent_encoded_and_the_sd_path_is_used_for_stream2()
    {
        CameraFeed camera = CameraStreamLifecycleTests.Camera();

        IReadOnlyList<string> args = CameraStreamArguments.Build(camera, StreamVariant.Stream2, 40000, out IReadOnlyList<string?> secrets);

        args.Should().Contain("rtsp://admin:p%40ss%3A%2F%3F%23w%20rd@10.0.0.5:554/stream2");
        args.Should().ContainInOrder("-protocol_whitelist", "rtsp,rtp,tcp,udp");
        args.Should().ContainInOrder("-c:v", "copy");
        args[^1].Should().Be("rtp://127.0.0.1:40000");
        secrets.Should().Equal("p@ss:/?#w rd");
    }

    [Fact]
    public void Stream1_uses_the_hd_path()
    {
        IReadOnlyList<string> args = CameraStreamArguments.Build(CameraStreamLifecycleTests.Camera(), StreamVariant.Stream1, 40000, out _);

        args.Should().Contain(a => a.EndsWith("@10.0.0.5:554/stream1", StringComparison.Ordinal));
    }

    [Fact]
    public void A_camera_without_credentials_gets_an_url_without_userinfo()
    {
        CameraFeed camera = new()
        {
            CameraId = 1, Kind = CameraFeedKind.Rtsp, Host = "cam.local", RtspPort = 8554, HdPath = "/h", SdPath = "/s",
            Username = "", Password = "", DefaultVariant = StreamVariant.Stream1,
        };

        IReadOnlyList<string> args = CameraStreamArguments.Build(camera, StreamVariant.Stream1, 40000, out IReadOnlyList<string?> secrets);

        args.Should().Contain("rtsp://cam.local:8554/h");
        secrets.Should().OnlyContain(s => s == null);
    }

    [Theory]
    [InlineData(StreamVariant.Stream1, "testsrc2=size=1280x720:rate=25")]
    [InlineData(StreamVariant.Stream2, "testsrc2=size=640x360:rate=25")]
    public void A_demo_camera_becomes_the_test_pattern(StreamVariant quality, string expectedSource)
    {
        CameraFeed camera = new()
        {
            CameraId = 2, Kind = CameraFeedKind.TestPattern, Host = "", RtspPort = 554, HdPath = "", SdPath = "",
            Username = "", Password = "", DefaultVariant = quality,
        };

        IReadOnlyList<string> args = CameraStreamArguments.Build(camera, quality, 40000, out IReadOnlyList<string?> secrets);

        args.Should().ContainInOrder("-f", "lavfi", "-i", expectedSource);
        args.Should().NotContain(a => a.StartsWith("rtsp://", StringComparison.Ordinal));
        args[^1].Should().Be("rtp://127.0.0.1:40000");
        secrets.Should().BeEmpty();
    }

    [Fact]
    public void A_host_that_would_become_an_ffmpeg_option_is_refused_without_echoing_the_password()
    {
        CameraFeed camera = new()
        {
            CameraId = 1, Kind = CameraFeedKind.Rtsp, Host = "-i", RtspPort = 554, HdPath = "/h", SdPath = "/s",
            Username = "u", Password = "hunter2", DefaultVariant = StreamVariant.Stream1,
        };

        Action build = () => CameraStreamArguments.Build(camera, StreamVariant.Stream1, 40000, out _);

        build.Should().Throw<ArgumentException>().Which.Message.Should().NotContain("hunter2");
    }
}
