using System.Diagnostics;
using System.Globalization;
using System.Text;
using CamStudio.Media.Rtp;
using CamStudio.Media.Streaming;
using CamStudio.Media.Video;
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

            // Enough seconds that a loaded machine still streams while the test watches; 'q' ends it as the app does.
            await ffmpeg.StandardInput.WriteAsync('q');
            await ffmpeg.StandardInput.FlushAsync();
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

    [Fact]
    public async Task RealFfmpeg_H265_StatsFromSps_AndLateJoinerStartsAtAnIrapWithItsParameterSets()
    {
        using var cts = new CancellationTokenSource();
        await using var source = new VideoRtpSource(NullLogger<VideoRtpSource>.Instance, TimeProvider.System);
        source.SetCodec(VideoCodec.H265); // what CameraStream does when FFmpeg names its output "hevc"
        Task loop = source.RunAsync(cts.Token);
        using var early = new RecordingSink();
        using IDisposable earlySubscription = source.Subscribe(early);

        var stderr = new StringBuilder();
        using var ffmpeg = new Process { StartInfo = FfmpegStartInfo(source.Port, h265: true) };
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

            await early.WaitUntilAsync(() => source.Stats.Frames >= 110, TimeSpan.FromSeconds(30));
            VideoSourceStats stats = source.Stats;
            string because = $"stats {stats}, ffmpeg stderr: {stderr}";
            stats.Codec.Should().Be(VideoCodec.H265);
            stats.Width.Should().Be(640, because);
            stats.Height.Should().Be(360, because);
            stats.ProfileLevelId.Should().BeNull("profile-level-id is H.264's SDP parameter");
            stats.KeyFrameIntervalSeconds.Should().BeApproximately(2.0, 0.01, because);
            stats.KeyFrames.Should().BeGreaterThanOrEqualTo(2, because);

            using var late = new RecordingSink();
            using (source.Subscribe(late))
            {
                var cached = late.Snapshot();
                cached.Should().NotBeEmpty();
                cached[0].Info.IsKeyFrameStart.Should().BeTrue();
                cached[0].Info.Codec.Should().Be(VideoCodec.H265);
                FirstH265NalType(cached[0].Packet).Should().Be(H265NalUnit.TypeVps, "dump_extra puts VPS/SPS/PPS in front of every IRAP");
                cached.Should().Contain(p => IsIrap(p.Packet), "the cached GOP holds its IRAP picture");
                int lateCount = cached.Length;
                await late.WaitForCountAsync(lateCount + 20);
                late.Snapshot().Skip(lateCount).Should().AllSatisfy(p => p.Info.IsFromCache.Should().BeFalse());
            }

            early.Snapshot().Where(p => H265NalUnit.IsParameterSet(FirstH265NalType(p.Packet)) && p.Packet.Length < 200)
                .Should().AllSatisfy(p => (p.Packet[1] & 0x80).Should().Be(0, "a parameter-set packet never closes an access unit"));

            // Enough seconds that a loaded machine still streams while the test watches; 'q' ends it as the app does.
            await ffmpeg.StandardInput.WriteAsync('q');
            await ffmpeg.StandardInput.FlushAsync();
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

    private static int FirstH265NalType(byte[] packet)
    {
        RtpHeader.TryRead(packet, out RtpHeader header).Should().BeTrue();
        ReadOnlySpan<byte> payload = packet.AsSpan(header.HeaderLength, header.PayloadLength);
        int type = H265NalUnit.TypeOf(payload);
        // An aggregation packet names its first NAL after the payload header and the 16-bit size.
        return type == H265NalUnit.TypeAggregation && payload.Length > 5 ? H265NalUnit.TypeOf(payload[4..]) : type;
    }

    private static bool IsIrap(byte[] packet)
    {
        RtpHeader.TryRead(packet, out RtpHeader header).Should().BeTrue();
        ReadOnlySpan<byte> payload = packet.AsSpan(header.HeaderLength, header.PayloadLength);
        int type = H265NalUnit.TypeOf(payload);
        return H265NalUnit.IsIrap(type == H265NalUnit.TypeFragmentation && payload.Length > 2 ? payload[2] & 0x3F : type);
    }

    private static ProcessStartInfo FfmpegStartInfo(int port, bool h265 = false)
    {
        var info = new ProcessStartInfo("ffmpeg")
        {
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        string[] encoder = h265
            ? ["-c:v", "libx265", "-preset", "ultrafast", "-tune", "zerolatency",
                "-x265-params", "keyint=50:min-keyint=50:scenecut=0:bframes=0:log-level=error"]
            : ["-c:v", "libx264", "-profile:v", "high", "-g", "50"];
        string[] arguments =
        [
            "-hide_banner", "-loglevel", "error", "-re", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25", "-t", "60",
            .. encoder,
            "-bsf:v", "dump_extra=freq=keyframe",
            "-f", "rtp", "-payload_type", "96", "-pkt_size", "1200",
            string.Create(CultureInfo.InvariantCulture, $"rtp://127.0.0.1:{port}"),
        ];
        foreach (string argument in arguments)
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
