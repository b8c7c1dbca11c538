using CamStudio.Core.Cameras;
using CamStudio.Core.Health;
using CamStudio.Media.Ffmpeg;
using CamStudio.Media.Rtsp;
using CamStudio.Web.Health;
using FluentAssertions;

namespace CamStudio.Tests.Web.Health;

public class CameraHealthRulesTests
{
    private static readonly DateTimeOffset s_now = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset s_earlier = s_now.AddMinutes(-5);
    private static readonly RtspDescribeRequest s_request = new("cam.test", 8554, "/stream2", "admin", "s3cret-pw");
    private static readonly CameraHealth s_previous = new() { CameraId = 7, State = CameraHealthState.Online, LastSeen = s_earlier };

    [Theory]
    [InlineData(RtspDescribeOutcome.Ok, 200, "H264", CameraHealthState.Online, null)]
    [InlineData(RtspDescribeOutcome.Ok, 200, "H265", CameraHealthState.Online, null)]
    [InlineData(RtspDescribeOutcome.Ok, 200, "MP4V-ES", CameraHealthState.UnsupportedCodec, "The camera sends MP4V-ES video; CamStudio passes on H.264 and H.265 only.")]
    [InlineData(RtspDescribeOutcome.Ok, 200, null, CameraHealthState.UnsupportedCodec, "The camera's stream has no video CamStudio can name; switch it to H.264.")]
    [InlineData(RtspDescribeOutcome.Refused, 0, null, CameraHealthState.Offline, "Connection refused: nothing listens on port 8554.")]
    [InlineData(RtspDescribeOutcome.Timeout, 0, null, CameraHealthState.Offline, "No answer within 5 s.")]
    [InlineData(RtspDescribeOutcome.Unreachable, 0, null, CameraHealthState.Offline, "The camera's address cannot be reached.")]
    [InlineData(RtspDescribeOutcome.Unauthorized, 401, null, CameraHealthState.WrongPassword, CameraHealthRules.WrongPasswordDetail)]
    [InlineData(RtspDescribeOutcome.NotFound, 404, null, CameraHealthState.StreamNotFound, "The camera has no stream at /stream2.")]
    [InlineData(RtspDescribeOutcome.OtherStatus, 503, null, CameraHealthState.Offline, "The camera answered RTSP status 503.")]
    [InlineData(RtspDescribeOutcome.ProtocolError, 0, null, CameraHealthState.Offline, "The camera did not answer as an RTSP server.")]
    public void A_check_result_reads_as_what_a_user_would_call_it(
        RtspDescribeOutcome outcome, int status, string? codec, CameraHealthState state, string? detail)
    {
        CameraHealth health = CameraHealthRules.FromCheck(s_previous, new RtspDescribeResult(outcome, status, codec), s_request,
            TimeSpan.FromSeconds(5), s_now);

        health.Should().BeEquivalentTo(new { CameraId = 7, State = state, Detail = detail, CheckedAt = s_now, FromStream = false });
        health.LastSeen.Should().Be(outcome == RtspDescribeOutcome.Ok ? s_now : s_earlier, "only a correct answer counts as seen");
        (health.Detail ?? "").Should().NotContain("s3cret-pw");
    }

    [Fact]
    public void A_reconnecting_stream_is_read_from_FFmpegs_classified_error()
    {
        CameraHealthState Read(string? lastError) => CameraHealthRules.FromStream(s_previous,
            new CameraRuntimeStatus { CameraId = 7, IsRunning = true, State = CameraStreamState.Reconnecting, LastError = lastError }, s_now)!.State;

        Read(FfmpegStderrParser.StreamNotFoundSummary).Should().Be(CameraHealthState.StreamNotFound);
        Read(FfmpegStderrParser.UnsupportedCodecSummary + " (camera sends mjpeg)").Should().Be(CameraHealthState.UnsupportedCodec);
        Read(FfmpegStderrParser.AuthFailedSummary).Should().Be(CameraHealthState.WrongPassword);
        Read(FfmpegStderrParser.HostUnreachableSummary + " (Connection refused)").Should().Be(CameraHealthState.Offline);
        Read(null).Should().Be(CameraHealthState.Offline);
    }

    [Fact]
    public void A_starting_stream_says_nothing_yet()
    {
        CameraHealthRules.FromStream(s_previous, new CameraRuntimeStatus { CameraId = 7, IsRunning = true, State = CameraStreamState.Starting }, s_now)
            .Should().BeNull("the previous health stands until the stream delivers or fails");
    }
}
