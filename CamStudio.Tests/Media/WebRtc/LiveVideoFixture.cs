using CamStudio.Media.Streaming;
using CamStudio.Media.WebRtc;
using CamStudio.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

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
public sealed class LiveVideoFixture() : EndToEndFixture(new RtspTestCameraOptions { GopSeconds = 4 })
{
    private readonly CancellationTokenSource _stop = new();
    private FfmpegRtpSender? _ffmpeg;
    private Task _sourceLoop = Task.CompletedTask;

    public WebRtcServer Server { get; private set; } = null!;

    public VideoRtpSource Source { get; private set; } = null!;

    protected override async Task StartPartsAsync()
    {
        Source = new VideoRtpSource(NullLogger<VideoRtpSource>.Instance, TimeProvider.System);
        _sourceLoop = Source.RunAsync(_stop.Token);
        _ffmpeg = FfmpegRtpSender.StartFromRtsp(Camera.Source(RtspTestCamera.MainStream), Source.Port);

        Server = new WebRtcServer(
            Options.Create(new WebRtcOptions { UdpPort = 0, AdvertisedAddresses = [WebRtcHost.ToString()] }),
            NullLoggerFactory.Instance,
            TimeProvider.System);
        await Server.StartAsync(CancellationToken.None);

        // The stream is warm once the source has seen a keyframe: tests then measure joining, not FFmpeg's start.
        try
        {
            await Eventually.WaitUntilAsync(
                () => Source.Stats.Width > 0, TimeSpan.FromSeconds(20), "FFmpeg delivers the camera's H.264");
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}\nFFmpeg said:\n{_ffmpeg.Output}\nCamera said:\n{Camera.Output}", ex);
        }
    }

    protected override async Task StopPartsAsync()
    {
        if (Server is not null)
        {
            await Server.DisposeAsync();
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

        _stop.Dispose();
    }
}
