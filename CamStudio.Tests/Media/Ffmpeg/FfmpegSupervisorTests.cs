using CamStudio.Media.Ffmpeg;
using Microsoft.Extensions.Logging.Abstractions;

using CamStudio.Tests.Infrastructure;

namespace CamStudio.Tests.Media.Ffmpeg;

/// <summary>The supervisor's state machine and backoff, driven by a fake launcher and a manual clock.</summary>
public sealed class FfmpegSupervisorTests : IAsyncDisposable
{
    private const string Refused = "[tcp @ 0x1] [error] Connection to tcp://10.0.0.5:554?timeout=5000000 failed: Connection refused";
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(10);

    private readonly ManualTimeProvider _time = new();
    private readonly FakeLauncher _launcher = new();
    private readonly List<FfmpegSupervisorState> _states = [];
    private FfmpegSupervisor? _supervisor;

    [Fact]
    public async Task Restarts_back_off_1_2_4_8_16_30_30_seconds_within_jitter_and_never_spin()
    {
        FfmpegSupervisor supervisor = await StartAsync();
        double[] expectedSeconds = [1, 2, 4, 8, 16, 30, 30];

        for (int i = 0; i < expectedSeconds.Length; i++)
        {
            await WaitForLaunch(i + 1);
            _launcher.Last.Exit(1, Refused);
            TimeSpan delay = await WaitForBackoff(supervisor);

            delay.TotalSeconds.Should().BeInRange(expectedSeconds[i] * 0.8, expectedSeconds[i] * 1.2, "retry {0}", i + 1);
            supervisor.State.Should().Be(FfmpegSupervisorState.Reconnecting);
            supervisor.LastFailure.Should().Be(FfmpegFailure.HostUnreachable);

            // Just short of the delay nothing may be launched: timers fire synchronously inside Advance.
            _time.Advance(delay - TimeSpan.FromMilliseconds(1));
            _launcher.LaunchCount.Should().Be(i + 1, "no launch may happen before the backoff delay has passed");
            _time.Advance(TimeSpan.FromMilliseconds(1));
        }

        await WaitForLaunch(expectedSeconds.Length + 1);
        supervisor.ReconnectCount.Should().Be(expectedSeconds.Length);
    }

    [Fact]
    public async Task First_frame_means_streaming_and_a_stall_means_reconnecting_then_streaming_again()
    {
        FfmpegSupervisor supervisor = await StartAsync();
        await WaitForLaunch(1);
        supervisor.State.Should().Be(FfmpegSupervisorState.Starting);

        supervisor.ReportFrameReceived();
        supervisor.State.Should().Be(FfmpegSupervisorState.Streaming);
        supervisor.StreamingSince.Should().Be(_time.GetUtcNow());

        // The watcher re-arms from the first-frame deadline (15 s) to the stall deadline (5 s) once it sees the frame.
        await Eventually.WaitUntilAsync(() => _time.PendingDueTimes.Contains(_time.GetUtcNow() + TimeSpan.FromSeconds(5)), s_wait, "stall timer armed");
        _time.Advance(TimeSpan.FromSeconds(5));
        await Eventually.WaitUntilAsync(() => supervisor.State == FfmpegSupervisorState.Reconnecting, s_wait, "stall detected");

        supervisor.LastError.Should().Be("The camera stopped sending video. (no video for 5 s)");
        await Eventually.WaitUntilAsync(() => _launcher.Runs[0].StopRequested && _launcher.Runs[0].Disposed, s_wait, "stalled FFmpeg stopped");

        TimeSpan delay = await WaitForBackoff(supervisor);
        _time.Advance(delay);
        await WaitForLaunch(2);
        supervisor.State.Should().Be(FfmpegSupervisorState.Reconnecting, "a relaunch is not streaming until video arrives");

        supervisor.ReportFrameReceived();
        supervisor.State.Should().Be(FfmpegSupervisorState.Streaming);
        supervisor.ReconnectCount.Should().Be(1);
        _states.Should().ContainInOrder(FfmpegSupervisorState.Starting, FfmpegSupervisorState.Streaming,
            FfmpegSupervisorState.Reconnecting, FfmpegSupervisorState.Streaming);
    }

    [Fact]
    public async Task A_throwing_state_subscriber_does_not_break_supervision()
    {
        FfmpegSupervisor supervisor = await StartAsync();
        supervisor.StateChanged += (_, _) => throw new InvalidOperationException("UI bug");
        await WaitForLaunch(1);

        supervisor.ReportFrameReceived();
        _launcher.Last.Exit(1, Refused);

        TimeSpan delay = await WaitForBackoff(supervisor);
        _time.Advance(delay);
        await WaitForLaunch(2);
        _states.Should().ContainInOrder(FfmpegSupervisorState.Streaming, FfmpegSupervisorState.Reconnecting);
    }

