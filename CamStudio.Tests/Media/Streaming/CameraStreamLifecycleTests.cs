using CamStudio.Media.Video;
using CamStudio.Media.Ffmpeg;
using CamStudio.Media.Streaming;
using CamStudio.Tests.Media.Ffmpeg;
using Microsoft.Extensions.Logging.Abstractions;

using CamStudio.Tests.Infrastructure;

namespace CamStudio.Tests.Media.Streaming;

/// <summary>
/// The on-demand lifecycle (the original design's manual tests), on a manual clock with a fake FFmpeg launcher:
/// first viewer starts FFmpeg, others share it, the last one leaving stops it exactly at the grace period, and a viewer
/// returning within the grace period finds the same process.
/// </summary>
public sealed class CameraStreamLifecycleTests : IAsyncLifetime
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan s_grace = TimeSpan.FromSeconds(30);

    private readonly ManualTimeProvider _time = new();
    private readonly FakeLauncher _launcher = new();
    private CameraStream _stream = null!;

    public Task InitializeAsync()
    {
        _stream = new CameraStream(
            Camera(), StreamVariant.Stream2, _launcher, NullLoggerFactory.Instance, _time,
            new CameraStreamOptions { GracePeriod = s_grace },
            // The lifecycle is under test here, not stall detection: the fake FFmpeg never sends frames.
            new FfmpegSupervisorOptions { FirstFrameTimeout = TimeSpan.FromDays(1), StallTimeout = TimeSpan.FromDays(1) });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _stream.DisposeAsync();

    [Fact]
    public async Task Nothing_runs_before_the_first_viewer()
    {
        await Settled();
        _launcher.LaunchCount.Should().Be(0);
        _stream.GetStatus().State.Should().Be(StreamState.Idle);
        _stream.Key.Should().Be("3-stream2");
    }

    [Fact]
    public async Task The_first_viewer_starts_ffmpeg_and_the_second_shares_it()
    {
        using IDisposable first = _stream.AddViewer();
        await Eventually.WaitUntilAsync(() => _launcher.LaunchCount == 1, s_wait, "the first viewer launched FFmpeg");
        _launcher.Last.Arguments.Should().Contain("rtp://127.0.0.1:" + _stream.Source.Port, "FFmpeg feeds this stream's source");

        using IDisposable second = _stream.AddViewer();
        await Settled();

        _launcher.LaunchCount.Should().Be(1, "the second viewer shares the running FFmpeg");
        _stream.ViewerCount.Should().Be(2);
        _stream.GetStatus().ViewerCount.Should().Be(2);
        _stream.GetStatus().IsRunning.Should().BeTrue();
    }

    [Fact]
    public async Task The_last_viewer_leaving_stops_ffmpeg_exactly_at_the_grace_period()
    {
        IDisposable first = _stream.AddViewer();
        IDisposable second = _stream.AddViewer();
        await Eventually.WaitUntilAsync(() => _launcher.LaunchCount == 1, s_wait, "FFmpeg launched");

        first.Dispose();
        await Settled();
        _stream.IsInGracePeriod.Should().BeFalse("a viewer is still watching");
        second.Dispose();
        _stream.IsInGracePeriod.Should().BeTrue();

        _time.Advance(s_grace - TimeSpan.FromMilliseconds(1));
        await Settled();
        _launcher.Last.StopRequested.Should().BeFalse("the grace period has not passed yet");
        _stream.IsRunning.Should().BeTrue();

        _time.Advance(TimeSpan.FromMilliseconds(1));
        await Eventually.WaitUntilAsync(() => _launcher.Last.StopRequested && _launcher.Last.Disposed, s_wait, "FFmpeg stopped at the grace period");
        await Settled();
        _stream.IsRunning.Should().BeFalse();
        _stream.Supervisor.State.Should().Be(FfmpegSupervisorState.Idle);
        _stream.GetStatus().State.Should().Be(StreamState.Idle);
        _launcher.LaunchCount.Should().Be(1);
    }

    [Fact]
    public async Task A_viewer_returning_within_the_grace_period_finds_the_same_ffmpeg()
    {
        IDisposable first = _stream.AddViewer();
        await Eventually.WaitUntilAsync(() => _launcher.LaunchCount == 1, s_wait, "FFmpeg launched");
        first.Dispose();
        _time.Advance(s_grace - TimeSpan.FromSeconds(1));

        using IDisposable back = _stream.AddViewer();
        await Settled();
        _stream.IsInGracePeriod.Should().BeFalse("the returning viewer cancels the stop");
        _time.Advance(s_grace * 2);
        await Settled();

        _launcher.LaunchCount.Should().Be(1, "no restart, no new process");
        _launcher.Last.StopRequested.Should().BeFalse();
        _stream.IsRunning.Should().BeTrue();
    }

    [Fact]
    public async Task A_viewer_after_the_grace_stop_starts_a_new_ffmpeg()
    {
        IDisposable first = _stream.AddViewer();
        await Eventually.WaitUntilAsync(() => _launcher.LaunchCount == 1, s_wait, "FFmpeg launched");
        first.Dispose();
        _time.Advance(s_grace);
        await Eventually.WaitUntilAsync(() => _launcher.Last.StopRequested, s_wait, "FFmpeg stopped");
        await Settled();

        using IDisposable again = _stream.AddViewer();
        await Eventually.WaitUntilAsync(() => _launcher.LaunchCount == 2, s_wait, "a new FFmpeg for the new viewer");
    }

    [Fact]
    public async Task The_grace_stop_forgets_the_cached_picture_so_the_next_run_never_shows_it_as_live()
    {
        _launcher.OutputCodec = "h264";
        IDisposable first = _stream.AddViewer();
        await Eventually.WaitUntilAsync(() => _launcher.LaunchCount == 1, s_wait, "FFmpeg launched");
        using (var feeder = new System.Net.Sockets.UdpClient(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0)))
        {
            var to = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, _stream.Source.Port);
            await feeder.SendAsync(VideoRtpSourceTests.Rtp(1, 3600, false, VideoRtpSourceTests.ParameterSets()), to);
            await feeder.SendAsync(VideoRtpSourceTests.Rtp(2, 3600, true, VideoRtpSourceTests.FuA(5, start: true, end: true)), to);
        }

        await Eventually.WaitUntilAsync(() => _stream.Source.Stats.GopCachePackets == 2, s_wait, "the keyframe is cached");
        first.Dispose();
        _time.Advance(s_grace);
        await Eventually.WaitUntilAsync(() => _launcher.Last.StopRequested, s_wait, "FFmpeg stopped");
        await Settled();

        _stream.Source.Stats.GopCachePackets.Should().Be(0, "a picture from the stopped run is not live video");
    }

    [Fact]
    public async Task A_runs_packets_are_read_only_once_ffmpeg_has_said_their_codec_and_then_as_that_codec()
    {
        // An H.265 keyframe (VPS+SPS+PPS in an aggregation packet, then an IDR) read as H.264 would be garbage: the
        // source must not read it before FFmpeg's "Output #0 ... Video: hevc" line, even when the packets come first.
        using IDisposable viewer = _stream.AddViewer();
        await Eventually.WaitUntilAsync(() => _launcher.LaunchCount == 1, s_wait, "FFmpeg launched");
        using (var feeder = new System.Net.Sockets.UdpClient(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0)))
        {
            var to = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, _stream.Source.Port);
            await feeder.SendAsync(VideoRtpSourceTests.Rtp(1, 3600, false, H265NalTests.ParameterSetsAggregate()), to);
            await feeder.SendAsync(VideoRtpSourceTests.Rtp(2, 3600, true, H265NalTests.Nal(H265NalUnit.TypeIdrWRadl, 0xAA, 0xBB)), to);
        }

        _stream.Source.CodecKnown.IsCompleted.Should().BeFalse("FFmpeg has not described its output yet");
        _stream.Source.Stats.Packets.Should().Be(0, "nothing is read before the codec is known");

        _launcher.Last.Emit("Output #0, rtp, to 'rtp://127.0.0.1:5004':");
        _launcher.Last.Emit("  Stream #0:0: Video: hevc (Main), yuv420p(tv), 1920x1080, q=2-31, 25 fps, 25 tbr, 90k tbn");

        await Eventually.WaitUntilAsync(() => _stream.Source.Stats.GopCachePackets == 2, s_wait, "the H.265 keyframe is cached");
        _stream.Source.Codec.Should().Be(VideoCodec.H265);
        _stream.Source.Stats.KeyFrames.Should().Be(1, "an IDR_W_RADL picture opens a GOP");
    }

    [Fact]
    public async Task Reconfigure_restarts_a_running_ffmpeg_with_the_new_settings_and_keeps_the_source()
    {
        using IDisposable viewer = _stream.AddViewer();
        await Eventually.WaitUntilAsync(() => _launcher.LaunchCount == 1, s_wait, "FFmpeg launched");
        int port = _stream.Source.Port;

        await _stream.ReconfigureAsync(Camera(host: "10.0.0.99"), CancellationToken.None);

        await Eventually.WaitUntilAsync(() => _launcher.LaunchCount == 2, s_wait, "FFmpeg relaunched");
        _launcher.Runs[0].StopRequested.Should().BeTrue();
        _launcher.Last.Arguments.Should().Contain(a => a.Contains("10.0.0.99", StringComparison.Ordinal));
        _stream.Source.Port.Should().Be(port, "viewers stay subscribed to the same source");
    }

    [Fact]
    public async Task Reconfigure_without_a_change_to_what_the_stream_pulls_keeps_ffmpeg_running()
    {
        using IDisposable viewer = _stream.AddViewer();
        await Eventually.WaitUntilAsync(() => _launcher.LaunchCount == 1, s_wait, "FFmpeg launched");

        // A renamed camera, a new description or default quality: the feed this variant pulls is the same.
        CameraFeed same = Camera();
        bool restarted = await _stream.ReconfigureAsync(new CameraFeed
        {
            CameraId = same.CameraId, Kind = same.Kind, Host = same.Host, RtspPort = same.RtspPort, HdPath = same.HdPath,
            SdPath = same.SdPath, Username = same.Username, Password = same.Password, Audio = same.Audio,
            DefaultVariant = same.DefaultVariant == StreamVariant.Stream1 ? StreamVariant.Stream2 : StreamVariant.Stream1,
        }, CancellationToken.None);

        restarted.Should().BeFalse();
        _launcher.LaunchCount.Should().Be(1);
        _launcher.Runs[0].StopRequested.Should().BeFalse("viewers keep their picture");

        // A new password is a different pull: restarted with it.
        (await _stream.ReconfigureAsync(new CameraFeed
        {
            CameraId = same.CameraId, Kind = same.Kind, Host = same.Host, RtspPort = same.RtspPort, HdPath = same.HdPath,
            SdPath = same.SdPath, Username = same.Username, Password = "changed-" + same.Password, Audio = same.Audio,
            DefaultVariant = same.DefaultVariant,
        }, CancellationToken.None)).Should().BeTrue();
        await Eventually.WaitUntilAsync(() => _launcher.LaunchCount == 2, s_wait, "FFmpeg relaunched");
        _launcher.Runs[0].StopRequested.Should().BeTrue();
    }

    [Fact]
    public async Task A_frame_makes_the_stream_streaming_and_silence_makes_it_not()
    {
        using IDisposable viewer = _stream.AddViewer();
        await Eventually.WaitUntilAsync(() => _launcher.LaunchCount == 1, s_wait, "FFmpeg launched");
        _stream.GetStatus().State.Should().Be(StreamState.Starting);

        _stream.Supervisor.ReportFrameReceived();
        _stream.Supervisor.State.Should().Be(FfmpegSupervisorState.Streaming);
        // No frame has reached the source, so its last_frame_time is empty: never "streaming" without frames.
        _stream.GetStatus().State.Should().Be(StreamState.Reconnecting);
    }

    private async Task Settled() => await Eventually.WaitUntilAsync(() => _stream.IsSettled, s_wait, "the lifecycle settled");

    internal static CameraFeed Camera(string host = "10.0.0.5", int cameraId = 3, bool audio = false) => new()
    {
        Audio = audio,
        CameraId = cameraId,
        Kind = CameraFeedKind.Rtsp,
        Host = host,
        RtspPort = 554,
        HdPath = "/stream1",
        SdPath = "/stream2",
        Username = "admin",
        Password = "p@ss:/?#w rd",
        DefaultVariant = StreamVariant.Stream2,
    };
}
