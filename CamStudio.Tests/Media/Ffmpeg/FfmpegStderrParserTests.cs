using CamStudio.Media.Ffmpeg;

namespace CamStudio.Tests.Media.Ffmpeg;

public class FfmpegStderrParserTests
{
    [Theory]
    [InlineData("rtsp-401-unauthorized.txt", 1, FfmpegFailure.AuthFailed)]
    [InlineData("ffprobe-401-encoded-password.txt", 1, FfmpegFailure.AuthFailed)]
    [InlineData("rtsp-404-not-found.txt", 1, FfmpegFailure.StreamNotFound)]
    [InlineData("tcp-connection-refused.txt", 1, FfmpegFailure.HostUnreachable)]
    [InlineData("dns-name-not-known.txt", 1, FfmpegFailure.HostUnreachable)]
    [InlineData("rtsp-silent-server-timeout.txt", 1, FfmpegFailure.ProtocolError)]
    [InlineData("camera-killed-mid-stream.txt", 0, FfmpegFailure.ConnectionLost)]
    [InlineData("ffprobe-mjpeg-info.txt", 0, FfmpegFailure.UnsupportedCodec)]
    [InlineData("rtsp-audio-asked-camera-has-none.txt", 1, FfmpegFailure.NoAudio)]
    // H.265 passes through like H.264 (issue 15): a described HEVC stream that ends is a stream that ended.
    [InlineData("ffprobe-hevc-info.txt", 0, FfmpegFailure.ConnectionLost)]
    public void Captured_output_is_classified(string sample, int exitCode, FfmpegFailure expected)
    {
        FfmpegDiagnosis diagnosis = FfmpegStderrParser.Classify(SampleFiles.ReadLines(sample), exitCode);

        diagnosis.Failure.Should().Be(expected);
    }

    [Fact]
    public void Auth_failure_has_the_clear_message_and_no_detail_in_the_status()
    {
        FfmpegDiagnosis diagnosis = FfmpegStderrParser.Classify(SampleFiles.ReadLines("rtsp-401-unauthorized.txt"), 1);

        diagnosis.ToStatusText().Should().Be("The camera rejected the username or password.");
    }

    [Fact]
    public void Host_unreachable_names_the_reason_without_the_url()
    {
        FfmpegDiagnosis diagnosis = FfmpegStderrParser.Classify(SampleFiles.ReadLines("tcp-connection-refused.txt"), 1);

        diagnosis.Evidence.Should().Be("Connection refused");
        diagnosis.ToStatusText().Should().Be("The camera could not be reached. (Connection refused)");
    }

    // These errno texts cannot be produced on loopback; the line shape is the one tcp.c printed for "refused" above.
    [Theory]
    [InlineData("[tcp @ 0x55] [error] Connection to tcp://10.0.0.9:554?timeout=5000000 failed: No route to host")]
    [InlineData("[tcp @ 0x55] [error] Connection to tcp://10.0.0.9:554?timeout=5000000 failed: Connection timed out")]
    [InlineData("[tcp @ 0x55] [error] Connection to tcp://10.0.0.9:554?timeout=5000000 failed: Network is unreachable")]
    [InlineData("[tcp @ 0x55] [error] Failed to resolve hostname cam.lan: Temporary failure in name resolution")]
    public void Other_unreachable_reasons_are_host_unreachable(string line)
    {
        FfmpegStderrParser.Classify([line], 1).Failure.Should().Be(FfmpegFailure.HostUnreachable);
    }

    [Fact]
    public void A_timeout_after_the_stream_was_described_is_a_lost_connection()
    {
        string[] lines = [.. SampleFiles.ReadLines("rtsp-h264-streaming.txt"), "[error] rtsp://***@127.0.0.1:18554/stream1: Connection timed out"];

        FfmpegStderrParser.Classify(lines, 1).Failure.Should().Be(FfmpegFailure.ConnectionLost);
    }

