using CamStudio.Media.Memory;
using CamStudio.Media.Streaming;
using CamStudio.Media.WebRtc;
using CamStudio.Tests.Infrastructure;
using CamStudio.Tests.Media.Ffmpeg;
using CamStudio.Media;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CamStudio.Tests.Media.Streaming;

/// <summary>
/// The memory of stopped streams goes back to the OS when the last running camera stops — not while any camera still
/// streams or sits in its grace period, and again each time the server falls idle, and once after start-up. The mapped
/// images' pages go with it once per idle transition when configured on, never when off.
/// </summary>
public sealed class IdleMemoryReleaseTests : IAsyncLifetime
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan s_grace = TimeSpan.FromSeconds(30);

    private readonly ManualTimeProvider _time = new();
    private readonly FakeLauncher _launcher = new();
    private readonly IdleMemoryRelease _release;
    private int _pageOuts;
    private WebRtcServer _webRtc = null!;
    private CameraStreamHost _host = null!;

    public IdleMemoryReleaseTests() =>
        _release = new IdleMemoryRelease(NullLogger.Instance, releaseImagePages: true, CountPageOut);

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
        Volatile.Read(ref _pageOuts).Should().Be(1, "the image pages go once per idle transition");

        using IDisposable back = first.AddViewer();
        _host.IsIdle.Should().BeFalse("a viewer wants the camera even before its FFmpeg starts");
        await Eventually.WaitUntilAsync(() => _launcher.LaunchCount == 3, s_wait, "the first camera started again");
        back.Dispose();
        _time.Advance(s_grace);
        await Eventually.WaitUntilAsync(() => _release.Releases == 2, s_wait, "released again at the next idle");
        Volatile.Read(ref _pageOuts).Should().Be(2);
    }

    [Fact]
    public async Task Configured_off_the_image_pages_stay_and_the_collection_still_runs()
    {
        int pageOuts = 0;
        int collections = 0;
        var release = new IdleMemoryRelease(NullLogger.Instance, releaseImagePages: false,
            () => { pageOuts++; return default; }, committedBytes: () => 0, collect: () => collections++);

        release.Request(() => true);

        await Eventually.WaitUntilAsync(() => release.Releases == 1, s_wait, "the idle release ran");
        collections.Should().Be(1);
        pageOuts.Should().Be(0);
    }

    [Fact]
    public async Task A_failed_page_out_is_logged_not_thrown_and_a_heap_above_the_ceiling_skips_only_the_collection()
    {
        int collections = 0;
        var release = new IdleMemoryRelease(NullLogger.Instance, releaseImagePages: true,
            () => new ImagePageOutcome(0, 0, 1, "the kernel does not support MADV_PAGEOUT (EINVAL)"),
            committedBytes: () => CollectionCeiling.MaximumCommittedBytes + 1, collect: () => collections++);

        release.Request(() => true);
        await Eventually.WaitUntilAsync(() => release.Releases == 1, s_wait, "the idle release ran");
        release.Request(() => true);
        await Eventually.WaitUntilAsync(() => release.Releases == 2, s_wait, "and runs again at the next idle");

        collections.Should().Be(0, "a heap above the ceiling is not collected (its pause would stall the streams)");
    }

    [Fact]
    public async Task Start_up_counts_as_one_idle_transition_after_the_settle_time()
    {
        var time = new ManualTimeProvider();
        var lifetime = new Lifetime();
        using var startup = new StartupMemoryRelease(lifetime, _release, _host,
            Options.Create(new MemoryReleaseOptions { StartupSettleTime = TimeSpan.FromSeconds(30) }), time);
        await startup.StartAsync(CancellationToken.None);

        time.Advance(TimeSpan.FromMinutes(5));
        _release.Requests.Should().Be(0, "the settle time counts from the end of start-up");

        lifetime.Started();
        await Eventually.WaitUntilAsync(() => time.PendingDueTimes.Count == 1, s_wait, "the settle timer is set");
        time.Advance(TimeSpan.FromSeconds(29));
        _release.Requests.Should().Be(0);
        time.Advance(TimeSpan.FromSeconds(1));
        await Eventually.WaitUntilAsync(() => _release.Releases == 1, s_wait, "released once start-up settled");
        Volatile.Read(ref _pageOuts).Should().Be(1);

        time.Advance(TimeSpan.FromHours(1));
        await startup.ExecuteTask!;
        _release.Requests.Should().Be(1, "once per process, not periodically");
        await startup.StopAsync(CancellationToken.None);
    }

    private ImagePageOutcome CountPageOut()
    {
        Interlocked.Increment(ref _pageOuts);
        return new ImagePageOutcome(3, 3 * 4096, 0, null);
    }

    private sealed class Lifetime : IHostApplicationLifetime
    {
        private readonly CancellationTokenSource _started = new();

        public CancellationToken ApplicationStarted => _started.Token;

        public CancellationToken ApplicationStopping => CancellationToken.None;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void Started() => _started.Cancel();

        public void StopApplication()
        {
        }
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

    [Theory]
    [InlineData("Unmap", true)]
    [InlineData("Evict", true)]
    [InlineData("Keep", true)]
    [InlineData("7", false)] // binds to an undefined value: refused at start, not treated as some mode
    public void The_image_page_mode_is_one_of_the_three(string configured, bool valid)
    {
        IConfiguration configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Memory:ImagePagesWhenIdle"] = configured }).Build();
        using ServiceProvider services = new ServiceCollection().AddLogging().AddCameraStreams(configuration).BuildServiceProvider();

        Action read = () => _ = services.GetRequiredService<IOptions<MemoryReleaseOptions>>().Value;

        if (valid)
        {
            read.Should().NotThrow();
            new MemoryReleaseOptions().ImagePagesWhenIdle.Should().Be(IdleImagePages.Unmap, "the default");
        }
        else
        {
            read.Should().Throw<OptionsValidationException>().WithMessage("*ImagePagesWhenIdle*");
        }
    }
}