    [Fact]
    public async Task No_first_frame_within_the_first_frame_timeout_is_a_failure()
    {
        FfmpegSupervisor supervisor = await StartAsync();
        await WaitForLaunch(1);

        _time.Advance(TimeSpan.FromSeconds(15));

        await Eventually.WaitUntilAsync(() => supervisor.State == FfmpegSupervisorState.Reconnecting, s_wait, "first-frame timeout");
        supervisor.LastError.Should().Contain("no video for 15 s");
    }

    [Fact]
    public async Task Wrong_credentials_give_auth_failed_with_a_clear_message_and_a_slow_retry()
    {
        FfmpegSupervisor supervisor = await StartAsync();

        for (int i = 1; i <= 3; i++)
        {
            await WaitForLaunch(i);
            _launcher.Last.Exit(1, SampleFiles.ReadLines("rtsp-401-unauthorized.txt"));
            TimeSpan delay = await WaitForBackoff(supervisor);

            supervisor.State.Should().Be(FfmpegSupervisorState.AuthFailed);
            supervisor.LastError.Should().Be("The camera rejected the username or password.");
            delay.TotalSeconds.Should().BeInRange(24, 36, "auth failures retry slowly every time, never escalating to a tight loop");
            _time.Advance(delay);
        }
    }

    [Fact]
    public async Task A_stable_period_resets_the_backoff()
    {
        FfmpegSupervisor supervisor = await StartAsync(new FfmpegSupervisorOptions { StallTimeout = TimeSpan.FromMinutes(2) });
        for (int i = 1; i <= 3; i++)
        {
            await WaitForLaunch(i);
            _launcher.Last.Exit(1, Refused);
            _time.Advance(await WaitForBackoff(supervisor));
        }

        await WaitForLaunch(4);
        supervisor.ReportFrameReceived();
        _time.Advance(TimeSpan.FromSeconds(31));
        _launcher.Last.Exit(0);

        TimeSpan delay = await WaitForBackoff(supervisor);
        delay.TotalSeconds.Should().BeInRange(0.8, 1.2, "31 s of streaming resets the backoff (it would be 8 s otherwise)");
        supervisor.LastFailure.Should().Be(FfmpegFailure.ConnectionLost);
    }

    [Fact]
    public async Task An_mjpeg_camera_is_stopped_and_retried_slowly()
    {
        FfmpegSupervisor supervisor = await StartAsync();
        await WaitForLaunch(1);

        _launcher.Last.Emit("[info]   Stream #0:0: Video: mjpeg (Baseline), yuvj420p(pc), 1920x1080, 25 fps, 25 tbr, 90k tbn");
        _launcher.Last.Emit("[info] Output #0, rtp, to 'rtp://127.0.0.1:50000':");
        _launcher.Runs[0].StopRequested.Should().BeFalse("the input line alone is not judged; the output line is");
        _launcher.Last.Emit("[info]   Stream #0:0: Video: mjpeg (Baseline), yuvj420p(pc), 1920x1080, q=2-31, 25 fps, 25 tbr, 90k tbn");
        TimeSpan delay = await WaitForBackoff(supervisor);

        _launcher.Runs[0].StopRequested.Should().BeTrue();
        supervisor.LastFailure.Should().Be(FfmpegFailure.UnsupportedCodec);
        supervisor.LastError.Should().Contain("neither H.264 nor H.265").And.Contain("camera sends mjpeg");
        supervisor.VideoStream!.Codec.Should().Be("mjpeg");
        delay.TotalSeconds.Should().BeInRange(24, 36);
    }

    [Fact]
    public async Task An_hevc_camera_streams_and_its_codec_is_announced_before_its_first_packet()
    {
        var launches = 0;
        var described = new List<VideoStreamInfo>();
        FfmpegSupervisor supervisor = await StartAsync(s =>
        {
            s.Launching = () => Interlocked.Increment(ref launches);
            s.OutputVideoDescribed = info => described.Add(info);
        });
        await WaitForLaunch(1);
        launches.Should().Be(1, "the hook runs before the launch, so the source can hold its reading");

        _launcher.Last.Emit("[info] Output #0, rtp, to 'rtp://127.0.0.1:50000':");
        _launcher.Last.Emit("[info]   Stream #0:0: Video: hevc (Main), yuv420p(tv), 1920x1080, q=2-31, 25 fps, 25 tbr, 90k tbn");
        supervisor.ReportFrameReceived();

        await Eventually.WaitUntilAsync(() => supervisor.State == FfmpegSupervisorState.Streaming, TimeSpan.FromSeconds(5), "streaming");
        _launcher.Runs[0].StopRequested.Should().BeFalse("H.265 passes through without re-encoding (issue 15)");
        described.Should().ContainSingle().Which.Codec.Should().Be("hevc");
        supervisor.VideoStream!.Describe().Should().Be("H.265 (Main), 1920×1080");
    }

