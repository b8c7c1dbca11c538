using CamStudio.Media.Ffmpeg;

namespace CamStudio.Tests.Media.Ffmpeg;

public class RedactTests
{
    [Fact]
    public void Raw_password_is_replaced()
    {
        FfmpegArguments.Redact("auth with hunter2 failed", "hunter2").Should().Be("auth with *** failed");
    }

    [Fact]
    public void Percent_encoded_password_is_replaced_in_upper_and_lower_hex()
    {
        const string password = "p@ss:w0rd";

        FfmpegArguments.Redact("x p%40ss%3Aw0rd y p%40ss%3aw0rd", password).Should().Be("x *** y ***");
    }

    [Fact]
    public void Userinfo_of_any_url_is_replaced_even_without_knowing_the_secret()
    {
        FfmpegArguments.Redact("[error] rtsp://admin:wrong@127.0.0.1:18554/stream1: Server returned 401")
            .Should().Be("[error] rtsp://***@127.0.0.1:18554/stream1: Server returned 401");
    }

    [Fact]
    public void Unencoded_password_with_at_sign_is_fully_removed()
    {
        string redacted = FfmpegArguments.Redact("Input #0, rtsp, from 'rtsp://admin:p@ss@10.0.0.5:554/s':", "p@ss");

        redacted.Should().Be("Input #0, rtsp, from 'rtsp://***@10.0.0.5:554/s':");
    }

    [Fact]
    public void Captured_ffprobe_line_with_encoded_password_is_clean()
    {
        // Real ffprobe output (Samples/ffprobe-401-encoded-password.txt) for the password "p@ss:w0rd".
        string captured = SampleFiles.Read("ffprobe-401-encoded-password.txt");

        string redacted = FfmpegArguments.Redact(captured, "p@ss:w0rd");

        captured.Should().Contain("p%40ss%3Aw0rd", "the sample must actually carry the secret for this test to mean anything");
        redacted.Should().NotContain("p%40ss").And.NotContain("w0rd").And.Contain("rtsp://***@127.0.0.1:18554/stream2");
    }

    [Fact]
    public void Longer_secrets_win_over_contained_ones()
    {
        FfmpegArguments.Redact("user=adminadmin", "admin", "adminadmin").Should().Be("user=***");
    }

    [Fact]
    public void Null_and_empty_secrets_are_ignored()
    {
        FfmpegArguments.Redact("nothing to hide", null, "").Should().Be("nothing to hide");
    }

    [Fact]
    public void Display_string_of_arguments_is_redacted()
    {
        var source = new RtspSource("10.0.0.5", 554, "s", "admin", "p@ss/word");

        string display = FfmpegArguments.ToDisplayString(FfmpegArguments.ForRtspToRtp(source, 50000), source.Password);

        display.Should().NotContain("p%40ss").And.NotContain("word").And.Contain("rtsp://***@10.0.0.5:554/s");
    }
}
