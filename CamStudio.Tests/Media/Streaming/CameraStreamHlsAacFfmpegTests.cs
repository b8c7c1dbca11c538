using System.Globalization;
using CamStudio.Media.Ffmpeg;
using CamStudio.Media.Hls;
using CamStudio.Media.Streaming;
using CamStudio.Tests.Media.Hls;
using Microsoft.Extensions.Logging.Abstractions;

namespace CamStudio.Tests.Media.Streaming;

/// <summary>
/// Real parts: the RTSP test camera with AAC, the stream's own FFmpeg (video copied, AAC copied to the HLS audio
/// port), the packager, and the LL-HLS output read back by ffprobe as an independent client: an aac stream next to the
/// video, each with strictly increasing timestamps, and audio placed by FFmpeg's timeline from the first picture on.
/// </summary>
public sealed class CameraStreamHlsAacFfmpegTests : IAsyncLifetime
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(40);
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(2));
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("camstudio-hls-aac-");
    private readonly FfmpegProcessRegistry _registry = new();
    private RtspTestCamera _camera = null!;
    private CameraStream _stream = null!;

    public async Task InitializeAsync()
    {
        _camera = await RtspTestCamera.StartAsync(new RtspTestCameraOptions { Audio = RtspTestAudio.Aac, GopSeconds = 1 }, _timeout.Token);
        var feed = new CameraFeed
        {
            Audio = true,
            CameraId = 7,
            Kind = CameraFeedKind.Rtsp,
            Host = "127.0.0.1",
            RtspPort = _camera.Port,
            HdPath = RtspTestCamera.MainStream,
            SdPath = RtspTestCamera.SubStream,
            Username = _camera.User,
            Password = _camera.Password,
            DefaultVariant = StreamVariant.Stream2,
        };
        _stream = new CameraStream(feed, StreamVariant.Stream2, new FfmpegLauncher(_registry, NullLogger<FfmpegProcess>.Instance),
            NullLoggerFactory.Instance, TimeProvider.System,
            new CameraStreamOptions { Hls = new HlsOptions { TargetDurationSeconds = 2, SegmentSeconds = 1 } });
    }

    public async Task DisposeAsync()
    {
        await _stream.DisposeAsync();
        await _camera.DisposeAsync();
        _registry.Dispose();
        _timeout.Dispose();
        _directory.Delete(recursive: true);
    }

    [Fact]
    public async Task The_cameras_aac_reaches_ll_hls_as_is_next_to_the_video_with_monotonic_timestamps()
    {
        HlsViewer viewer = _stream.OpenHlsViewer("test");
        HlsPartStore? store = await _stream.WaitForHlsStoreAsync(s_wait, _timeout.Token);
        store.Should().NotBeNull(_stream.GetStatus().LastError);
        _stream.HlsAudioConfig.Should().Be(new CamStudio.Media.Audio.AacConfig(16000, 1), "the test camera's voaacenc sends 16 kHz mono AAC-LC");
        await Eventually.WaitUntilAsync(() => _stream.Hls?.Store?.Snapshot().Segments.Count >= 4, s_wait, "four segments", _timeout.Token);
        store = _stream.Hls!.Store!;
        _stream.Hls.CodecsAttribute.Should().EndWith(",mp4a.40.2");
        _stream.Hls.AudioStats.Muxed.Should().BeGreaterThan(0);

        HlsPlaylistSnapshot snapshot = store.Snapshot();
        store.TryGetInitSegment(out ReadOnlyMemory<byte> init).Should().BeTrue();
        await File.WriteAllBytesAsync(Path.Combine(_directory.FullName, HlsResourceNames.InitName), init.ToArray());
        foreach (HlsSegment segment in snapshot.Segments)
        {
            await using FileStream file = File.Create(Path.Combine(_directory.FullName, HlsResourceNames.SegmentName(segment.Msn)));
            foreach (HlsPart part in segment.Parts)
            {
                await file.WriteAsync(part.Data);
            }
        }

        string playlist = Path.Combine(_directory.FullName, "playlist.m3u8");
        await File.WriteAllTextAsync(playlist, LlHlsPlaylistWriter.Write(snapshot, includeProgramDateTime: false) + "#EXT-X-ENDLIST\n");
        _stream.CloseHlsViewer(viewer.Id);

        string streams = await Fmp4FfmpegTests.RunCleanAsync("ffprobe",
            ["-v", "error", "-show_entries", "stream=index,codec_name,sample_rate,channels", "-of", "csv=p=0", playlist]);
        streams.Should().Contain("h264").And.Contain("aac,16000,1");

        string packets = await Fmp4FfmpegTests.RunCleanAsync("ffprobe",
            ["-v", "error", "-show_entries", "packet=stream_index,dts_time,codec_type", "-of", "csv=p=0", playlist]);
        var byType = packets.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(','))
            .Where(f => f.Length >= 3 && f[0] is "audio" or "video")
            .GroupBy(f => f[0], f => double.Parse(f[2], CultureInfo.InvariantCulture))
            .ToDictionary(g => g.Key, g => g.ToList());
        byType.Should().ContainKeys("audio", "video");
        byType["audio"].Should().BeInAscendingOrder().And.OnlyHaveUniqueItems("audio timestamps must strictly increase");
        byType["video"].Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
        // Where the sound starts is the camera's business: the GStreamer test camera starts a client's audio with its
        // video when the machine is idle, but up to 1.2 s later on a loaded one (in its own media time: FFmpeg's sender
        // reports and the arrival agreed, measured). What is ours: the sound sits where FFmpeg's timeline puts it (the
        // reports, not the moment its burst arrived: HlsPackagerAudioTests), never before the first picture, and without
        // holes to the end (it may trail a little: the newest frames can still be waiting for the next part).
        List<double> audio = byType["audio"], video = byType["video"];
        _stream.Hls.AudioStats.PlacedByReports.Should().BeTrue("FFmpeg's sender reports for both outputs arrive");
        audio[0].Should().BeGreaterThanOrEqualTo(video[0], "no sound before the first picture");
        audio[^1].Should().BeGreaterThan(video[^1] - 1.0, "the sound lasts about as long as the pictures");
        audio.Zip(audio.Skip(1), (a, b) => b - a).Should().OnlyContain(step => Math.Abs(step - 0.064) < 0.002,
            "1024 samples at 16 kHz per frame, none lost on loopback");
    }
}
