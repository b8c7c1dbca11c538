using CamStudio.Media.Ffmpeg;
using Microsoft.Extensions.Logging.Abstractions;

using CamStudio.Tests.Infrastructure;

namespace CamStudio.Tests.Media.Ffmpeg;

/// <summary>No orphan FFmpeg survives the app: proven with real FFmpeg processes.</summary>
public class FfmpegProcessRegistryTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(20);
    private static readonly string[] s_endless =
        ["-hide_banner", "-nostats", "-re", "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=10", "-f", "null", "-"];

    [Fact]
    public async Task Host_shutdown_kills_every_tracked_ffmpeg()
    {
        var registry = new FfmpegProcessRegistry();
        FfmpegProcess first = FfmpegProcess.Start("ffmpeg", s_endless, [], registry, NullLogger.Instance);
        FfmpegProcess second = FfmpegProcess.Start("ffmpeg", s_endless, [], registry, NullLogger.Instance);
        int[] pids = [first.ProcessId, second.ProcessId];
        registry.ProcessIds.Should().BeEquivalentTo(pids);
        pids.Should().OnlyContain(pid => !ProcessState.IsGone(pid));

        await registry.StopAsync(CancellationToken.None);

        await Eventually.WaitUntilAsync(() => pids.All(ProcessState.IsGone), s_wait, "no FFmpeg with those PIDs is alive");
        (await first.Exited.WaitAsync(s_wait)).Should().Be(137);
        (await second.Exited.WaitAsync(s_wait)).Should().Be(137);
        registry.ProcessIds.Should().BeEmpty();
        await first.DisposeAsync();
        await second.DisposeAsync();
        registry.Dispose();
    }

    [Fact]
    public async Task Dispose_kills_too_and_nothing_can_start_afterwards()
    {
        var registry = new FfmpegProcessRegistry();
        await using FfmpegProcess ffmpeg = FfmpegProcess.Start("ffmpeg", s_endless, [], registry, NullLogger.Instance);
        int pid = ffmpeg.ProcessId;

        registry.Dispose();

        await Eventually.WaitUntilAsync(() => ProcessState.IsGone(pid), s_wait, "FFmpeg killed on dispose");
        Action late = () => FfmpegProcess.Start("ffmpeg", s_endless, [], registry, NullLogger.Instance);
        late.Should().Throw<InvalidOperationException>().WithMessage("*shutting down*");
    }

    [Fact]
    public async Task Exited_processes_leave_the_registry()
    {
        using var registry = new FfmpegProcessRegistry();
        await using FfmpegProcess quick = FfmpegProcess.Start("ffmpeg", ["-hide_banner", "-version"], [], registry, NullLogger.Instance);

        (await quick.Exited.WaitAsync(s_wait)).Should().Be(0);

        registry.ProcessIds.Should().BeEmpty("a PID that is no longer ours must never be killed later");
    }
}
