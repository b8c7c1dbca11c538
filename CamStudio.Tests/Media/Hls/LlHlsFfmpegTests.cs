using System.Text.Json;
using CamStudio.Media.Hls;

namespace CamStudio.Tests.Media.Hls;

/// <summary>
/// Real parts: x264 access units muxed into 0.2 s parts, kept by <see cref="HlsPartStore"/>, written out with the
/// playlist exactly as <see cref="LlHlsPlaylistWriter"/> makes it (plus EXT-X-ENDLIST so FFmpeg reads it from the start
/// as a finished presentation), and FFmpeg's HLS demuxer must play it through without a complaint.
/// </summary>
public sealed class LlHlsFfmpegTests : IDisposable
{
    private const int FramesPerSecond = 25;
    private const int FramesPerPart = 5;
    private const long FrameTicks = HlsPartStoreOptions.Clock / FramesPerSecond;

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("camstudio-llhls-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public async Task X264Parts_ThroughTheStoreAndThePlaylist_PlayCleanlyInFfmpeg()
    {
        string elementary = Path.Combine(_directory.FullName, "input.h264");
        await Fmp4FfmpegTests.RunCleanAsync("ffmpeg",
        [
            "-v", "error", "-nostdin", "-f", "lavfi", "-i", $"testsrc2=size=640x360:rate={FramesPerSecond}", "-t", "4",
            "-c:v", "libx264", "-profile:v", "high", "-pix_fmt", "yuv420p", "-g", "25", "-bf", "0",
            "-x264-params", "aud=1:scenecut=0", "-f", "h264", "-y", elementary,
        ]);
        byte[] stream = await File.ReadAllBytesAsync(elementary);
        VideoAccessUnit[] units = [.. Fmp4FfmpegTests.SplitAtAccessUnitDelimiters(stream)];
        (byte[] sps, byte[] pps) = Fmp4FfmpegTests.ParameterSets(stream);

        var clock = new ManualTimeProvider();
        using var store = new HlsPartStore(
            new HlsPartStoreOptions
            {
                TargetDurationSeconds = 2,
                SegmentDuration = HlsPartStoreOptions.Clock,
                PartTarget = FramesPerPart * FrameTicks,
            },
            clock);
        byte[] init = new byte[Fmp4InitSegment.GetByteCount(sps.Length, pps.Length)];
        Fmp4InitSegment.TryWrite(init, sps, pps, out int initLength).Should().BeTrue();
        store.SetInitSegment(init.AsSpan(0, initLength));
        for (int start = 0; start < units.Length; start += FramesPerPart)
        {
            ReadOnlySpan<VideoAccessUnit> part = units.AsSpan(start, FramesPerPart);
            long end = units[start].DecodeTime + (FramesPerPart * FrameTicks);
            byte[] buffer = new byte[Fmp4Fragment.GetByteCount(part)];
            Fmp4Fragment.TryWrite(buffer, (uint)(start / FramesPerPart) + 1, part, end, out int written).Should().BeTrue();
            clock.Advance(TimeSpan.FromMilliseconds(200));
            store.AppendPart(buffer.AsSpan(0, written), end - units[start].DecodeTime, part[0].IsKeyFrame).Should().BeTrue();
        }

        HlsPlaylistSnapshot snapshot = store.Snapshot();
        snapshot.Segments.Select(s => s.Msn).Should().Equal(0, 1, 2);
        snapshot.OpenParts.Should().HaveCount(5, "the fourth second waits for the IDR that would close it");
        await WriteFilesAsync(store, snapshot);

        // The playlist as served, finished with an ENDLIST: FFmpeg 5.1 ignores the LL-HLS tags and plays the segments.
        string playlist = Path.Combine(_directory.FullName, "playlist.m3u8");
        await File.WriteAllTextAsync(playlist, LlHlsPlaylistWriter.Write(snapshot, includeProgramDateTime: true) + "#EXT-X-ENDLIST\n");
        await Fmp4FfmpegTests.RunCleanAsync("ffmpeg", ["-v", "error", "-nostdin", "-i", playlist, "-f", "null", "-"]);

        string probe = Path.Combine(_directory.FullName, "probe.json");
        await Fmp4FfmpegTests.RunCleanAsync("ffprobe",
            ["-v", "error", "-count_frames", "-show_streams", "-of", "json", "-o", probe, playlist]);
        using JsonDocument json = JsonDocument.Parse(await File.ReadAllBytesAsync(probe));
        JsonElement video = json.RootElement.GetProperty("streams")[0];
        video.GetProperty("codec_name").GetString().Should().Be("h264");
        video.GetProperty("nb_read_frames").GetString().Should().Be("75", "three complete one-second segments");

        // Each part is playable on its own after the init segment, as an LL-HLS client appends them.
        string partFile = Path.Combine(_directory.FullName, "init-and-part.mp4");
        store.TryGetPart(3, 2, out HlsPart lastOpenPart).Should().BeTrue();
        await File.WriteAllBytesAsync(partFile, [.. init.AsSpan(0, initLength), .. lastOpenPart.Data.Span]);
        await Fmp4FfmpegTests.RunCleanAsync("ffmpeg", ["-v", "error", "-nostdin", "-i", partFile, "-f", "null", "-"]);
    }

    private async Task WriteFilesAsync(HlsPartStore store, HlsPlaylistSnapshot snapshot)
    {
        store.TryGetInitSegment(out ReadOnlyMemory<byte> init).Should().BeTrue();
        await File.WriteAllBytesAsync(Path.Combine(_directory.FullName, HlsResourceNames.InitName), init.ToArray());
        foreach (HlsSegment segment in snapshot.Segments)
        {
            await using FileStream file = File.Create(Path.Combine(_directory.FullName, HlsResourceNames.SegmentName(segment.Msn)));
            for (int i = 0; i < segment.Parts.Count; i++)
            {
                await file.WriteAsync(segment.Parts[i].Data);
                await File.WriteAllBytesAsync(
                    Path.Combine(_directory.FullName, HlsResourceNames.PartName(segment.Msn, i)), segment.Parts[i].Data.ToArray());
            }

            file.Length.Should().Be(segment.ByteCount);
        }

        for (int i = 0; i < snapshot.OpenParts.Count; i++)
        {
            await File.WriteAllBytesAsync(
                Path.Combine(_directory.FullName, HlsResourceNames.PartName(snapshot.OpenMsn, i)), snapshot.OpenParts[i].Data.ToArray());
        }
    }
}
