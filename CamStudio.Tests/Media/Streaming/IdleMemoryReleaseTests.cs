using CamStudio.Media.Streaming;
using CamStudio.Media.WebRtc;
using CamStudio.Tests.Infrastructure;
using CamStudio.Tests.Media.Ffmpeg;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CamStudio.Tests.Media.Streaming;

/// <summary>
/// The memory of stopped streams goes back to the OS when the last running camera stops — not while any camera still
/// streams or sits in its grace period, and again each time the server falls idle.
/// </summary>
public sealed class IdleMemoryReleaseTests : IAsyncLifetime
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan s_grace = TimeSpan.FromSeconds(30);

    private readonly ManualTimeProvider _time = new();
    private readonly FakeLauncher _launcher = new();
    private readonly IdleMemoryRelease _release = new(NullLogger<IdleMemoryRelease>.Instance);
    private WebRtcServer _webRtc = null!;
    private CameraStreamHost _host = null!;

    public Task InitializeAsync()
    {
        _webRtc = new WebRtcServer(Options.Create(new WebRtcOptions()), NullLoggerFactory.Instance, _time);
        _host = new CameraStreamHost(new TwoCameras(), _webRtc, _launcher, Options.Create(new CameraStreamOptions { GracePeriod = s_grace }),
            NullLoggerFactory.Instance, _time, _release);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _webRtc.DisposeAsync();
    }

    [Fact]
    public async Task Released_once_when_the_last_of_two_cameras_stops_and_again_after_the_next_idle()
    {
        CameraStream first = (await _host.GetOrCreateAsync(1, StreamVariant.Stream2, CancellationToken.None))!;
        CameraStream second = (await _host.GetOrCreateAsync(2, StreamVariant.Stream2, CancellationToken.None))!;
        IDisposable watchingFirst = first.AddViewer();
        IDisposable watchingSecond = second.AddViewer();
        await Eventually.WaitUntilAsync(() => _launcher.LaunchCount == 2, s_wait, "both cameras started");

        // The second camera stops while the first waits out its grace period: still not idle.
        watchingSecond.Dispose();
        _time.Advance(TimeSpan.FromSeconds(20));
        watchingFirst.Dispose();
        _time.Advance(TimeSpan.FromSeconds(10));
        await Eventually.WaitUntilAsync(() => !second.IsRunning && second.IsSettled, s_wait, "the second camera stopped");
        first.IsInGracePeriod.Should().BeTrue();
        _host.IsIdle.Should().BeFalse("the first camera is in its grace period");
        _release.Requests.Should().Be(0, "memory is only handed back when no camera runs or waits out its grace");

        _time.Advance(TimeSpan.FromSeconds(20));
        await Eventually.WaitUntilAsync(() => _release.Releases == 1, s_wait, "released when the last camera stopped");
        _host.IsIdle.Should().BeTrue();

        using IDisposable back = first.AddViewer();
        _host.IsIdle.Should().BeFalse("a viewer wants the camera even before its FFmpeg starts");
        await Eventually.WaitUntilAsync(() => _launcher.LaunchCount == 3, s_wait, "the first camera started again");
        back.Dispose();
        _time.Advance(s_grace);
        await Eventually.WaitUntilAsync(() => _release.Releases == 2, s_wait, "released again at the next idle");
    }

    [Fact]
    public async Task Deleting_the_last_running_camera_releases_too()
    {
        CameraStream stream = (await _host.GetOrCreateAsync(1, StreamVariant.Stream2, CancellationToken.None))!;
        using IDisposable watching = stream.AddViewer();
        await Eventually.WaitUntilAsync(() => _launcher.LaunchCount == 1, s_wait, "the camera started");

        await _host.RemoveAsync(1, CancellationToken.None);

        await Eventually.WaitUntilAsync(() => _release.Releases == 1, s_wait, "released after the delete");
    }

    private sealed class TwoCameras : ICameraFeedLookup
    {
        public Task<CameraFeed?> FindAsync(int cameraId, CancellationToken cancellationToken) =>
            Task.FromResult<CameraFeed?>(cameraId is 1 or 2
                ? CameraStreamLifecycleTests.Camera(cameraId: cameraId)
                : null);
    }
}
