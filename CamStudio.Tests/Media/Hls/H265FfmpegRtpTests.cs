using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using CamStudio.Media.Hls;
using CamStudio.Media.Rtp;
using CamStudio.Media.Video;
using CamStudio.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace CamStudio.Tests.Media.Hls;

/// <summary>
/// Real parts for H.265: libx265 encodes a test pattern to an Annex-B file; one FFmpeg then copies that stream, with the
/// camera pipeline's <c>-bsf:v dump_extra=freq=keyframe</c>, both to a reference .hevc file and as RFC 7798 RTP
/// (<c>-pkt_size 1200</c>) to a UDP port on 127.0.0.1 that the test binds. The depacketizer must give back every access
/// unit of the reference bit for bit, and the packager's init + parts must be an 'hvc1' track ffprobe reads cleanly.
/// </summary>
public sealed class H265FfmpegRtpTests(H265FfmpegRtpTests.Capture capture) : IClassFixture<H265FfmpegRtpTests.Capture>
{
    private const int FramesPerSecond = 25;
    private const int KeyInterval = 25;
    private const int Seconds = 6;
    private const long FrameTicks = HlsPartStoreOptions.Clock / FramesPerSecond;

    [Fact]
    public void FfmpegRfc7798Rtp_Depacketized_ReproducesEveryAccessUnitOfTheSameStreamBitForBit()
    {
        (List<byte[]> packets, byte[] reference) = (capture.Packets, capture.Reference);
        List<List<byte[]>> expected = SplitAccessUnits(reference);
        expected.Should().HaveCount(Seconds * FramesPerSecond);

        int aggregations = packets.Count(p => PayloadType(p) == H265NalUnit.TypeAggregation);
        int fragments = packets.Count(p => PayloadType(p) == H265NalUnit.TypeFragmentation);
        fragments.Should().BePositive("pictures bigger than 1200 bytes are fragmented");
        aggregations.Should().BePositive("FFmpeg aggregates the parameter sets");

        var sink = new RecordingAccessUnitSink();
        var depacketizer = new H265RtpDepacketizer(sink);
        foreach (byte[] packet in packets)
        {
            depacketizer.Push(packet, Info(packet));
        }

        depacketizer.LostPackets.Should().Be(0, "loopback with a paced sender loses nothing");
        depacketizer.DroppedAccessUnits.Should().Be(0);
        sink.Units.Should().HaveCount(expected.Count);
        for (int n = 0; n < expected.Count; n++)
        {
            NalUnits(sink.Units[n].AnnexB).Should().BeEquivalentTo(expected[n], o => o.WithStrictOrdering(), $"access unit {n}");
            sink.Units[n].IsKeyFrame.Should().Be(n % KeyInterval == 0, $"x265 makes an IRAP picture every {KeyInterval} frames");
        }

        sink.Units.Select(u => u.Timestamp).Should().BeInAscendingOrder();
    }

