using System.Net;
using System.Net.Sockets;
using CamStudio.Media.Ffmpeg;
using Microsoft.Extensions.Logging.Abstractions;

using CamStudio.Tests.Infrastructure;

namespace CamStudio.Tests.Media.Ffmpeg;

/// <summary>The supervisor with the real launcher and real FFmpeg; only the backoff clock is manual.</summary>
public sealed class FfmpegSupervisorRealProcessTests : IDisposable
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(20);
    private readonly FfmpegProcessRegistry _registry = new();
    private readonly FfmpegLauncher _launcher;

    public FfmpegSupervisorRealProcessTests()
    {
        _launcher = new FfmpegLauncher(_registry, NullLogger<FfmpegProcess>.Instance);
    }

    [Fact]
    public async Task Closed_port_means_reconnecting_with_a_host_unreachable_error_and_one_launch_per_backoff_step()
    {
        var time = new ManualTimeProvider();
        var source = new RtspSource("127.0.0.1", FfmpegProcessTests.ClosedPort(), "stream1", "admin", "hunter2");
        await using var supervisor = new FfmpegSupervisor("closed-port", FfmpegArguments.ForRtspToRtp(source, 50200, TimeSpan.FromSeconds(2)),
            [source.Password], _launcher, NullLogger.Instance, time);

        await supervisor.StartAsync(CancellationToken.None);

        for (int launches = 1; launches <= 3; launches++)
        {
            await Eventually.WaitUntilAsync(() => supervisor.NextAttemptAt is not null, s_wait, "FFmpeg failed and a retry is scheduled");
            supervisor.State.Should().Be(FfmpegSupervisorState.Reconnecting);
            supervisor.LastFailure.Should().Be(FfmpegFailure.HostUnreachable);
            supervisor.LastError.Should().Be("The camera could not be reached. (Connection refused)");
            supervisor.LaunchCount.Should().Be(launches, "the supervisor waits for the clock, it does not spin");
            time.Advance(supervisor.NextAttemptAt!.Value - time.GetUtcNow());
            await Eventually.WaitUntilAsync(() => supervisor.LaunchCount == launches + 1, s_wait, "relaunch after the backoff");
        }

        await supervisor.StopAsync(CancellationToken.None);
        supervisor.State.Should().Be(FfmpegSupervisorState.Idle);
        _registry.ProcessIds.Should().BeEmpty();
    }

    [Fact]
    public async Task Wrong_password_gives_auth_failed_within_five_seconds_and_no_second_launch_before_the_slow_retry()
    {
        await using var camera = new FakeRtspServer("admin", "right");
        var time = new ManualTimeProvider();
        var source = new RtspSource("127.0.0.1", camera.Port, "stream1", "admin", "wrong");
        await using var supervisor = new FfmpegSupervisor("auth", FfmpegArguments.ForRtspToRtp(source, 50202, TimeSpan.FromSeconds(3)),
            [source.Password], _launcher, NullLogger.Instance, time);

        await supervisor.StartAsync(CancellationToken.None);

        await Eventually.WaitUntilAsync(() => supervisor.State == FfmpegSupervisorState.AuthFailed, TimeSpan.FromSeconds(5), "auth_failed within 5 s");
        supervisor.LastError.Should().Be("The camera rejected the username or password.");
        await Eventually.WaitUntilAsync(() => supervisor.NextAttemptAt is not null, s_wait, "slow retry scheduled");
        (supervisor.NextAttemptAt!.Value - time.GetUtcNow()).TotalSeconds.Should().BeInRange(24, 36);
        time.Advance(TimeSpan.FromSeconds(23));
        supervisor.LaunchCount.Should().Be(1);
    }

    [Fact]
    public async Task Test_pattern_sends_real_rtp_and_the_supervisor_reports_streaming_until_stopped()
    {
        using var receiver = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        int port = ((IPEndPoint)receiver.Client.LocalEndPoint!).Port;

        await using var supervisor = new FfmpegSupervisor("demo", FfmpegArguments.ForTestPattern(port, 320, 240, 15, 1), [],
            _launcher, NullLogger.Instance);
        await supervisor.StartAsync(CancellationToken.None);

        using var cts = new CancellationTokenSource(s_wait);
        UdpReceiveResult packet = await receiver.ReceiveAsync(cts.Token);
        supervisor.ReportFrameReceived();

        packet.Buffer.Length.Should().BeGreaterThan(12).And.BeLessThanOrEqualTo(FfmpegArguments.RtpPacketSize);
        (packet.Buffer[0] >> 6).Should().Be(2, "RTP version 2");
        (packet.Buffer[1] & 0x7F).Should().Be(FfmpegArguments.RtpPayloadType);
        supervisor.State.Should().Be(FfmpegSupervisorState.Streaming, supervisor.LastError);
        int pid = supervisor.ProcessId;
        pid.Should().BeGreaterThan(0);

        await supervisor.StopAsync(CancellationToken.None);

        supervisor.State.Should().Be(FfmpegSupervisorState.Idle);
        supervisor.LastError.Should().BeNull("a requested stop is not an error");
        await Eventually.WaitUntilAsync(() => ProcessState.IsGone(pid), s_wait, "FFmpeg gone after stop");
    }

    public void Dispose() => _registry.Dispose();
}
