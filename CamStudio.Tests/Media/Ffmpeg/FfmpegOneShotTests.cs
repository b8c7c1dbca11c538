using System.Net;
using System.Net.Sockets;
using CamStudio.Media.Ffmpeg;
using CamStudio.Tests.Infrastructure;

namespace CamStudio.Tests.Media.Ffmpeg;

/// <summary>Short-lived children (probe, version) run through the registry like the streams' FFmpeg: real processes.</summary>
public sealed class FfmpegOneShotTests : IDisposable
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(3);
    private readonly FfmpegProcessRegistry _registry = new();
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(60));

    [Fact]
    public async Task The_version_check_runs_and_leaves_the_registry()
    {
        FfmpegOneShotResult result = await FfmpegOneShot.RunAsync(_registry, "ffmpeg", FfmpegArguments.ForVersion(), TimeSpan.FromSeconds(10), _timeout.Token);

        result.ExitCode.Should().Be(0);
        result.StandardOutput.Should().StartWith("ffmpeg version ");
        _registry.ProcessIds.Should().BeEmpty();
    }

    [Fact]
    public async Task Registry_shutdown_kills_an_in_flight_ffprobe()
    {
        // Accepts the RTSP connection and stays silent, so ffprobe waits for its 60 s socket timeout.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        Task<Socket> accepted = silent.AcceptSocketAsync(_timeout.Token).AsTask();
        var camera = new RtspSource("127.0.0.1", ((IPEndPoint)silent.LocalEndpoint).Port, "/stream1", "admin", "secret");

        Task<FfmpegOneShotResult> run = FfmpegOneShot.RunAsync(
            _registry, "ffprobe", FfmpegArguments.ForProbe(camera, TimeSpan.FromSeconds(60)), TimeSpan.FromSeconds(60), _timeout.Token);
        using Socket connection = await accepted.WaitAsync(_timeout.Token);
        int pid = _registry.ProcessIds.Should().ContainSingle().Subject;
        ProcessState.IsGone(pid).Should().BeFalse();

        await _registry.StopAsync(CancellationToken.None);

        await Eventually.WaitUntilAsync(() => ProcessState.IsGone(pid), s_wait, "ffprobe killed by the registry");
        FfmpegOneShotResult result = await run.WaitAsync(s_wait);
        result.ExitCode.Should().Be(137, "SIGKILL, not ffprobe giving up");
        _registry.ProcessIds.Should().BeEmpty();
    }

    [Fact]
    public async Task After_shutdown_a_child_is_refused_and_killed()
    {
        await _registry.StopAsync(CancellationToken.None);

        Func<Task> late = () => FfmpegOneShot.RunAsync(_registry, "ffmpeg", FfmpegArguments.ForVersion(), TimeSpan.FromSeconds(10), _timeout.Token);

        await late.Should().ThrowAsync<OperationCanceledException>().WithMessage("*shutting down*");
    }

    [Fact]
    public async Task A_child_past_its_deadline_is_killed_and_reported_as_timed_out()
    {
        // Silent whether or not ffprobe gets as far as connecting before the deadline.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var camera = new RtspSource("127.0.0.1", ((IPEndPoint)silent.LocalEndpoint).Port, "/stream1", null, null);

        FfmpegOneShotResult result = await FfmpegOneShot.RunAsync(
            _registry, "ffprobe", FfmpegArguments.ForProbe(camera, TimeSpan.FromSeconds(60)), TimeSpan.FromMilliseconds(500), _timeout.Token);

        result.TimedOut.Should().BeTrue();
        _registry.ProcessIds.Should().BeEmpty();
    }

    public void Dispose()
    {
        _registry.Dispose();
        _timeout.Dispose();
    }
}
