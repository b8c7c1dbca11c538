using CamStudio.Media.Audio;
using CamStudio.Media.Ffmpeg;

namespace CamStudio.Tests.Media.Ffmpeg;

public class FfmpegArgumentsTests
{
    private static readonly RtspSource s_camera = new("192.168.1.20", 554, "/stream1", "admin", "secret");

    [Fact]
    public void ForRtspToRtp_copies_video_over_tcp_to_loopback_rtp()
    {
        IReadOnlyList<string> args = FfmpegArguments.ForRtspToRtp(s_camera, 50000);

        args.Should().ContainInConsecutiveOrder("-rtsp_transport", "tcp");
        args.Should().ContainInConsecutiveOrder("-protocol_whitelist", "rtsp,rtp,tcp,udp");
        args.Should().ContainInConsecutiveOrder("-timeout", "5000000");
        args.Should().ContainInConsecutiveOrder("-flags", "low_delay", "-analyzeduration", "500000", "-fpsprobesize", "0",
            "-i", "rtsp://admin:secret@192.168.1.20:554/stream1");
        // nobuffer drops the packets read while probing, the camera's first IDR among them: the copy began a GOP later.
        args.Should().NotContain("nobuffer");
        args.Should().ContainInConsecutiveOrder("-an", "-sn", "-dn", "-c:v", "copy");
        args.Should().ContainInConsecutiveOrder("-bsf:v", "dump_extra=freq=keyframe", "-f", "rtp", "-payload_type", "96",
            "-pkt_size", "1200", "rtp://127.0.0.1:50000");
        args[^1].Should().Be("rtp://127.0.0.1:50000");
        args.Should().NotContain("-re", "-re on a live input only adds latency");
        args.Should().NotContain("-nostdin", "StopAsync quits FFmpeg by writing 'q' to stdin");
    }

    [Theory]
    [InlineData(AudioCodec.Pcma, "8")]
    [InlineData(AudioCodec.Pcmu, "0")]
    public void Audio_that_is_g711_already_is_copied_to_its_own_rtp_output(AudioCodec codec, string payloadType)
    {
        IReadOnlyList<string> args = FfmpegArguments.ForRtspToRtp(s_camera, 50000, new AudioOutput(50010, codec));

        int videoOutput = IndexOf(args, "rtp://127.0.0.1:50000");
        args.Skip(videoOutput + 1).Should().Equal(
            "-map", "0:a:0?", "-vn", "-sn", "-dn", "-c:a", "copy", "-f", "rtp", "-payload_type", payloadType, "rtp://127.0.0.1:50010");
        args.Take(videoOutput).Should().ContainInConsecutiveOrder("-map", "0:v:0", "-an", "-sn", "-dn", "-c:v", "copy");
    }

    [Fact]
    public void Other_audio_is_transcoded_to_opus_and_only_the_audio()
    {
        IReadOnlyList<string> args = FfmpegArguments.ForRtspToRtp(s_camera, 50000, new AudioOutput(50010, AudioCodec.Opus));

        int videoOutput = IndexOf(args, "rtp://127.0.0.1:50000");
        IReadOnlyList<string> audio = args.Skip(videoOutput + 1).ToArray();
        audio.Should().ContainInConsecutiveOrder("-map", "0:a:0?", "-vn");
        audio.Should().ContainInConsecutiveOrder("-c:a", "libopus", "-ar", "48000");
        audio.Should().ContainInConsecutiveOrder("-application", "lowdelay");
        audio.Should().ContainInConsecutiveOrder("-payload_type", "111", "rtp://127.0.0.1:50010");
        args.Count(a => a == "-c:v").Should().Be(1, "the video is still only copied");
        args.Should().NotContain("libx264");
    }

    [Fact]
    public void Without_audio_there_is_one_output_and_no_audio_map()
    {
        IReadOnlyList<string> args = FfmpegArguments.ForRtspToRtp(s_camera, 50000, audio: null);

        args[^1].Should().Be("rtp://127.0.0.1:50000");
        args.Should().NotContain("0:a:0?");
    }

    [Fact]
    public void ForRtspToRtp_puts_input_options_before_the_input()
    {
        IReadOnlyList<string> args = FfmpegArguments.ForRtspToRtp(s_camera, 50000);
        int input = IndexOf(args, "-i");

        IndexOf(args, "-rtsp_transport").Should().BeLessThan(input);
        IndexOf(args, "-protocol_whitelist").Should().BeLessThan(input);
        IndexOf(args, "-timeout").Should().BeLessThan(input);
        IndexOf(args, "-analyzeduration").Should().BeLessThan(input);
        IndexOf(args, "-fpsprobesize").Should().BeLessThan(input);
        IndexOf(args, "-c:v").Should().BeGreaterThan(input);
    }

    [Fact]
    public void ForRtspToRtp_uses_the_given_io_timeout_in_microseconds()
    {
        IReadOnlyList<string> args = FfmpegArguments.ForRtspToRtp(s_camera, 50000, TimeSpan.FromMilliseconds(2500));

        args[IndexOf(args, "-timeout") + 1].Should().Be("2500000");
    }

