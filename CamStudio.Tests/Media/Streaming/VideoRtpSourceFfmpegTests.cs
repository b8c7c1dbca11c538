using System.Diagnostics;
using System.Globalization;
using System.Text;
using CamStudio.Media.Rtp;
using CamStudio.Media.Streaming;
using Microsoft.Extensions.Logging.Abstractions;

namespace CamStudio.Tests.Media.Streaming;

/// <summary>The source fed by a real FFmpeg, packetising exactly as the camera pipeline does (MEDIA.md data path).</summary>
public class VideoRtpSourceFfmpegTests
{
    [Fact]
    public async Task RealFfmpeg_StatsFromSps_MeasuredRates_AndLateJoinerStartsAtAKeyFrame()
    {
        using var cts = new CancellationTokenSource();
        await using var source = new VideoRtpSource(NullLogger<VideoRtpSource>.Instance, TimeProvider.System);
        Task loop = source.RunAsync(cts.Token);
        using var early = new RecordingSink();
        using IDisposable earlySubscription = source.Subscribe(early);

        var stderr = new StringBuilder();
        using var ffmpeg = new Process { StartInfo = FfmpegStartInfo(source.Port) };
        ffmpeg.ErrorDataReceived += (_, e) =>
        {
            lock (stderr)
            {
                stderr.AppendLine(e.Data);
            }
        };
        try
        {
            ffmpeg.Start();
            ffmpeg.BeginErrorReadLine();

            // 25 fps, keyframe every 50 frames: by frame 110 there were three IDRs (0, 2 s, 4 s) and ~4 s of rate windows.
            await early.WaitUntilAsync(() => source.Stats.Frames >= 110, TimeSpan.FromSeconds(30));
            VideoSourceStats stats = source.Stats;
            string because = $"stats {stats}, ffmpeg stderr: {stderr}";
            stats.Width.Should().Be(640, because);
            stats.Height.Should().Be(360, because);
            stats.ProfileLevelId.Should().StartWith("64", "High profile was asked for");
            stats.FramesPerSecond.Should().BeInRange(22.5, 27.5, because);
            stats.KeyFrameIntervalSeconds.Should().BeApproximately(2.0, 0.01, because);
            stats.KeyFrames.Should().BeGreaterThanOrEqualTo(2);
            stats.BitrateKbps.Should().BePositive();
            stats.LastFrameTime.Should().NotBeNull();

            using var late = new RecordingSink();
            using (source.Subscribe(late))
            {
                var cached = late.Snapshot();
                cached.Should().NotBeEmpty();
                cached[0].Info.IsKeyFrameStart.Should().BeTrue();
                cached[0].Info.IsFromCache.Should().BeTrue();
                StartsWithSps(cached[0].Packet).Should().BeTrue("dump_extra puts SPS/PPS in front of every IDR");
                int lateCount = cached.Length;
                await late.WaitForCountAsync(lateCount + 20);
                late.Snapshot().Skip(lateCount).Should().AllSatisfy(p => p.Info.IsFromCache.Should().BeFalse());
            }

            // No SPS/PPS-only packet reaches a viewer with the marker set.
            early.Snapshot().Where(p => IsParameterSetsOnly(p.Packet))
                .Should().NotBeEmpty().And.AllSatisfy(p => (p.Packet[1] & 0x80).Should().Be(0));

            using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await ffmpeg.WaitForExitAsync(exit.Token);
            ffmpeg.ExitCode.Should().Be(0, stderr.ToString());
        }
        finally
        {
            if (!ffmpeg.HasExited)
            {
                ffmpeg.Kill(entireProcessTree: true);
            }

            await cts.CancelAsync();
            await loop;
        }
    }

    private static ProcessStartInfo FfmpegStartInfo(int port)
    {
        var info = new ProcessStartInfo("ffmpeg")
        {
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[]
        {
            "-hide_banner", "-loglevel", "error", "-re", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25", "-t", "6",
            "-c:v", "libx264", "-profile:v", "high", "-g", "50", "-bsf:v", "dump_extra=freq=keyframe",
            "-f", "rtp", "-payload_type", "96", "-pkt_size", "1200",
            string.Create(CultureInfo.InvariantCulture, $"rtp://127.0.0.1:{port}"),
        })
        {
            info.ArgumentList.Add(argument);
        }

        return info;
    }

    private static int FirstNalType(byte[] packet, out ReadOnlySpan<byte> payload)
    {
        RtpHeader.TryRead(packet, out RtpHeader header).Should().BeTrue();
        payload = packet.AsSpan(header.HeaderLength, header.PayloadLength);
        return payload[0] & 0x1F;
    }

    private static bool StartsWithSps(byte[] packet)
    {
        int type = FirstNalType(packet, out ReadOnlySpan<byte> payload);
        return type == 7 || (type == 24 && payload.Length > 3 && (payload[3] & 0x1F) == 7);
    }

    private static bool IsParameterSetsOnly(byte[] packet)
    {
        int type = FirstNalType(packet, out ReadOnlySpan<byte> payload);
        if (type is 7 or 8)
        {
            return true;
        }

        if (type != 24)
        {
            return false;
        }

        for (ReadOnlySpan<byte> rest = payload[1..]; rest.Length > 2;)
        {
            int size = (rest[0] << 8) | rest[1];
            if ((rest[2] & 0x1F) is not (7 or 8))
            {
                return false;
            }

            rest = rest[Math.Min(rest.Length, 2 + size)..];
        }

        return true;
    }
}
