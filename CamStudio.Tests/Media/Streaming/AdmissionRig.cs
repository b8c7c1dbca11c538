using CamStudio.Media.Ffmpeg;
using CamStudio.Media.Streaming;
using CamStudio.Media.WebRtc;
using CamStudio.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CamStudio.Tests.Media.Streaming;

/// <summary>
/// Real parts for the cluster seams (admission, fencing): the RTSP test camera, real FFmpeg through the real launcher,
/// a started WebRTC server and a <see cref="CameraStreamHost"/> whose admission the test switches, as a cluster node's
/// lease would. Short backoffs, so refused relaunches come quickly.
/// </summary>
internal sealed class AdmissionRig : IAsyncDisposable
{
    public const int CameraId = 7;

    private readonly FfmpegProcessRegistry _registry = new();

    private AdmissionRig(RtspTestCamera camera, WebRtcServer webRtc)
    {
        Camera = camera;
        WebRtc = webRtc;
        Launcher = new ObservedLauncher(new FfmpegLauncher(_registry, NullLogger<FfmpegProcess>.Instance));
        Feeds = new OneCamera(camera);
        Host = new CameraStreamHost(Feeds, webRtc, Launcher, Options.Create(new CameraStreamOptions()),
            NullLoggerFactory.Instance, TimeProvider.System, new IdleMemoryRelease(NullLogger<IdleMemoryRelease>.Instance), Admission)
        {
            SupervisorOptions = new FfmpegSupervisorOptions
            {
                InitialBackoff = TimeSpan.FromMilliseconds(100),
                MaxBackoff = TimeSpan.FromMilliseconds(400),
                Jitter = 0,
            },
        };
    }

    public RtspTestCamera Camera { get; }

    public WebRtcServer WebRtc { get; }

    public CameraStreamHost Host { get; }

    /// <summary>Camera <see cref="CameraId"/> on the test camera's SD/HD mounts; no other camera exists.</summary>
    public ICameraFeedLookup Feeds { get; }

    public SwitchableAdmission Admission { get; } = new(CameraId);

    public ObservedLauncher Launcher { get; }

    public FfmpegProcessRegistry Registry => _registry;

    public static async Task<AdmissionRig> StartAsync(CancellationToken cancellationToken)
    {
        RtspTestCamera camera = await RtspTestCamera.StartAsync(new RtspTestCameraOptions { GopSeconds = 1 }, cancellationToken);
        var webRtc = new WebRtcServer(Options.Create(new WebRtcOptions { UdpPort = 0, BindAddress = "127.0.0.1", AdvertisedAddresses = ["127.0.0.1"] }),
            NullLoggerFactory.Instance, TimeProvider.System);
        await webRtc.StartAsync(cancellationToken);
        return new AdmissionRig(camera, webRtc);
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await WebRtc.DisposeAsync();
        _registry.Dispose();
        await Camera.DisposeAsync();
    }

    /// <summary>The admission of a node that holds the camera's lease while <see cref="Allowed"/>; counts its refusals.</summary>
    internal sealed class SwitchableAdmission(int cameraId) : IStreamAdmission
    {
        private volatile bool _allowed = true;
        private int _refusals;

        public bool Allowed
        {
            get => _allowed;
            set => _allowed = value;
        }

        public int Refusals => Volatile.Read(ref _refusals);

        /// <summary>When set, decides instead of <see cref="Allowed"/> (e.g. a cluster coordinator's admission).</summary>
        public IStreamAdmission? Inner { get; set; }

        public bool MayRun(int id)
        {
            if (id != cameraId || (Inner?.MayRun(id) ?? _allowed))
            {
                return true;
            }

            Interlocked.Increment(ref _refusals);
            return false;
        }
    }

    /// <summary>The real launcher, remembering how each run was stopped and how its process ended.</summary>
    internal sealed class ObservedLauncher(IFfmpegLauncher inner) : IFfmpegLauncher
    {
        private readonly Lock _lock = new();
        private readonly List<ObservedRun> _runs = [];

        public IReadOnlyList<ObservedRun> Runs
        {
            get
            {
                lock (_lock)
                {
                    return [.. _runs];
                }
            }
        }

        public IFfmpegRun Launch(IReadOnlyList<string> arguments, IReadOnlyList<string?> secrets)
        {
            var run = new ObservedRun(inner.Launch(arguments, secrets));
            lock (_lock)
            {
                _runs.Add(run);
            }

            return run;
        }
    }

    internal sealed class ObservedRun(IFfmpegRun inner) : IFfmpegRun
    {
        private long _graceTicks = -1;

        public int ProcessId => inner.ProcessId;

        public Task<int> Exited => inner.Exited;

        /// <summary>The grace the supervisor stopped it with; null when it was never stopped.</summary>
        public TimeSpan? StopGrace => Interlocked.Read(ref _graceTicks) is var ticks and >= 0 ? TimeSpan.FromTicks(ticks) : null;

        public event EventHandler<string>? StderrLine
        {
            add => inner.StderrLine += value;
            remove => inner.StderrLine -= value;
        }

        public IReadOnlyList<string> RecentStderr() => inner.RecentStderr();

        public Task<int> StopAsync(TimeSpan grace, CancellationToken cancellationToken)
        {
            Interlocked.Exchange(ref _graceTicks, grace.Ticks);
            return inner.StopAsync(grace, cancellationToken);
        }

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }

    private sealed class OneCamera(RtspTestCamera camera) : ICameraFeedLookup
    {
        public Task<CameraFeed?> FindAsync(int cameraId, CancellationToken cancellationToken) =>
            Task.FromResult<CameraFeed?>(cameraId != CameraId ? null : new CameraFeed
            {
                CameraId = CameraId,
                Kind = CameraFeedKind.Rtsp,
                Host = "127.0.0.1",
                RtspPort = camera.Port,
                HdPath = RtspTestCamera.MainStream,
                SdPath = RtspTestCamera.SubStream,
                Username = camera.User,
                Password = camera.Password,
                DefaultVariant = StreamVariant.Stream2,
            });
    }
}