    [Fact]
    public void Credentials_are_percent_encoded()
    {
        var source = new RtspSource("cam.local", 8554, "live/ch0", "us er", "p@ss:w/rd?#%x");

        source.ToUrl().Should().Be("rtsp://us%20er:p%40ss%3Aw%2Frd%3F%23%25x@cam.local:8554/live/ch0");
    }

    [Fact]
    public void No_credentials_means_no_userinfo()
    {
        new RtspSource("10.0.0.5", 554, "", null, null).ToUrl().Should().Be("rtsp://10.0.0.5:554/");
    }

    [Theory]
    [InlineData("::1", "rtsp://[::1]:554/s")]
    [InlineData("[fd00::20]", "rtsp://[fd00::20]:554/s")]
    [InlineData("FD00:0:0::20", "rtsp://[fd00::20]:554/s")]
    public void Ipv6_hosts_are_bracketed(string host, string expected)
    {
        new RtspSource(host, 554, "s", null, null).ToUrl().Should().Be(expected);
    }

    [Fact]
    public void Path_may_carry_a_camera_query()
    {
        new RtspSource("10.0.0.5", 554, "/cam/realmonitor?channel=1&subtype=0", null, null).ToUrl()
            .Should().Be("rtsp://10.0.0.5:554/cam/realmonitor?channel=1&subtype=0");
    }