    [Fact]
    public void A_403_counts_as_an_auth_failure_so_a_locked_account_gets_the_slow_retry()
    {
        FfmpegStderrParser.Classify(["[rtsp @ 0x1] [error] method DESCRIBE failed: 403 Forbidden"], 1)
            .Failure.Should().Be(FfmpegFailure.AuthFailed);
    }

    [Fact]
    public void Unexplained_nonzero_exit_is_unknown_with_the_last_error_line()
    {
        FfmpegDiagnosis diagnosis = FfmpegStderrParser.Classify(["[info] something", "[error] Conversion failed!"], 1);

        diagnosis.Failure.Should().Be(FfmpegFailure.Unknown);
        diagnosis.Evidence.Should().Be("Conversion failed!");
    }

    [Fact]
    public void Silent_nonzero_exit_reports_the_exit_code()
    {
        FfmpegDiagnosis diagnosis = FfmpegStderrParser.Classify([], 137);

        diagnosis.Failure.Should().Be(FfmpegFailure.Unknown);
        diagnosis.Evidence.Should().Be("exit code 137");
    }

    [Fact]
    public void Healthy_stream_line_is_parsed()
    {
        VideoStreamInfo? info = FfmpegStderrParser.FindVideoStream(SampleFiles.ReadLines("rtsp-h264-streaming.txt"));

        info.Should().Be(new VideoStreamInfo("h264", "High", 1280, 720, 25));
        info!.IsH264.Should().BeTrue();
    }

    [Fact]
    public void Test_pattern_is_judged_by_its_h264_output_not_its_rawvideo_input()
    {
        string[] lines = SampleFiles.ReadLines("testpattern-libx264.txt");

        FfmpegStderrParser.FindVideoStream(lines)!.Codec.Should().Be("rawvideo");
        FfmpegStderrParser.FindOutputVideoStream(lines).Should().Be(new VideoStreamInfo("h264", null, 640, 360, 25));
        FfmpegStderrParser.Classify(lines, 0).Failure.Should().Be(FfmpegFailure.ConnectionLost);
    }

    [Fact]
    public void Hevc_stream_line_is_parsed()
    {
        VideoStreamInfo? info = FfmpegStderrParser.FindVideoStream(SampleFiles.ReadLines("ffprobe-hevc-info.txt"));

        info.Should().Be(new VideoStreamInfo("hevc", "Rext", 640, 360, 15));
        info!.IsH264.Should().BeFalse();
    }

    [Theory]
    [InlineData("  Stream #0:0: Video: h264 (High), yuv420p, 1280x720, 25 fps", "h264", "High", 1280, 720, 25.0)]
    [InlineData("  Stream #0:0: Video: h264 (Main), yuvj420p(pc, bt709, progressive), 1920x1080, 29.97 fps, 29.97 tbr", "h264", "Main", 1920, 1080, 29.97)]
    [InlineData("  Stream #0:1[0x100]: Video: h264 (Constrained Baseline) ([27][0][0][0] / 0x001B), yuv420p, 640x480, 15 fps", "h264", "Constrained Baseline", 640, 480, 15.0)]
    [InlineData("    Stream #0:0(und): Video: hevc (Main) (hvc1 / 0x31637668), yuv420p(tv), 2560x1440, 20 fps", "hevc", "Main", 2560, 1440, 20.0)]
    public void Stream_line_variants_are_parsed(string line, string codec, string profile, int width, int height, double fps)
    {
        FfmpegStderrParser.TryParseVideoStream(line, out VideoStreamInfo? info).Should().BeTrue();

        info!.Codec.Should().Be(codec);
        info.Profile.Should().Be(profile);
        info.Width.Should().Be(width);
        info.Height.Should().Be(height);
        info.FramesPerSecond.Should().BeApproximately(fps, 0.001);
    }

    [Theory]
    [InlineData("  Stream #0:1: Audio: aac (LC), 16000 Hz, mono, fltp")]
    [InlineData("[info]   Stream #0:0 -> #0:0 (copy)")]
    [InlineData("Stream #0:0: Video: h264 (High)")]
    [InlineData("")]
    public void Non_video_or_incomplete_lines_are_not_parsed(string line)
    {
        FfmpegStderrParser.TryParseVideoStream(line, out _).Should().BeFalse();
    }

