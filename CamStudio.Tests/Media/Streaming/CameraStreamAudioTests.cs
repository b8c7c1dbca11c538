using CamStudio.Media.Audio;
using CamStudio.Media.Ffmpeg;
using CamStudio.Media.Streaming;
using CamStudio.Tests.Infrastructure;
using CamStudio.Tests.Media.Ffmpeg;
using Microsoft.Extensions.Logging.Abstractions;

namespace CamStudio.Tests.Media.Streaming;

/// <summary>What a camera stream asks FFmpeg to do with the camera's audio, and what each run teaches it (fake FFmpeg).</summary>
public sealed class CameraStreamAudioTests : IAsyncLifetime
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(10);

    private readonly ManualTimeProvider _time = new();
    private readonly FakeLauncher _launcher = new(); // no packets are sent here, so FFmpeg need not describe its output
    private CameraStream? _stream;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_stream is not null)
        {
            await _stream.DisposeAsync();
        }
    }

    [Fact]
    public async Task Audio_off_means_one_video_output_and_a_silent_source()
    {
        CameraStream stream = Create(audio: false);
        using IDisposable viewer = stream.AddViewer();
        await Eventually.WaitUntilAsync(() => _launcher.LaunchCount == 1, s_wait, "FFmpeg launched");

        _launcher.Last.Arguments.Should().NotContain("0:a:0?");
        stream.AudioPlan.Should().BeNull();
        stream.AudioSource.Codec.Should().BeNull("offers get their audio section rejected");
    }

    [Fact]
    public async Task Audio_on_transcodes_at_first_and_passes_g711_through_from_the_run_after_the_one_that_heard_it()
    {
        CameraStream stream = Create(audio: true);
        stream.AudioSource.Codec.Should().Be(AudioCodec.Opus, "an offer before the first run negotiates what that run sends");
        IDisposable viewer = stream.AddViewer();
        await Eventually.WaitUntilAsync(() => _launcher.LaunchCount == 1, s_wait, "FFmpeg launched");
        _launcher.Last.Arguments.Should().ContainInConsecutiveOrder("-c:a", "libopus");
        _launcher.Last.Arguments.Should().Contain($"rtp://127.0.0.1:{stream.AudioSource.Port}?rtcpport={stream.AudioSource.RtcpPort}");
        // Lip sync: FFmpeg's sender reports of the video and the audio come back on the sources' own ports, and every
        // output (video, WebRTC audio, the AAC copy for HLS) reports on one clock (the same -start_time_realtime).
        _launcher.Last.Arguments.Should().Contain($"rtp://127.0.0.1:{stream.Source.Port}?rtcpport={stream.Source.RtcpPort}");
        List<string> starts = _launcher.Last.Arguments.Select((a, i) => (a, i))
            .Where(x => x.a == "-start_time_realtime").Select(x => _launcher.Last.Arguments[x.i + 1]).ToList();
        starts.Should().HaveCount(3).And.OnlyContain(s => s == starts[0]);

        _launcher.Last.Emit("[info]   Stream #0:1: Audio: pcm_alaw, 8000 Hz, mono, s16, 64 kb/s");

        stream.AudioPlan.Should().Be(AudioCodec.Pcma);
        stream.Supervisor.Arguments.Should().ContainInConsecutiveOrder("-c:a", "copy", "-f", "rtp", "-payload_type", "8");
        stream.AudioSource.Codec.Should().Be(AudioCodec.Opus, "the running FFmpeg keeps sending Opus; it is not restarted for this");

        viewer.Dispose();
        _time.Advance(TimeSpan.FromSeconds(30));
        await Eventually.WaitUntilAsync(() => _launcher.Last.StopRequested && stream.IsSettled, s_wait, "the grace stop");
        stream.AudioSource.Codec.Should().Be(AudioCodec.Pcma, "offers from now on negotiate what the next run sends");

        using IDisposable again = stream.AddViewer();
        await Eventually.WaitUntilAsync(() => _launcher.LaunchCount == 2, s_wait, "the next run");
        _launcher.Last.Arguments.Should().ContainInConsecutiveOrder("-c:a", "copy").And.NotContain("libopus");
    }

    [Fact]
    public async Task A_camera_without_a_microphone_is_told_plainly_and_plays_video_only_at_once()
    {
        CameraStream stream = Create(audio: true);
        using IDisposable viewer = stream.AddViewer();
        await Eventually.WaitUntilAsync(() => _launcher.LaunchCount == 1, s_wait, "FFmpeg launched");

        _launcher.Last.Exit(1, SampleFiles.ReadLines("rtsp-audio-asked-camera-has-none.txt").ToArray());

        await Eventually.WaitUntilAsync(() => _launcher.LaunchCount == 2, s_wait, "relaunched without waiting out a backoff");
        _launcher.Last.Arguments.Should().NotContain("0:a:0?");
        stream.AudioPlan.Should().BeNull();
        stream.AudioSource.Codec.Should().BeNull();
        stream.GetStatus().LastError.Should().Be(FfmpegStderrParser.NoAudioSummary);
    }

    [Fact]
    public async Task Turning_audio_on_in_the_settings_restarts_ffmpeg_with_an_audio_output()
    {
        CameraStream stream = Create(audio: false);
        using IDisposable viewer = stream.AddViewer();
        await Eventually.WaitUntilAsync(() => _launcher.LaunchCount == 1, s_wait, "FFmpeg launched");

        await stream.ReconfigureAsync(CameraStreamLifecycleTests.Camera(audio: true), CancellationToken.None);

        await Eventually.WaitUntilAsync(() => _launcher.LaunchCount == 2, s_wait, "FFmpeg relaunched");
        _launcher.Last.Arguments.Should().ContainInConsecutiveOrder("-c:a", "libopus");
        stream.AudioSource.Codec.Should().Be(AudioCodec.Opus);
    }

    [Fact]
    public async Task Audio_on_copies_the_cameras_aac_for_hls_from_the_first_run_and_learns_its_config_from_ffmpeg()
    {
        CameraStream stream = Create(audio: true);
        using IDisposable viewer = stream.AddViewer();
        await Eventually.WaitUntilAsync(() => _launcher.LaunchCount == 1, s_wait, "FFmpeg launched");
        string hlsOutput = $"rtp://127.0.0.1:{stream.HlsAudioSource.Port}?rtcpport={stream.HlsAudioSource.RtcpPort}";
        List<string> starts = _launcher.Last.Arguments.Select((a, i) => (a, i))
            .Where(x => x.a == "-start_time_realtime").Select(x => _launcher.Last.Arguments[x.i + 1]).ToList();
        // Its sender reports come back too, on the clock of the video's and the WebRTC audio's: they place the sound on
        // the pictures' timeline in the HLS packager (HlsPackagerAudioTests).
        _launcher.Last.Arguments.Should().ContainInConsecutiveOrder(
            "-c:a", "copy", "-muxdelay", "0", "-f", "rtp", "-payload_type", "97", "-start_time_realtime", starts[0], hlsOutput);
        starts.Should().HaveCount(3).And.OnlyContain(s => s == starts[0]);
        stream.HlsAudioSource.Codec.Should().BeNull("nothing is forwarded before FFmpeg said what the camera sends");

        _launcher.Last.Emit("[info]   Stream #0:1: Audio: aac (LC), 16000 Hz, mono, fltp");

        stream.HlsAudioConfig.Should().Be(new AacConfig(16000, 1));
        stream.HlsAudioSource.Codec.Should().Be(AudioCodec.Aac);
        stream.Supervisor.Arguments.Should().Contain(hlsOutput, "the copy stays for the next runs");
    }

    [Fact]
    public async Task A_g711_camera_drops_the_hls_copy_from_the_next_run()
    {
        CameraStream stream = Create(audio: true);
        using IDisposable viewer = stream.AddViewer();
        await Eventually.WaitUntilAsync(() => _launcher.LaunchCount == 1, s_wait, "FFmpeg launched");

        _launcher.Last.Emit("[info]   Stream #0:1: Audio: pcm_alaw, 8000 Hz, mono, s16, 64 kb/s");

        stream.HlsAudioConfig.Should().BeNull();
        stream.HlsAudioSource.Codec.Should().BeNull("HLS carries AAC only");
        stream.Supervisor.Arguments.Should().NotContain("rtp://127.0.0.1:" + stream.HlsAudioSource.Port);
    }

    private CameraStream Create(bool audio)
    {
        _stream = new CameraStream(
            CameraStreamLifecycleTests.Camera(audio: audio), StreamVariant.Stream2, _launcher, NullLoggerFactory.Instance, _time,
            new CameraStreamOptions { GracePeriod = TimeSpan.FromSeconds(30) },
            new FfmpegSupervisorOptions { FirstFrameTimeout = TimeSpan.FromDays(1), StallTimeout = TimeSpan.FromDays(1) });
        return _stream;
    }
}