    [Fact]
    public async Task FfmpegRfc7798Rtp_ThroughThePackager_IsAnHvc1TrackFfprobeReads_WithKeyFramesAtSegmentStarts()
    {
        List<byte[]> packets = capture.Packets;
        using var packager = new HlsPackager(new HlsPartStoreOptions(), new ManualTimeProvider(), NullLogger<HlsPackager>.Instance, "cam-265");
        foreach (byte[] packet in packets)
        {
            packager.OnPacket(packet, Info(packet));
        }

        packager.Problem.Should().BeNull();
        packager.CodecsAttribute.Should().Be("hvc1.1.6.L63.90", "Main, level 2.1, progressive source flag set (as ffprobe says)");
        HlsPartStore store = packager.Store!;
        HlsPlaylistSnapshot snapshot = store.Snapshot();
        snapshot.Segments.Should().HaveCountGreaterThanOrEqualTo(2);
        snapshot.Segments.Should().OnlyContain(s => s.Parts[0].Independent, "every segment starts at an IRAP picture");
        snapshot.Segments.SelectMany(s => s.Parts).Should().OnlyContain(p => p.Duration <= store.Options.PartTarget);

        string mp4 = Path.Combine(capture.Directory.FullName, "segments.mp4");
        store.TryGetInitSegment(out ReadOnlyMemory<byte> init).Should().BeTrue();
        var segmentStarts = new List<int>();
        int frames = 0;
        await using (FileStream file = File.Create(mp4))
        {
            await file.WriteAsync(init);
            foreach (HlsSegment segment in snapshot.Segments)
            {
                segmentStarts.Add(frames);
                frames += (int)(segment.Duration / FrameTicks);
                foreach (HlsPart part in segment.Parts)
                {
                    await file.WriteAsync(part.Data);
                }
            }
        }

        string probe = Path.Combine(capture.Directory.FullName, "probe.json");
        await Fmp4FfmpegTests.RunCleanAsync("ffprobe", ["-v", "error", "-show_streams", "-show_frames", "-of", "json", "-o", probe, mp4]);
        using JsonDocument json = JsonDocument.Parse(await File.ReadAllBytesAsync(probe));
        JsonElement video = json.RootElement.GetProperty("streams")[0];
        video.GetProperty("codec_name").GetString().Should().Be("hevc");
        video.GetProperty("codec_tag_string").GetString().Should().Be("hvc1");
        video.GetProperty("profile").GetString().Should().Be("Main");
        video.GetProperty("width").GetInt32().Should().Be(640);
        video.GetProperty("height").GetInt32().Should().Be(360);

        JsonElement[] decoded = [.. json.RootElement.GetProperty("frames").EnumerateArray()];
        decoded.Should().HaveCount(frames, "every picture of the complete segments decodes");
        decoded.Select(f => f.GetProperty("pts").GetInt64()).Should().Equal(
            Enumerable.Range(0, frames).Select(i => i * FrameTicks), "timestamps start at 0 and rise by one frame");
        decoded.Select((f, i) => (Index: i, Key: f.GetProperty("key_frame").GetInt32() == 1)).Where(f => f.Key).Select(f => f.Index)
            .Should().Contain(segmentStarts, "each segment begins with a key frame");

        // Bit-exact: the same pictures as decoding the first frames of the stream FFmpeg sent.
        string fromReference = await Fmp4FfmpegTests.RunCleanAsync("ffmpeg",
            ["-v", "error", "-nostdin", "-i", capture.ReferencePath, "-frames:v", $"{frames}", "-f", "md5", "-"]);
        string fromParts = await Fmp4FfmpegTests.RunCleanAsync("ffmpeg", ["-v", "error", "-nostdin", "-i", mp4, "-f", "md5", "-"]);
        fromParts.Should().StartWith("MD5=").And.Be(fromReference);
    }

    private static VideoPacketInfo Info(byte[] packet)
    {
        RtpHeader.TryRead(packet, out RtpHeader header).Should().BeTrue();
        return new VideoPacketInfo(false, header.Marker, false, header.Timestamp, header.Ssrc, header.SequenceNumber, VideoCodec.H265);
    }

    private static int PayloadType(byte[] packet)
    {
        RtpHeader.TryRead(packet, out RtpHeader header).Should().BeTrue();
        return H265NalUnit.TypeOf(packet.AsSpan(header.HeaderLength, header.PayloadLength));
    }

    /// <summary>
    /// Splits an Annex-B H.265 stream into access units by H.265 §7.4.2.4.4, independently of the depacketizer: after a
    /// picture's slices, a VPS/SPS/PPS/AUD/prefix SEI or a slice with first_slice_segment_in_pic_flag starts the next.
    /// </summary>
    internal static List<List<byte[]>> SplitAccessUnits(byte[] stream)
    {
        var units = new List<List<byte[]>>();
        List<byte[]>? current = null;
        bool hasPicture = false;
        ReadOnlySpan<byte> rest = stream;
        while (CamStudio.Media.Hls.AnnexB.TryReadNal(ref rest, out ReadOnlySpan<byte> nal))
        {
            int type = H265NalUnit.TypeOf(nal);
            bool vcl = H265NalUnit.IsVcl(type);
            bool startsUnit = vcl ? (nal[2] & 0x80) != 0 : type is 32 or 33 or 34 or 35 or 39 or (>= 41 and <= 44) or (>= 48 and <= 55);
            if (current is null || (hasPicture && startsUnit))
            {
                current = [];
                units.Add(current);
                hasPicture = false;
            }

            current.Add(nal.ToArray());
            hasPicture |= vcl;
        }

        return units;
    }

