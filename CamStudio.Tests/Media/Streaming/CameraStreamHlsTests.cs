using CamStudio.Media.Ffmpeg;
using CamStudio.Media.Streaming;
using CamStudio.Tests.Infrastructure;
using CamStudio.Tests.Media.Ffmpeg;
using Microsoft.Extensions.Logging.Abstractions;

namespace CamStudio.Tests.Media.Streaming;

/// <summary>
/// HLS viewers in the on-demand lifecycle, on a manual clock with a fake FFmpeg: an HLS client counts as a viewer
/// while it fetches, ends three target durations after its last request (never while a request is under way), and the
/// grace period follows the last one as for WebRTC.
/// </summary>
public sealed class CameraStreamHlsTests : IAsyncLifetime
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan s_grace = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan s_target = TimeSpan.FromSeconds(4);

    private readonly ManualTimeProvider _time = new();
    private readonly FakeLauncher _launcher = new();
    private CameraStream _stream = null!;

    public Task InitializeAsync()
    {
        // The demo kind: nothing is probed over the network (the fake FFmpeg would not use it anyway).
        var feed = new CameraFeed
        {
            CameraId = 7,
            Kind = CameraFeedKind.TestPattern,
            Host = "",
            RtspPort = 0,
            HdPath = "",
            SdPath = "",
            Username = "",
            Password = "",
            DefaultVariant = StreamVariant.Stream2,
        };
        _stream = new CameraStream(feed, StreamVariant.Stream2, _launcher, NullLoggerFactory.Instance, _time,
            new CameraStreamOptions { GracePeriod = s_grace, Hls = new HlsOptions { TargetDurationSeconds = 4 } },
            new FfmpegSupervisorOptions { FirstFrameTimeout = TimeSpan.FromDays(1), StallTimeout = TimeSpan.FromDays(1) });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _stream.DisposeAsync();

    [Fact]
    public async Task An_hls_viewer_starts_the_stream_and_is_counted_apart_from_webrtc()
    {
        HlsViewer viewer = _stream.OpenHlsViewer("alice");
        using IDisposable webRtc = _stream.AddViewer();
        await Eventually.WaitUntilAsync(() => _launcher.LaunchCount == 1, s_wait, "the first viewer launched FFmpeg");

        StreamStatus status = _stream.GetStatus();
        status.ViewerCount.Should().Be(2);
        status.HlsViewerCount.Should().Be(1);
        _stream.Hls.Should().NotBeNull("the packager runs while HLS viewers exist");
        viewer.Id.Should().MatchRegex("^[A-Za-z0-9_-]{22}$", "16 random bytes, URL-safe: the session's path segment");
        _stream.OpenHlsViewer("alice").Id.Should().NotBe(viewer.Id);
    }

    [Fact]
    public async Task A_silent_viewer_ends_after_three_target_durations_and_the_grace_period_follows()
    {
        HlsViewer viewer = _stream.OpenHlsViewer("alice");
        int closed = 0;
        viewer.Closed += (_, _) => closed++;
        await Eventually.WaitUntilAsync(() => _launcher.LaunchCount == 1, s_wait, "FFmpeg launched");

        _time.Advance(3 * s_target - TimeSpan.FromSeconds(1));
        _stream.HlsViewerCount.Should().Be(1, "it fetched less than three target durations ago");

        _time.Advance(s_target);
        _stream.HlsViewerCount.Should().Be(0, "three target durations without a request");
        viewer.IsClosed.Should().BeTrue();
        closed.Should().Be(1);
        _stream.FindHlsViewer(viewer.Id, "alice").Should().BeNull();
        _stream.IsInGracePeriod.Should().BeTrue("the last viewer left: the usual grace period runs");

        _time.Advance(s_grace);
        await Eventually.WaitUntilAsync(() => _launcher.Last.StopRequested, s_wait, "FFmpeg stopped after the grace");
        await Eventually.WaitUntilAsync(() => _stream.IsSettled && _stream.Hls is null, s_wait, "the packager went with FFmpeg");
    }

    [Fact]
    public async Task Requests_keep_a_viewer_and_one_under_way_is_never_cut_off()
    {
        HlsViewer viewer = _stream.OpenHlsViewer("alice");
        await Eventually.WaitUntilAsync(() => _launcher.LaunchCount == 1, s_wait, "FFmpeg launched");

        for (int i = 0; i < 5; i++)
        {
            _time.Advance(s_target);
            _stream.BeginHlsRequest(viewer)!.Dispose();
        }

        _stream.HlsViewerCount.Should().Be(1, "it fetched every target duration");

        IDisposable blocking = _stream.BeginHlsRequest(viewer)!;
        _time.Advance(5 * s_target);
        _stream.HlsViewerCount.Should().Be(1, "a blocking reload is still under way");
        blocking.Dispose();

        _time.Advance(3 * s_target);
        _stream.HlsViewerCount.Should().Be(0);
        _stream.BeginHlsRequest(viewer).Should().BeNull("an ended viewer's requests are refused");
        await Settled();
    }

    [Fact]
    public async Task Sessions_belong_to_their_owner_and_closing_releases_the_viewer_at_once()
    {
        HlsViewer viewer = _stream.OpenHlsViewer("alice");
        await Eventually.WaitUntilAsync(() => _launcher.LaunchCount == 1, s_wait, "FFmpeg launched");

        _stream.FindHlsViewer(viewer.Id, "mallory").Should().BeNull("another user cannot use the session id");
        _stream.FindHlsViewer(viewer.Id, "alice").Should().BeSameAs(viewer);

        _stream.CloseHlsViewer(viewer.Id).Should().BeTrue();
        _stream.CloseHlsViewer(viewer.Id).Should().BeFalse("it is closed already");
        _stream.ViewerCount.Should().Be(0);
        _stream.IsInGracePeriod.Should().BeTrue();
        await Settled();
    }

    [Fact]
    public async Task The_packager_stops_a_grace_period_after_the_last_hls_viewer_while_webrtc_keeps_the_stream()
    {
        using IDisposable webRtc = _stream.AddViewer();
        HlsViewer viewer = _stream.OpenHlsViewer("alice");
        await Eventually.WaitUntilAsync(() => _launcher.LaunchCount == 1, s_wait, "FFmpeg launched");
        _stream.CloseHlsViewer(viewer.Id);

        _time.Advance(s_grace - s_target);
        _stream.Hls.Should().NotBeNull("an HLS viewer coming back within the grace period finds its window");

        _time.Advance(2 * s_target);
        _stream.Hls.Should().BeNull("muxing for nobody is waste");
        _stream.IsRunning.Should().BeTrue("the WebRTC viewer still watches");

        _stream.OpenHlsViewer("bob");
        _stream.Hls.Should().NotBeNull("the next HLS viewer starts a packager again");
        await Settled();
    }

    [Fact]
    public async Task Disposing_the_stream_ends_its_hls_viewers()
    {
        HlsViewer viewer = _stream.OpenHlsViewer("alice");
        await Eventually.WaitUntilAsync(() => _launcher.LaunchCount == 1, s_wait, "FFmpeg launched");

        await _stream.DisposeAsync();

        viewer.IsClosed.Should().BeTrue();
        _stream.Hls.Should().BeNull();
        FluentActions.Invoking(() => _stream.OpenHlsViewer("alice")).Should().Throw<ObjectDisposedException>();
    }

    private async Task Settled() => await Eventually.WaitUntilAsync(() => _stream.IsSettled, s_wait, "the lifecycle settled");
}
