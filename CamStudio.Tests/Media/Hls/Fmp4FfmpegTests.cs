using System.Text.Json;
using CamStudio.Media.Hls;
using CamStudio.Tests.Infrastructure;

namespace CamStudio.Tests.Media.Hls;

/// <summary>
/// Real parts: x264 (through FFmpeg) encodes the access units, the muxer writes init + 1 s fragments, and FFmpeg's own
/// MP4 demuxer and H.264 decoder judge the file. Guards against boxes that only our own reader understands.
/// </summary>
public sealed class Fmp4FfmpegTests : IDisposable
{
    private const int FramesPerSecond = 25;
    private const int Seconds = 4;
    private const int FrameCount = FramesPerSecond * Seconds;
    private const long FrameTicks = Fmp4InitSegment.Timescale / FramesPerSecond; // 3600
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("camstudio-fmp4-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public async Task X264AccessUnits_MuxedIntoOneSecondFragments_ProbeAndDecodeCleanlyInFfmpeg()
    {
        string elementary = Path.Combine(_directory.FullName, "input.h264");
        string mp4 = Path.Combine(_directory.FullName, "fragmented.mp4");
        string probe = Path.Combine(_directory.FullName, "probe.json");

        // aud=1 marks every access unit; scenecut=0 keeps IDRs exactly every 25 frames (testsrc2 could trigger one).
        await RunCleanAsync("ffmpeg",
        [
            "-v", "error", "-nostdin", "-f", "lavfi", "-i", $"testsrc2=size=640x360:rate={FramesPerSecond}",
            "-t", Seconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-c:v", "libx264", "-profile:v", "high", "-pix_fmt", "yuv420p", "-g", "25", "-bf", "0",
            "-x264-params", "aud=1:scenecut=0", "-f", "h264", "-y", elementary,
        ]);
        byte[] stream = await File.ReadAllBytesAsync(elementary);
        List<VideoAccessUnit> units = SplitAtAccessUnitDelimiters(stream);
        units.Should().HaveCount(FrameCount);
        units.Select((u, i) => u.IsKeyFrame == (i % FramesPerSecond == 0)).Should().AllBeEquivalentTo(true,
            "x264 was asked for an IDR every 25 frames and nowhere else");

        await File.WriteAllBytesAsync(mp4, Mux(units, stream));

        await RunCleanAsync("ffprobe", ["-v", "error", "-show_streams", "-show_frames", "-of", "json", "-o", probe, mp4]);
        using JsonDocument json = JsonDocument.Parse(await File.ReadAllBytesAsync(probe));
        JsonElement video = json.RootElement.GetProperty("streams")[0];
        video.GetProperty("codec_name").GetString().Should().Be("h264");
        video.GetProperty("width").GetInt32().Should().Be(640);
        video.GetProperty("height").GetInt32().Should().Be(360);
        video.GetProperty("time_base").GetString().Should().Be("1/90000");

        JsonElement[] frames = [.. json.RootElement.GetProperty("frames").EnumerateArray()];
        frames.Should().HaveCount(FrameCount);
        frames.Select(f => f.GetProperty("pts").GetInt64()).Should().Equal(
            Enumerable.Range(0, FrameCount).Select(i => i * FrameTicks), "pts rise by exactly 90 kHz / 25 fps");
        frames.Select((f, i) => (Index: i, Key: f.GetProperty("key_frame").GetInt32() == 1))
            .Where(f => f.Key).Select(f => f.Index)
            .Should().Equal([0, 25, 50, 75], "key frames sit exactly at the fragment starts");

        // Packet durations come from the trun sample durations (ffprobe's packet key flags would not prove anything:
        // FFmpeg's H.264 parser sets them from the slices, whatever the container says).
        string packetProbe = Path.Combine(_directory.FullName, "packets.json");
        await RunCleanAsync("ffprobe", ["-v", "error", "-show_packets", "-of", "json", "-o", packetProbe, mp4]);
        using JsonDocument packetJson = JsonDocument.Parse(await File.ReadAllBytesAsync(packetProbe));
        JsonElement[] packets = [.. packetJson.RootElement.GetProperty("packets").EnumerateArray()];
        packets.Should().HaveCount(FrameCount);
        packets.Select(p => p.GetProperty("duration").GetInt64()).Should().AllBeEquivalentTo(FrameTicks);
        SyncSampleIndexes(await File.ReadAllBytesAsync(mp4)).Should().Equal([0, 25, 50, 75],
            "the trun marks exactly the IDRs as sync samples");

        await RunCleanAsync("ffmpeg", ["-v", "error", "-nostdin", "-i", mp4, "-f", "null", "-"]);

        // The pictures are bit-exact: decoding the fragmented file gives the same frames as decoding the input.
        string fromElementary = await RunCleanAsync("ffmpeg", ["-v", "error", "-nostdin", "-i", elementary, "-f", "md5", "-"]);
        string fromMp4 = await RunCleanAsync("ffmpeg", ["-v", "error", "-nostdin", "-i", mp4, "-f", "md5", "-"]);
        fromMp4.Should().StartWith("MD5=").And.Be(fromElementary);
    }

    /// <summary>Indexes (over the whole file) of the samples whose trun flags say sync (§8.8.3.1 is_non_sync_sample = 0).</summary>
    private static List<int> SyncSampleIndexes(byte[] file)
    {
        var sync = new List<int>();
        int sample = 0;
        foreach (Mp4Box moof in Mp4Boxes.Children(file, 0, file.Length).Where(b => b.Type == "moof"))
        {
            Mp4Box traf = Mp4Boxes.Children(file, moof.PayloadOffset, moof.End).Single(b => b.Type == "traf");
            Mp4Box trun = Mp4Boxes.Children(file, traf.PayloadOffset, traf.End).Single(b => b.Type == "trun");
            Mp4Boxes.UInt32(file, trun.PayloadOffset).Should().Be(0x00000701u, "every field per sample");
            int count = (int)Mp4Boxes.UInt32(file, trun.PayloadOffset + 4);
            for (int i = 0; i < count; i++, sample++)
            {
                uint flags = Mp4Boxes.UInt32(file, trun.PayloadOffset + 12 + (i * 12) + 8);
                if ((flags & 0x0001_0000) == 0)
                {
                    sync.Add(sample);
                }
            }
        }

        return sync;
    }

    /// <summary>Init segment then one fragment per second (each starts at an IDR), as a single playable file.</summary>
    private static byte[] Mux(List<VideoAccessUnit> units, byte[] stream)
    {
        (byte[] sps, byte[] pps) = ParameterSets(stream);
        using var file = new MemoryStream();
        byte[] init = new byte[Fmp4InitSegment.GetByteCount(sps.Length, pps.Length)];
        Fmp4InitSegment.TryWrite(init, sps, pps, out int initLength).Should().BeTrue();
        file.Write(init, 0, initLength);

        VideoAccessUnit[] all = [.. units];
        for (int start = 0; start < all.Length; start += FramesPerSecond)
        {
            ReadOnlySpan<VideoAccessUnit> fragment = all.AsSpan(start, Math.Min(FramesPerSecond, all.Length - start));
            long end = start + fragment.Length < all.Length ? all[start + fragment.Length].DecodeTime : all[^1].DecodeTime + FrameTicks;
            byte[] buffer = new byte[Fmp4Fragment.GetByteCount(fragment)];
            uint sequence = (uint)(start / FramesPerSecond) + 1;
            Fmp4Fragment.TryWrite(buffer, sequence, fragment, end, out int written).Should().BeTrue();
            written.Should().Be(buffer.Length);
            file.Write(buffer, 0, written);
        }

        return file.ToArray();
    }

    /// <summary>
    /// Independent of the muxer's own Annex-B reader: an access unit runs from one AUD's start code (3 or 4 bytes) to the
    /// next; it is a key frame when it holds an IDR slice (NAL type 5).
    /// </summary>
    internal static List<VideoAccessUnit> SplitAtAccessUnitDelimiters(byte[] stream)
    {
        var starts = new List<int>();
        for (int i = 0; i + 3 < stream.Length; i++)
        {
            if (stream[i] == 0 && stream[i + 1] == 0 && stream[i + 2] == 1 && (stream[i + 3] & 0x1F) == 9)
            {
                starts.Add(i > 0 && stream[i - 1] == 0 ? i - 1 : i);
            }
        }

        starts[0].Should().Be(0, "x264 starts the stream with an AUD");
        var units = new List<VideoAccessUnit>();
        for (int n = 0; n < starts.Count; n++)
        {
            int end = n + 1 < starts.Count ? starts[n + 1] : stream.Length;
            var bytes = new ReadOnlyMemory<byte>(stream, starts[n], end - starts[n]);
            units.Add(new VideoAccessUnit(bytes, n * FrameTicks, ContainsNalType(bytes.Span, 5)));
        }

        return units;
    }

    private static bool ContainsNalType(ReadOnlySpan<byte> data, int type)
    {
        for (int i = 0; i + 3 < data.Length; i++)
        {
            if (data[i] == 0 && data[i + 1] == 0 && data[i + 2] == 1 && (data[i + 3] & 0x1F) == type)
            {
                return true;
            }
        }

        return false;
    }

    internal static (byte[] Sps, byte[] Pps) ParameterSets(byte[] stream)
    {
        byte[]? sps = null, pps = null;
        ReadOnlySpan<byte> rest = stream;
        while ((sps is null || pps is null) && AnnexB.TryReadNal(ref rest, out ReadOnlySpan<byte> nal))
        {
            int type = nal[0] & 0x1F;
            if (type == AnnexB.TypeSps)
            {
                sps ??= nal.ToArray();
            }
            else if (type == AnnexB.TypePps)
            {
                pps ??= nal.ToArray();
            }
        }

        sps.Should().NotBeNull();
        pps.Should().NotBeNull();
        return (sps!, pps!);
    }

    /// <summary>Runs a tool to completion; it must exit 0 and write nothing to stderr. Returns its stdout.</summary>
    internal static async Task<string> RunCleanAsync(string tool, string[] arguments)
    {
        (int exitCode, string output) = await ChildProcess.RunAsync(tool, arguments, s_timeout, CancellationToken.None);
        exitCode.Should().Be(0, output);
        output.Split('\n').Should().NotContain(line => line.StartsWith("! ", StringComparison.Ordinal), "stderr must be empty");
        return output;
    }
}