    private static List<byte[]> NalUnits(byte[] annexB)
    {
        var nals = new List<byte[]>();
        ReadOnlySpan<byte> rest = annexB;
        while (CamStudio.Media.Hls.AnnexB.TryReadNal(ref rest, out ReadOnlySpan<byte> nal))
        {
            nals.Add(nal.ToArray());
        }

        return nals;
    }

    /// <summary>One encode and one RTP capture shared by the tests of this class (FFmpeg runs take seconds).</summary>
    public sealed class Capture : IAsyncLifetime
    {
        public DirectoryInfo Directory { get; } = System.IO.Directory.CreateTempSubdirectory("camstudio-hevc-");

        public List<byte[]> Packets { get; private set; } = [];

        public byte[] Reference { get; private set; } = [];

        public string ReferencePath => Path.Combine(Directory.FullName, "reference.hevc");

        public async Task InitializeAsync() => (Packets, Reference) = await CaptureAsync(Directory);

        public Task DisposeAsync()
        {
            Directory.Delete(recursive: true);
            return Task.CompletedTask;
        }

        /// <summary>Encodes, then sends the copy as RTP to a bound loopback port while writing the same packets to a file.</summary>
        private static async Task<(List<byte[]> Packets, byte[] Reference)> CaptureAsync(DirectoryInfo directory)
        {
            string encoded = Path.Combine(directory.FullName, "encoded.hevc");
            string reference = Path.Combine(directory.FullName, "reference.hevc");
            await Fmp4FfmpegTests.RunCleanAsync("ffmpeg",
            [
                "-v", "error", "-nostdin", "-f", "lavfi", "-i", $"testsrc2=size=640x360:rate={FramesPerSecond}",
                "-t", Seconds.ToString(CultureInfo.InvariantCulture), "-pix_fmt", "yuv420p", "-c:v", "libx265",
                "-x265-params", $"keyint={KeyInterval}:min-keyint={KeyInterval}:bframes=0:scenecut=0:log-level=error",
                "-f", "hevc", "-y", encoded,
            ]);

            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            socket.ReceiveBufferSize = 4 * 1024 * 1024; // the kernel caps it; as much room as it gives for a stalled test host
            socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            int port = ((IPEndPoint)socket.LocalEndPoint!).Port;
            var packets = new List<byte[]>();
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            Task receiving = ReceiveAsync(socket, packets, stop.Token);

            // -readrate paces the file like a camera at twice its speed, so the socket buffer does not overflow while a loaded
            // test host is slow to read (an unpaced copy lost packets here).
            await Fmp4FfmpegTests.RunCleanAsync("ffmpeg",
            [
                "-v", "error", "-nostdin", "-readrate", "2", "-i", encoded, "-map", "0:v", "-c:v", "copy",
                "-bsf:v", "dump_extra=freq=keyframe", "-f", "hevc", "-y", reference,
                "-map", "0:v", "-c:v", "copy", "-bsf:v", "dump_extra=freq=keyframe",
                "-f", "rtp", "-payload_type", "96", "-pkt_size", "1200", $"rtp://127.0.0.1:{port}",
            ]);

            // FFmpeg has exited, so every datagram it sent is already queued on the socket: read until the queue is empty.
            await WaitUntilDrainedAsync(socket, stop.Token);
            await stop.CancelAsync();
            await receiving;
            byte[] referenceBytes = await File.ReadAllBytesAsync(reference);
            lock (packets)
            {
                return ([.. packets], referenceBytes);
            }
        }

        private static async Task ReceiveAsync(Socket socket, List<byte[]> packets, CancellationToken cancellationToken)
        {
            byte[] buffer = new byte[2048];
            try
            {
                while (true)
                {
                    int received = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
                    lock (packets)
                    {
                        packets.Add(buffer.AsSpan(0, received).ToArray());
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // The test has read everything.
            }
        }

        private static async Task WaitUntilDrainedAsync(Socket socket, CancellationToken cancellationToken)
        {
            while (socket.Available > 0)
            {
                await Task.Yield();
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
    }
}
