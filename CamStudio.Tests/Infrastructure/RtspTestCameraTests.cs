namespace CamStudio.Tests.Infrastructure;

public sealed class RtspTestCameraTests : IDisposable
{
    // Bounds each test: a wedged camera or ffprobe fails the test instead of hanging the run.
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(2));

    private CancellationToken Ct => _timeout.Token;

    public void Dispose() => _timeout.Dispose();

    [Fact]
    public async Task Right_credentials_get_h264_high_profile_in_both_sizes()
    {
        await using RtspTestCamera camera = await RtspTestCamera.StartAsync(new RtspTestCameraOptions(), Ct);

        (int mainExit, string main) = await Ffprobe.ProbeRtspAsync(camera.Url(RtspTestCamera.MainStream), Ct);
        (int subExit, string sub) = await Ffprobe.ProbeRtspAsync(camera.Url(RtspTestCamera.SubStream), Ct);

        mainExit.Should().Be(0, main);
        main.Should().Contain("codec_name=h264").And.Contain("profile=High").And.Contain("width=1280").And.Contain("height=720");
        subExit.Should().Be(0, sub);
        sub.Should().Contain("codec_name=h264").And.Contain("width=640").And.Contain("height=360");
    }

    [Theory]
    [InlineData(RtspTestAudio.Aac, "codec_name=aac", "sample_rate=16000")]
    [InlineData(RtspTestAudio.Pcma, "codec_name=pcm_alaw", "sample_rate=8000")]
    [InlineData(RtspTestAudio.Pcmu, "codec_name=pcm_mulaw", "sample_rate=8000")]
    public async Task An_h265_camera_with_a_microphone_sends_hevc_main_and_its_audio(RtspTestAudio audio, string codec, string rate)
    {
        await using RtspTestCamera camera = await RtspTestCamera.StartAsync(
            new RtspTestCameraOptions { Codec = RtspTestVideoCodec.H265, Audio = audio }, Ct);

        (int videoExit, string video) = await Ffprobe.ProbeRtspAsync(camera.Url(RtspTestCamera.MainStream), Ct);
        (int audioExit, string sound) = await Ffprobe.ProbeRtspAsync(camera.Url(RtspTestCamera.SubStream), "a:0", Ct);

        videoExit.Should().Be(0, video);
        video.Should().Contain("codec_name=hevc").And.Contain("profile=Main").And.Contain("width=1280").And.Contain("height=720");
        audioExit.Should().Be(0, sound);
        sound.Should().Contain(codec).And.Contain(rate).And.Contain("channels=1");
    }

    [Fact]
    public async Task Wrong_password_gets_401()
    {
        await using RtspTestCamera camera = await RtspTestCamera.StartAsync(new RtspTestCameraOptions(), Ct);

        (int exitCode, string output) = await Ffprobe.ProbeRtspAsync(camera.Url(RtspTestCamera.MainStream, camera.User, "wrong"), Ct);

        exitCode.Should().NotBe(0);
        output.Should().Contain("401");
    }

    [Theory]
    [InlineData(RtspAuthentication.Basic)]
    [InlineData(RtspAuthentication.Digest)]
    public async Task Each_authentication_scheme_admits_the_right_user(RtspAuthentication authentication)
    {
        await using RtspTestCamera camera = await RtspTestCamera.StartAsync(
            new RtspTestCameraOptions { Authentication = authentication, User = "viewer", Password = "p@ss word" }, Ct);

        (int exitCode, string output) = await Ffprobe.ProbeRtspAsync(camera.Url(RtspTestCamera.SubStream), Ct);
        (int anonymousExit, string anonymous) = await Ffprobe.ProbeRtspAsync(camera.Url(RtspTestCamera.SubStream, null, null), Ct);

        exitCode.Should().Be(0, output);
        output.Should().Contain("codec_name=h264");
        anonymousExit.Should().NotBe(0);
        anonymous.Should().Contain("401");
    }

    [Fact]
    public async Task Killed_camera_refuses_connections_and_restart_serves_again_on_the_same_port()
    {
        await using RtspTestCamera camera = await RtspTestCamera.StartAsync(new RtspTestCameraOptions(), Ct);
        int port = camera.Port;

        await camera.KillAsync(Ct);
        (int deadExit, string dead) = await Ffprobe.ProbeRtspAsync(camera.Url(RtspTestCamera.SubStream), Ct);
        await camera.RestartAsync(Ct);
        (int aliveExit, string alive) = await Ffprobe.ProbeRtspAsync(camera.Url(RtspTestCamera.SubStream), Ct);

        camera.IsRunning.Should().BeTrue();
        camera.Port.Should().Be(port);
        deadExit.Should().NotBe(0);
        dead.Should().Contain("Connection refused");
        aliveExit.Should().Be(0, alive);
        alive.Should().Contain("codec_name=h264");
    }

    [Fact]
    public async Task Keyframe_on_play_starts_every_session_with_an_idr_while_the_mount_runs_mid_gop()
    {
        // A 10 s GOP and a session that keeps the shared encoder running: without the mode a new session starts on
        // whatever P-frame comes next (seen: "__ __ __" for every session), with it the forced IDR is among its first
        // two frames (at most one frame was already in the encoder when PLAY arrived).
        await using RtspTestCamera camera = await RtspTestCamera.StartAsync(new RtspTestCameraOptions
        {
            Pattern = RtspTestPattern.Stamp, MainSize = (320, 180), SubSize = (320, 180), GopSeconds = 10, KeyframeOnPlay = true,
        }, Ct);
        int framesSeen = 0;
        await using ChildProcess keeper = ChildProcess.Start("ffmpeg",
            ["-v", "error", "-nostats", "-progress", "pipe:1", "-rtsp_transport", "tcp", "-i", camera.Url(), "-c", "copy", "-f", "null", "-"],
            line =>
            {
                if (line.StartsWith("frame=", StringComparison.Ordinal) && int.TryParse(line.AsSpan(6), out int frames))
                {
                    Volatile.Write(ref framesSeen, frames);
                }
            });
        await Eventually.WaitUntilAsync(() => Volatile.Read(ref framesSeen) > 10, TimeSpan.FromSeconds(30),
            "the keeping session receives frames (the mount's encoder runs)", Ct);

        for (int session = 0; session < 3; session++)
        {
            (int exitCode, string output) = await Ffprobe.FirstVideoPacketFlagsAsync(camera.Url(), 2, Ct);

            exitCode.Should().Be(0, output);
            output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Should().HaveCount(2, output).And.Contain(flags => flags.StartsWith('K'),
                    $"session {session + 1} must start with a key frame, the keeping session having started {Volatile.Read(ref framesSeen)} frames earlier");
        }
    }

    [Fact]
    public void Arguments_carry_gop_in_seconds_and_sizes()
    {
        IReadOnlyList<string> args = RtspTestCamera.BuildArguments(
            "cam.py", new RtspTestCameraOptions { GopSeconds = 0.5, MainSize = (1920, 1080), Authentication = RtspAuthentication.Digest }, 9000);

        args.Should().ContainInConsecutiveOrder("--port", "9000");
        args.Should().ContainInConsecutiveOrder("--gop-seconds", "0.5");
        args.Should().ContainInConsecutiveOrder("--hd", "1920x1080");
        args.Should().ContainInConsecutiveOrder("--auth", "digest");
        args.Should().NotContain("--keyframe-on-play");
        RtspTestCamera.BuildArguments("cam.py", new RtspTestCameraOptions { KeyframeOnPlay = true }, 9000)
            .Should().Contain("--keyframe-on-play");
        args[0].Should().Be("cam.py");
    }
}