    // Every hostile value a camera form could carry must be refused before it reaches FFmpeg's argument list.
    [Theory]
    [InlineData("-f lavfi")]
    [InlineData("-i")]
    [InlineData("file:/etc/passwd")]
    [InlineData("127.0.0.1 -i x")]
    [InlineData("127.0.0.1\n-f")]
    [InlineData("127.0.0.1\r\n")]
    [InlineData("; rm -rf /")]
    [InlineData("$(id)")]
    [InlineData("`id`")]
    [InlineData("evil@127.0.0.1")]
    [InlineData("127.0.0.1/x")]
    [InlineData("127.0.0.1?x")]
    [InlineData("127.0.0.1#x")]
    [InlineData("127.0.0.1:554")]
    [InlineData("[cam.local]")]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("host\0name")]
    [InlineData("0x7f.1")]
    [InlineData("fe80::1%eth0")]
    public void Hostile_hosts_are_rejected(string host)
    {
        var source = new RtspSource(host, 554, "stream1", "admin", "secret");

        Action build = () => FfmpegArguments.ForRtspToRtp(source, 50000);

        build.Should().Throw<ArgumentException>().Which.Message.Should().NotContain("secret");
    }

    [Theory]
    [InlineData("../../etc/passwd")]
    [InlineData("stream/../x")]
    [InlineData("stream1 -f lavfi")]
    [InlineData("stream1\n-i")]
    [InlineData("stream1\u0007")]
    [InlineData("; rm -rf /")]
    [InlineData("stream#frag")]
    [InlineData("stream\\x")]
    [InlineData("bad%zz")]
    [InlineData("trailing%2")]
    [InlineData("caf\u00e9")]
    public void Hostile_paths_are_rejected(string path)
    {
        Action build = () => FfmpegArguments.ForRtspToRtp(new RtspSource("10.0.0.5", 554, path, null, null), 50000);

        build.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Shell_syntax_in_a_path_stays_inside_the_single_url_argument()
    {
        // No shell is involved (ArgumentList), so "$(id)" is only URL text; what matters is that it cannot
        // become an argument of its own.
        IReadOnlyList<string> args = FfmpegArguments.ForRtspToRtp(new RtspSource("10.0.0.5", 554, "$(id)", null, null), 50000);

        args.Should().ContainSingle(a => a.Contains("$(id)", StringComparison.Ordinal))
            .Which.Should().Be("rtsp://10.0.0.5:554/$(id)");
    }

    [Theory]
    [InlineData("-f lavfi -i testsrc")]
    [InlineData("file:/etc/passwd")]
    [InlineData("p@ss:/?#%w")]
    [InlineData("$(id); rm -rf /")]
    public void Hostile_credentials_are_encoded_into_the_url_and_never_split(string value)
    {
        var source = new RtspSource("10.0.0.5", 554, "s", value, value);
        string encoded = Uri.EscapeDataString(value);

        IReadOnlyList<string> args = FfmpegArguments.ForRtspToRtp(source, 50000);

        args[IndexOf(args, "-i") + 1].Should().Be($"rtsp://{encoded}:{encoded}@10.0.0.5:554/s");
        args.Should().NotContain(value);
        args.Where(a => a.StartsWith('-')).Should().OnlyContain(a => !a.Contains(' ', StringComparison.Ordinal));
    }

    [Fact]
    public void Control_characters_in_credentials_are_rejected()
    {
        Action build = () => FfmpegArguments.ForRtspToRtp(new RtspSource("10.0.0.5", 554, "s", "admin", "a\nb"), 50000);

        build.Should().Throw<ArgumentException>().Which.Message.Should().NotContain("a\nb");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(65536)]
    public void Ports_out_of_range_are_rejected(int port)
    {
        Action build = () => FfmpegArguments.ForRtspToRtp(new RtspSource("10.0.0.5", port, "s", null, null), 50000);

        build.Should().Throw<ArgumentException>();
    }

    [Theory]
    [InlineData(80)]
    [InlineData(65535)]
    public void Rtp_ports_outside_the_usable_range_are_rejected(int rtpPort)
    {
        Action build = () => FfmpegArguments.ForRtspToRtp(s_camera, rtpPort);

        build.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void RtspSource_ToString_hides_the_credentials()
    {
        s_camera.ToString().Should().Be("rtsp://***@192.168.1.20:554/stream1");
    }

    [Fact]
    public void ForTestPattern_encodes_a_realtime_generator()
    {
        IReadOnlyList<string> args = FfmpegArguments.ForTestPattern(50010, 640, 360, 25, 2);

        args.Should().ContainInConsecutiveOrder("-re", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25");
        args.Should().ContainInConsecutiveOrder("-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-profile:v", "baseline");
        args.Should().ContainInConsecutiveOrder("-g", "50", "-keyint_min", "50", "-sc_threshold", "0", "-bf", "0", "-pix_fmt", "yuv420p");
        args.Should().ContainInConsecutiveOrder("-f", "rtp", "-payload_type", "96", "-pkt_size", "1200", "rtp://127.0.0.1:50010");
    }

    [Theory]
    [InlineData(641, 360, 25, 2)]
    [InlineData(640, 8, 25, 2)]
    [InlineData(640, 360, 0, 2)]
    [InlineData(640, 360, 25, 0)]
    [InlineData(7680, 4320, 25, 2)]
    public void ForTestPattern_rejects_bad_geometry(int width, int height, int fps, int gop)
    {
        Action build = () => FfmpegArguments.ForTestPattern(50010, width, height, fps, gop);

        build.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void ForProbe_asks_ffprobe_for_json_streams_over_tcp()
    {
        IReadOnlyList<string> args = FfmpegArguments.ForProbe(s_camera, TimeSpan.FromSeconds(3));

        args.Should().ContainInConsecutiveOrder("-v", "error");
        args.Should().ContainInConsecutiveOrder("-rtsp_transport", "tcp");
        args.Should().ContainInConsecutiveOrder("-timeout", "3000000");
        args.Should().ContainInConsecutiveOrder("-protocol_whitelist", "rtsp,rtp,tcp,udp");
        args.Should().ContainInConsecutiveOrder("-show_streams", "-of", "json");
        args[^1].Should().Be("rtsp://admin:secret@192.168.1.20:554/stream1");
    }

    [Fact]
    public void ForVersion_is_just_the_version_flag()
    {
        FfmpegArguments.ForVersion().Should().Equal("-version");
    }

    [Fact]
    public void ForProbe_puts_the_input_last_and_never_writes_output()
    {
        IReadOnlyList<string> args = FfmpegArguments.ForProbe(s_camera);

        args.Should().ContainInConsecutiveOrder("-timeout", "5000000");
        args.Should().ContainInConsecutiveOrder("-select_streams", "v");
        args.Should().ContainInConsecutiveOrder("-i", "rtsp://admin:secret@192.168.1.20:554/stream1");
        args.Should().NotContain(a => a.StartsWith("rtp://", StringComparison.Ordinal) || a.StartsWith("pipe:", StringComparison.Ordinal));
    }

    [Fact]
    public void ForRtspToJpeg_decodes_the_first_video_stream_to_jpeg_on_stdout()
    {
        IReadOnlyList<string> args = FfmpegArguments.ForRtspToJpeg(s_camera, 10);

        args.Should().Equal(
            "-hide_banner", "-nostats", "-loglevel", "level+error",
            "-protocol_whitelist", "rtsp,rtp,tcp,udp", "-rtsp_transport", "tcp", "-timeout", "5000000",
            "-fflags", "nobuffer", "-flags", "low_delay", "-i", "rtsp://admin:secret@192.168.1.20:554/stream1",
            "-map", "0:v:0", "-an", "-sn", "-dn", "-vf", "fps=10", "-c:v", "mjpeg", "-q:v", "7", "-f", "image2pipe", "pipe:1");
    }

    [Fact]
    public void ForTestPatternToJpeg_paces_the_generator_and_writes_jpeg_on_stdout()
    {
        IReadOnlyList<string> args = FfmpegArguments.ForTestPatternToJpeg(640, 360, 10);

        args.Should().ContainInConsecutiveOrder("-re", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=10");
        args.Should().ContainInConsecutiveOrder("-c:v", "mjpeg");
        args[^1].Should().Be("pipe:1");
        args.Should().NotContain(a => a.StartsWith("rtsp://", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(61)]
    public void ForRtspToJpeg_refuses_a_frame_rate_out_of_range(int fps)
    {
        Action build = () => FfmpegArguments.ForRtspToJpeg(s_camera, fps);

        build.Should().Throw<ArgumentOutOfRangeException>();
    }

    private static int IndexOf(IReadOnlyList<string> args, string value)
    {
        for (int i = 0; i < args.Count; i++)
        {
            if (args[i] == value)
            {
                return i;
            }
        }

        return -1;
    }
}
