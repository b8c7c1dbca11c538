using System.Text.Json;
using CamStudio.Media.Hls;
using CamStudio.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace CamStudio.Tests.Media.Hls;

/// <summary>
/// Real parts: x264 encodes 6 s, the test packetizes every access unit into RTP as FFmpeg's muxer would (STAP-A for the
/// parameter sets, FU-A for big slices, timestamps crossing the 32-bit wrap), <see cref="HlsPackager"/> makes the parts,
/// and FFmpeg decodes init + the complete segments: every frame, at the right time, bit-exact.
/// </summary>
public sealed class HlsPackagerFfmpegTests : IDisposable
{
    private const int FramesPerSecond = 25;
    private const int KeyInterval = 50;
    private const long FrameTicks = HlsPartStoreOptions.Clock / FramesPerSecond;

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("camstudio-hlsfeed-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public async Task X264OverRtp_ThroughThePackager_DecodesEveryFrameOfTheCompleteSegmentsWithExactTimestamps()
    {
        string elementary = Path.Combine(_directory.FullName, "input.h264");
        await Fmp4FfmpegTests.RunCleanAsync("ffmpeg",
        [
            "-v", "error", "-nostdin", "-f", "lavfi", "-i", $"testsrc2=size=640x360:rate={FramesPerSecond}", "-t", "6",
            "-c:v", "libx264", "-profile:v", "high", "-pix_fmt", "yuv420p", "-g", $"{KeyInterval}", "-bf", "0",
            "-x264-params", "aud=1:scenecut=0", "-f", "h264", "-y", elementary,
        ]);
        byte[] stream = await File.ReadAllBytesAsync(elementary);
        List<VideoAccessUnit> units = Fmp4FfmpegTests.SplitAtAccessUnitDelimiters(stream);
        units.Should().HaveCount(150);

        using var packager = new HlsPackager(new HlsPartStoreOptions(), new ManualTimeProvider(), NullLogger<HlsPackager>.Instance, "cam-1");
        var packetizer = new H264RtpPacketizer(0x5EED, firstSequenceNumber: 65_000);
        const uint firstTimestamp = 0xFFFD_0000; // wraps after ~55 frames
        int fragmented = 0;
        for (int n = 0; n < units.Count; n++)
        {
            List<RtpTestPacket> packets = packetizer.AccessUnit(unchecked(firstTimestamp + (uint)(n * FrameTicks)), units[n].AnnexB.Span);
            fragmented += packets.Count(p => (p.Bytes[12] & 0x1F) == 28);
            H264RtpPacketizer.Feed(packager, packets);
        }

        fragmented.Should().BeGreaterThan(0, "the IDRs are bigger than one packet, so FU-A is exercised");
        packager.Problem.Should().BeNull();
        HlsPartStore store = packager.Store!;
        HlsPlaylistSnapshot snapshot = store.Snapshot();
        snapshot.Segments.Should().HaveCount(2, "segments close at the IDRs of frames 50 and 100; the third waits for frame 150");
        snapshot.Segments.SelectMany(s => s.Parts).Concat(snapshot.OpenParts)
            .Should().OnlyContain(p => p.Duration <= store.Options.PartTarget);
        snapshot.Segments.Should().OnlyContain(s => s.Parts[0].Independent && s.Duration == KeyInterval * FrameTicks);

        string mp4 = Path.Combine(_directory.FullName, "segments.mp4");
        store.TryGetInitSegment(out ReadOnlyMemory<byte> init).Should().BeTrue();
        await using (FileStream file = File.Create(mp4))
        {
            await file.WriteAsync(init);
            foreach (HlsPart part in snapshot.Segments.SelectMany(s => s.Parts))
            {
                await file.WriteAsync(part.Data);
            }
        }

        const int frames = 2 * KeyInterval;
        string probe = Path.Combine(_directory.FullName, "probe.json");
        await Fmp4FfmpegTests.RunCleanAsync("ffprobe", ["-v", "error", "-show_frames", "-of", "json", "-o", probe, mp4]);
        using JsonDocument json = JsonDocument.Parse(await File.ReadAllBytesAsync(probe));
        JsonElement[] decoded = [.. json.RootElement.GetProperty("frames").EnumerateArray()];
        decoded.Should().HaveCount(frames);
        decoded.Select(f => f.GetProperty("pts").GetInt64()).Should().Equal(
            Enumerable.Range(0, frames).Select(i => i * FrameTicks), "decode times start at 0 and step 3600 across the RTP wrap");
        decoded.Select((f, i) => (Index: i, Key: f.GetProperty("key_frame").GetInt32() == 1)).Where(f => f.Key).Select(f => f.Index)
            .Should().Equal(0, KeyInterval);

        // Bit-exact: the same pictures as decoding the first 100 frames of the elementary stream.
        string fromElementary = await Fmp4FfmpegTests.RunCleanAsync("ffmpeg",
            ["-v", "error", "-nostdin", "-i", elementary, "-frames:v", $"{frames}", "-f", "md5", "-"]);
        string fromParts = await Fmp4FfmpegTests.RunCleanAsync("ffmpeg", ["-v", "error", "-nostdin", "-i", mp4, "-f", "md5", "-"]);
        fromParts.Should().StartWith("MD5=").And.Be(fromElementary);
    }
}