    [Fact]
    public async Task The_cameras_audio_codec_is_reported_from_the_input_lines_once_per_run()
    {
        var heard = new List<string>();
        await StartAsync(s => s.InputAudioDescribed = heard.Add);
        await WaitForLaunch(1);

        _launcher.Last.Emit("[info]   Stream #0:0: Video: h264 (High), yuv420p(tv), 640x360, 25 fps, 25 tbr, 90k tbn");
        _launcher.Last.Emit("[info]   Stream #0:1: Audio: pcm_alaw, 8000 Hz, mono, s16, 64 kb/s");
        _launcher.Last.Emit("[info] Output #0, rtp, to 'rtp://127.0.0.1:50000':");
        _launcher.Last.Emit("[info]   Stream #1:0: Audio: pcm_alaw, 8000 Hz, mono, s16, 64 kb/s");

        heard.Should().Equal("pcm_alaw");
    }

    [Fact]
    public async Task A_camera_without_audio_is_relaunched_at_once_with_the_arguments_the_hook_set()
    {
        FfmpegSupervisor supervisor = await StartAsync(s => s.RunEnded = d =>
        {
            if (d.Failure == FfmpegFailure.NoAudio)
            {
                s.ReplaceArguments(["-i", "rtsp://admin:hunter2@10.0.0.5:554/s", "video-only"]);
            }
        });
        await WaitForLaunch(1);

        _launcher.Last.Exit(1, SampleFiles.ReadLines("rtsp-audio-asked-camera-has-none.txt").ToArray());

        await WaitForLaunch(2);
        _launcher.Last.Arguments.Should().EndWith("video-only");
        supervisor.LastFailure.Should().Be(FfmpegFailure.NoAudio);
        supervisor.LastError.Should().Be(FfmpegStderrParser.NoAudioSummary);
    }

    [Fact]
    public async Task A_camera_without_audio_whose_arguments_did_not_change_waits_its_backoff_instead_of_spinning()
    {
        FfmpegSupervisor supervisor = await StartAsync();
        await WaitForLaunch(1);

        _launcher.Last.Exit(1, SampleFiles.ReadLines("rtsp-audio-asked-camera-has-none.txt").ToArray());

        TimeSpan delay = await WaitForBackoff(supervisor);
        delay.Should().BeGreaterThan(TimeSpan.FromMilliseconds(500));
        _launcher.LaunchCount.Should().Be(1);
    }

    [Fact]
    public async Task Secrets_never_reach_LastError()
    {
        FfmpegSupervisor supervisor = await StartAsync();
        await WaitForLaunch(1);

        _launcher.Last.Exit(1, "[error] rtsp://admin:hunter2@10.0.0.5:554/s: Conversion failed (hunter2)");
        await WaitForBackoff(supervisor);

        supervisor.LastError.Should().NotContain("hunter2").And.NotContain("admin").And.Contain("***");
    }

    [Fact]
    public async Task A_launch_that_throws_is_retried_with_backoff()
    {
        _launcher.FailLaunchWith = new InvalidOperationException("Could not start ffmpeg: No such file or directory");
        FfmpegSupervisor supervisor = await StartAsync();

        TimeSpan delay = await WaitForBackoff(supervisor);

        supervisor.State.Should().Be(FfmpegSupervisorState.Reconnecting);
        supervisor.LastError.Should().StartWith("FFmpeg could not be started.");
        delay.TotalSeconds.Should().BeInRange(0.8, 1.2);
    }

    [Fact]
    public async Task Stop_ends_the_run_and_returns_to_idle()
    {
        FfmpegSupervisor supervisor = await StartAsync();
        await WaitForLaunch(1);
        supervisor.ReportFrameReceived();

        await supervisor.StopAsync(CancellationToken.None);

        supervisor.State.Should().Be(FfmpegSupervisorState.Idle);
        supervisor.StartedAt.Should().BeNull();
        _launcher.Runs[0].StopRequested.Should().BeTrue();
        _launcher.Runs[0].Disposed.Should().BeTrue();
        _states.Should().ContainInOrder(FfmpegSupervisorState.Starting, FfmpegSupervisorState.Streaming,
            FfmpegSupervisorState.Stopping, FfmpegSupervisorState.Idle);
        supervisor.ReconnectCount.Should().Be(0, "a requested stop is not a failure");

        supervisor.ReportFrameReceived();
        supervisor.State.Should().Be(FfmpegSupervisorState.Idle, "late frames after a stop must not revive the state");
    }

