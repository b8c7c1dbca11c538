using System.Net;
using CamStudio.Media.Streaming;
using CamStudio.Media.WebRtc;
using CamStudio.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Playwright;

namespace CamStudio.Tests.Media.WebRtc;

// Browser tests measure decoding and freezes; on a 2-core CI machine they run after the parallel collections,
// alone, so the timing they assert is the media path's and not the rest of the suite's CPU contention.
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LiveVideoCollection : ICollectionFixture<LiveVideoFixture>
{
    public const string Name = "Live video";
}

/// <summary>
/// Real parts for the browser tests: the RTSP test camera (720p High profile, 4 s GOP), FFmpeg copying it
/// to RTP, the H.264 source with its GOP cache, our WebRTC server advertising the namespace address, and Chromium.
/// </summary>
public sealed class LiveVideoFixture : IAsyncLifetime
{
    private readonly CancellationTokenSource _stop = new();
    private RtspTestCamera? _camera;
    private FfmpegRtpSender? _ffmpeg;
    private Task _sourceLoop = Task.CompletedTask;
    private ChromiumBrowser? _chromium;

    public WebRtcServer Server { get; private set; } = null!;

    public H264RtpSource Source { get; private set; } = null!;

    public IBrowser Browser => _chromium!.Browser;

    public RtspTestCamera Camera => _camera!;

    public async Task InitializeAsync()
    {
        IPAddress host = NetworkNamespace.RequireWebRtcHost();
        _camera = await RtspTestCamera.StartAsync(
            new RtspTestCameraOptions { GopSeconds = 4 }, CancellationToken.None);

        Source = new H264RtpSource(NullLogger<H264RtpSource>.Instance, TimeProvider.System);
        _sourceLoop = Source.RunAsync(_stop.Token);
        _ffmpeg = FfmpegRtpSender.StartFromRtsp(_camera.Source(RtspTestCamera.MainStream), Source.Port);

        Server = new WebRtcServer(
            Options.Create(new WebRtcOptions { UdpPort = 0, AdvertisedAddresses = [host.ToString()] }),
            NullLoggerFactory.Instance,
            TimeProvider.System);
        await Server.StartAsync(CancellationToken.None);

        _chromium = await ChromiumBrowser.LaunchAsync();

        // The stream is warm once the source has seen a keyframe: tests then measure joining, not FFmpeg's start.
        try
        {
            await Eventually.WaitUntilAsync(
                () => Source.Stats.Width > 0, TimeSpan.FromSeconds(20), "FFmpeg delivers the camera's H.264");
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}\nFFmpeg said:\n{_ffmpeg.Output}\nCamera said:\n{_camera.Output}", ex);
        }
    }

    public async Task DisposeAsync()
    {
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }

        if (_chromium is not null)
        {
            await _chromium.DisposeAsync();
        }

        if (_ffmpeg is not null)
        {
            await _ffmpeg.DisposeAsync();
        }

        await _stop.CancelAsync();
        await _sourceLoop;
        if (Source is not null)
        {
            await Source.DisposeAsync();
        }

        if (_camera is not null)
        {
            await _camera.DisposeAsync();
        }

        _stop.Dispose();
    }
}
