using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using CamStudio.Media.Ffmpeg;
using Microsoft.Extensions.Logging.Abstractions;

using CamStudio.Tests.Infrastructure;

namespace CamStudio.Tests.Media.Ffmpeg;

/// <summary>Real child processes: FFmpeg 5.1 from the Debian package, /bin/sleep and /bin/sh.</summary>
public sealed class FfmpegProcessTests : IDisposable
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(20);
    private readonly FfmpegProcessRegistry _registry = new();

    [Fact]
    public async Task Real_ffmpeg_quits_on_q_with_exit_code_0()
    {
        await using FfmpegProcess ffmpeg = Start("ffmpeg",
            ["-hide_banner", "-nostats", "-re", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-f", "null", "-"]);
        // FFmpeg reads keys only once it is transcoding; it says so on stderr.
        await Eventually.WaitUntilAsync(() => ffmpeg.RecentStderr().Any(l => l.Contains("Press [q] to stop", StringComparison.Ordinal)),
            s_wait, "FFmpeg is running");

        var clock = Stopwatch.StartNew();
        int exitCode = await ffmpeg.StopAsync(TimeSpan.FromSeconds(10), CancellationToken.None);

        exitCode.Should().Be(0, "'q' ends FFmpeg cleanly; a kill would give 137");
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(5));
        ProcessState.IsGone(ffmpeg.ProcessId).Should().BeTrue();
    }

    [Fact]
    public async Task A_process_that_ignores_q_is_killed_after_the_grace()
    {
        await using FfmpegProcess sleeper = Start("/bin/sleep", ["60"]);

        var clock = Stopwatch.StartNew();
        int exitCode = await sleeper.StopAsync(TimeSpan.FromMilliseconds(300), CancellationToken.None);

        exitCode.Should().Be(137, "SIGKILL");
        clock.Elapsed.Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(300)).And.BeLessThan(TimeSpan.FromSeconds(10));
        await Eventually.WaitUntilAsync(() => ProcessState.IsGone(sleeper.ProcessId), s_wait, "sleep is gone");
    }

    [Fact]
    public async Task Cancelling_a_stop_still_kills_the_process()
    {
        await using FfmpegProcess sleeper = Start("/bin/sleep", ["60"]);
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        Func<Task> stop = () => sleeper.StopAsync(TimeSpan.FromSeconds(30), cts.Token);

        await stop.Should().ThrowAsync<OperationCanceledException>();
        (await sleeper.Exited.WaitAsync(s_wait)).Should().Be(137);
    }

    [Fact]
    public async Task Kill_takes_the_whole_process_tree()
    {
        await using FfmpegProcess shell = Start("/bin/sh", ["-c", "sleep 60 & echo child=$! >&2; wait"]);
        await Eventually.WaitUntilAsync(() => shell.RecentStderr().Any(l => l.StartsWith("child=", StringComparison.Ordinal)), s_wait, "child started");
        int child = int.Parse(shell.RecentStderr().First(l => l.StartsWith("child=", StringComparison.Ordinal))[6..],
            System.Globalization.CultureInfo.InvariantCulture);
        ProcessState.IsGone(child).Should().BeFalse();
        try
        {
            await shell.StopAsync(TimeSpan.FromMilliseconds(200), CancellationToken.None);

            await Eventually.WaitUntilAsync(() => ProcessState.IsGone(child), s_wait, "the grandchild died with its parent");
        }
        finally
        {
            // If the assertion failed, don't leave the orphan behind for the rest of the run.
            if (!ProcessState.IsGone(child))
            {
                using Process orphan = Process.GetProcessById(child);
                orphan.Kill();
            }
        }
    }

    [Fact]
    public async Task Stderr_is_kept_as_a_bounded_redacted_ring_and_read_to_the_end_before_Exited()
    {
        await using FfmpegProcess shell = Start("/bin/sh",
            ["-c", "i=1; while [ $i -le 200 ]; do echo \"line $i rtsp://admin:hunter2@cam/ hunter2\" >&2; i=$((i+1)); done"],
            secrets: ["hunter2"]);
        var events = new List<string>();
        shell.StderrLine += (_, line) => { lock (events) { events.Add(line); } };
        shell.StderrLine += (_, _) => throw new InvalidOperationException("a faulty subscriber must not stop the drain");

        (await shell.Exited.WaitAsync(s_wait)).Should().Be(0);

        IReadOnlyList<string> ring = shell.RecentStderr();
        ring.Should().HaveCount(FfmpegProcess.RingCapacity);
        ring[^1].Should().Be("line 200 rtsp://***@cam/ ***", "Exited completes only after stderr was drained");
        ring[0].Should().StartWith("line 151 ");
        ring.Should().OnlyContain(l => !l.Contains("hunter2", StringComparison.Ordinal) && !l.Contains("admin", StringComparison.Ordinal));
        lock (events)
        {
            events.Should().HaveCount(200).And.OnlyContain(l => !l.Contains("hunter2", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Real_ffmpeg_against_a_closed_port_exits_with_a_host_unreachable_diagnosis_and_no_password_in_sight()
    {
        int closedPort = ClosedPort();
        var source = new RtspSource("127.0.0.1", closedPort, "stream1", "admin", "p@ss:w0rd");
        await using FfmpegProcess ffmpeg = Start("ffmpeg", FfmpegArguments.ForRtspToRtp(source, 50100, TimeSpan.FromSeconds(2)),
            secrets: [source.Password]);

        int exitCode = await ffmpeg.Exited.WaitAsync(s_wait);

        exitCode.Should().NotBe(0);
        IReadOnlyList<string> stderr = ffmpeg.RecentStderr();
        stderr.Should().Contain(l => l.Contains("Connection refused", StringComparison.Ordinal));
        stderr.Should().OnlyContain(l => !l.Contains("p%40ss", StringComparison.Ordinal) && !l.Contains("w0rd", StringComparison.Ordinal));
        FfmpegStderrParser.Classify(stderr, exitCode).Failure.Should().Be(FfmpegFailure.HostUnreachable);
    }

    [Fact]
    public async Task Hostile_password_reaches_the_camera_intact_through_real_ffmpeg()
    {
        const string password = "p@ss:/?#%w rd$(id)";
        await using var camera = new FakeRtspServer("ad min", password);
        var source = new RtspSource("127.0.0.1", camera.Port, "stream1", "ad min", password);
        await using FfmpegProcess ffmpeg = Start("ffmpeg", FfmpegArguments.ForRtspToRtp(source, 50102, TimeSpan.FromSeconds(3)),
            secrets: [password]);

        int exitCode = await ffmpeg.Exited.WaitAsync(s_wait);

        camera.SeenCredentials.Should().Contain(("ad min", password));
        FfmpegStderrParser.Classify(ffmpeg.RecentStderr(), exitCode).Failure.Should().Be(FfmpegFailure.StreamNotFound);
    }

    [Fact]
    public async Task Wrong_password_is_diagnosed_as_auth_failed_from_real_ffmpeg_output()
    {
        await using var camera = new FakeRtspServer("admin", "right");
        var source = new RtspSource("127.0.0.1", camera.Port, "stream1", "admin", "wrong");
        await using FfmpegProcess ffmpeg = Start("ffmpeg", FfmpegArguments.ForRtspToRtp(source, 50104, TimeSpan.FromSeconds(3)),
            secrets: ["wrong"]);

        int exitCode = await ffmpeg.Exited.WaitAsync(s_wait);

        FfmpegDiagnosis diagnosis = FfmpegStderrParser.Classify(ffmpeg.RecentStderr(), exitCode);
        diagnosis.Failure.Should().Be(FfmpegFailure.AuthFailed);
        diagnosis.ToStatusText().Should().Be("The camera rejected the username or password.");
    }

    [Fact]
    public async Task The_protocol_whitelist_stops_real_ffmpeg_from_reading_a_file()
    {
        // Defence in depth: even if a file URL got past RtspSource validation, FFmpeg itself refuses it.
        List<string> args = [.. FfmpegArguments.ForRtspToRtp(new RtspSource("127.0.0.1", 554, "s", null, null), 50106)];
        args[args.IndexOf("rtsp://127.0.0.1:554/s")] = "file:/etc/hostname";
        await using FfmpegProcess ffmpeg = Start("ffmpeg", args);

        int exitCode = await ffmpeg.Exited.WaitAsync(s_wait);

        exitCode.Should().NotBe(0);
        ffmpeg.RecentStderr().Should().Contain(l => l.Contains("Protocol 'file' not on whitelist", StringComparison.Ordinal));
    }

    [Fact]
    public void A_missing_executable_throws_a_clear_error()
    {
        Action start = () => Start("/nonexistent/ffmpeg", ["-version"]);

        start.Should().Throw<InvalidOperationException>().WithMessage("Could not start /nonexistent/ffmpeg*");
    }

    public void Dispose() => _registry.Dispose();

    internal static int ClosedPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    private FfmpegProcess Start(string executable, IReadOnlyList<string> arguments, IReadOnlyList<string?>? secrets = null) =>
        FfmpegProcess.Start(executable, arguments, secrets ?? [], _registry, NullLogger.Instance);
}