    [Fact]
    public async Task Stop_during_backoff_does_not_launch_again()
    {
        FfmpegSupervisor supervisor = await StartAsync();
        await WaitForLaunch(1);
        _launcher.Last.Exit(1, Refused);
        await WaitForBackoff(supervisor);

        await supervisor.StopAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(5));

        supervisor.State.Should().Be(FfmpegSupervisorState.Idle);
        _launcher.LaunchCount.Should().Be(1);
    }

    [Fact]
    public async Task A_camera_that_comes_back_is_restarted_at_once_not_at_the_end_of_the_backoff()
    {
        // Regression: a rebooted camera used to wait out the backoff (up to 30 s) before viewers saw video again.
        var answers = new Queue<bool>([false, false, true]);
        int probes = 0;
        FfmpegSupervisor supervisor = await StartAsync(new FfmpegSupervisorOptions
        {
            InitialBackoff = TimeSpan.FromSeconds(10),
            ProbeInterval = TimeSpan.FromSeconds(1),
            ReachabilityProbe = _ =>
            {
                Interlocked.Increment(ref probes);
                lock (answers)
                {
                    return Task.FromResult(answers.Count > 0 ? answers.Dequeue() : true);
                }
            },
        });
        await WaitForLaunch(1);
        _launcher.Last.Exit(1, Refused);
        TimeSpan delay = await WaitForBackoff(supervisor);
        delay.Should().BeGreaterThan(TimeSpan.FromSeconds(7));

        for (int i = 1; i <= 3; i++)
        {
            int before = i;
            _time.Advance(TimeSpan.FromSeconds(1));
            await Eventually.WaitUntilAsync(() => Volatile.Read(ref probes) >= before, s_wait, "probe #" + before);
        }

        await WaitForLaunch(2);
    }

    [Fact]
    public async Task A_reachable_camera_that_keeps_failing_still_waits_out_the_backoff()
    {
        int probes = 0;
        FfmpegSupervisor supervisor = await StartAsync(new FfmpegSupervisorOptions
        {
            InitialBackoff = TimeSpan.FromSeconds(10),
            ProbeInterval = TimeSpan.FromSeconds(1),
            ReachabilityProbe = _ =>
            {
                Interlocked.Increment(ref probes);
                return Task.FromResult(true);
            },
        });
        await WaitForLaunch(1);
        _launcher.Last.Exit(1, Refused);
        TimeSpan delay = await WaitForBackoff(supervisor);

        _time.Advance(TimeSpan.FromSeconds(1));
        await Eventually.WaitUntilAsync(() => Volatile.Read(ref probes) == 1, s_wait, "the first probe");
        _time.Advance(delay - TimeSpan.FromSeconds(1) - TimeSpan.FromMilliseconds(1));
        _launcher.LaunchCount.Should().Be(1, "a camera that answers was never gone: its failure is not cut short");
        probes.Should().Be(1, "once the camera answers, probing stops for this backoff");
        _time.Advance(TimeSpan.FromMilliseconds(1));
        await WaitForLaunch(2);
    }

    public async ValueTask DisposeAsync()
    {
        if (_supervisor is not null)
        {
            await _supervisor.DisposeAsync();
        }
    }

    private async Task<FfmpegSupervisor> StartAsync(FfmpegSupervisorOptions? options = null) => await StartAsync(_ => { }, options);

    private async Task<FfmpegSupervisor> StartAsync(Action<FfmpegSupervisor> configure, FfmpegSupervisorOptions? options = null)
    {
        _supervisor = new FfmpegSupervisor("cam-1", ["-i", "rtsp://admin:hunter2@10.0.0.5:554/s"], ["hunter2"], _launcher,
            NullLogger.Instance, _time, options, new Random(7));
        configure(_supervisor);
        _supervisor.StateChanged += (_, e) =>
        {
            lock (_states)
            {
                _states.Add(e.NewState);
            }
        };
        await _supervisor.StartAsync(CancellationToken.None);
        return _supervisor;
    }

    /// <summary>Waits until run #count is launched and the supervisor watches it (frames and stderr are accepted).</summary>
    private Task WaitForLaunch(int count) =>
        Eventually.WaitUntilAsync(() => _launcher.LaunchCount == count && _supervisor!.ProcessId == _launcher.Last.ProcessId, s_wait, "launch #" + count);

    /// <summary>Waits until the supervisor sits in its backoff delay and returns how long that delay is.</summary>
    private async Task<TimeSpan> WaitForBackoff(FfmpegSupervisor supervisor)
    {
        await Eventually.WaitUntilAsync(() => supervisor.NextAttemptAt is not null, s_wait, "backoff scheduled");
        return supervisor.NextAttemptAt!.Value - _time.GetUtcNow();
    }
}