    [Fact]
    public void Probe_json_of_an_h264_camera_is_read()
    {
        FfmpegStderrParser.ParseProbeJson(SampleFiles.Read("ffprobe-h264-streams.json"))
            .Should().Be(new VideoStreamInfo("h264", "High", 1280, 720, 25));
    }

    [Fact]
    public void Probe_json_of_an_hevc_camera_is_read()
    {
        VideoStreamInfo? info = FfmpegStderrParser.ParseProbeJson(SampleFiles.Read("ffprobe-hevc-streams.json"));

        info!.Codec.Should().Be("hevc");
        info.IsH264.Should().BeFalse();
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("[]")]
    [InlineData("{\"streams\": 5}")]
    [InlineData("{\"streams\": [1, {\"codec_type\": \"audio\", \"codec_name\": \"aac\"}]}")]
    public void Malformed_probe_json_gives_null(string json)
    {
        FfmpegStderrParser.ParseProbeJson(json).Should().BeNull();
    }

    [Fact]
    public void Random_input_never_throws()
    {
        // Seeded so a failure reproduces; mixes random bytes with fragments of real FFmpeg lines.
        var random = new Random(4242);
        string[] fragments = ["Stream #0:0: Video: ", "h264 (", "), ", "1280x720", ", 25 fps", "[error] ", "401 ", "Server returned ",
            "failed: ", "Connection refused", "{\"streams\":[", "\"codec_type\":\"video\"", "}", "]"];
        for (int i = 0; i < 5000; i++)
        {
            var builder = new System.Text.StringBuilder();
            int parts = random.Next(0, 12);
            for (int p = 0; p < parts; p++)
            {
                if (random.Next(2) == 0)
                {
                    builder.Append(fragments[random.Next(fragments.Length)]);
                }
                else
                {
                    builder.Append((char)random.Next(0, 0x3000));
                }
            }

            string text = builder.ToString();
            FfmpegStderrParser.Classify(text.Split('\n'), random.Next(-1, 256));
            FfmpegStderrParser.TryParseVideoStream(text, out _);
            FfmpegStderrParser.ParseProbeJson(text);
            FfmpegArguments.Redact(text, text.Length > 3 ? text[..3] : null);
        }
    }

    [Theory]
    [InlineData("[info]   Stream #0:1: Audio: pcm_alaw, 8000 Hz, mono, s16, 64 kb/s", "pcm_alaw")]
    [InlineData("  Stream #0:1: Audio: aac (LC), 16000 Hz, mono, fltp", "aac")]
    [InlineData("    Stream #0:1(und): Audio: pcm_mulaw, 8000 Hz, 1 channels, s16, 64 kb/s", "pcm_mulaw")]
    public void Audio_stream_lines_give_the_codec_name(string line, string codec)
    {
        FfmpegStderrParser.TryParseAudioStream(line, out string? parsed).Should().BeTrue();
        parsed.Should().Be(codec);
    }

    [Theory]
    [InlineData("[info]   Stream #0:0: Video: h264 (High), yuv420p, 640x360, 25 fps")]
    [InlineData("Audio: pcm_alaw")]
    [InlineData("")]
    public void Other_lines_are_not_audio_streams(string line)
    {
        FfmpegStderrParser.TryParseAudioStream(line, out _).Should().BeFalse();
    }

    [Fact]
    public void A_camera_without_audio_is_told_plainly_and_without_ffmpeg_jargon()
    {
        FfmpegDiagnosis diagnosis = FfmpegStderrParser.Classify(SampleFiles.ReadLines("rtsp-audio-asked-camera-has-none.txt"), 1);

        diagnosis.ToStatusText().Should().Be("Audio is on, but the camera sends no audio; its video plays without sound.");
    }
}
