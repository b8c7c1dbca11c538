using CamStudio.Media.Hls;
using CamStudio.Media.Video;
using CamStudio.Tests.Infrastructure;
using CamStudio.Tests.Media.Streaming;
using CamStudio.Tests.Media.Video;
using Microsoft.Extensions.Logging.Abstractions;

namespace CamStudio.Tests.Media.Hls;

/// <summary>The packager with H.265 RTP (hand-built, RFC 7798 single NAL unit and AP packets) and codec changes.</summary>
public sealed class HlsPackagerH265Tests : IDisposable
{
    private const long FrameTicks = 3600; // 25 fps
    private static readonly byte[] s_vps = Convert.FromHexString(H265SpsParserTests.Vps640x360);
    private static readonly byte[] s_sps = Convert.FromHexString(H265SpsParserTests.Sps640x360);
    private static readonly byte[] s_pps = Convert.FromHexString(H265SpsParserTests.Pps640x360);

    // libx265 1080p with bframes=3: its SPS says sps_max_num_reorder_pics = 2.
    private static readonly byte[] s_vpsWithBFrames = Convert.FromHexString("40010c01ffff016000000300900000030000030078959409");
    private static readonly byte[] s_spsWithBFrames = Convert.FromHexString(
        "420101016000000300900000030000030078a003c08010e596565924caf0168080000003008000000c84");

    private readonly HlsPackager _packager =
        new(new HlsPartStoreOptions(), new ManualTimeProvider(), NullLogger<HlsPackager>.Instance, "cam-265");

    private ushort _sequence = 500;

    public void Dispose() => _packager.Dispose();

    private static byte[] Slice(int type, int n) => [(byte)(type << 1), 0x01, 0xAF, (byte)n, (byte)(n >> 8), 0x42];

    private void Send(uint ssrc, uint timestamp, VideoCodec codec, params byte[][] payloads)
    {
        for (int i = 0; i < payloads.Length; i++)
        {
            bool marker = i == payloads.Length - 1;
            ushort sequence = _sequence++;
            byte[] packet = H264RtpPacketizer.Rtp(sequence, timestamp, ssrc, marker, payloads[i]);
            _packager.OnPacket(packet, new VideoPacketInfo(i == 0, marker, false, timestamp, ssrc, sequence, codec));
        }
    }

    private static byte[] Aggregation(params byte[][] nals) =>
        [H265NalUnit.TypeAggregation << 1, 0x01, .. nals.SelectMany(n => (byte[])[(byte)(n.Length >> 8), (byte)n.Length, .. n])];

    /// <summary>Frame n of an H.265 stream with an IDR (after an AP of VPS, SPS, PPS) every 25 frames.</summary>
    private void H265Frame(uint ssrc, int n, uint firstTimestamp = 0, byte[]? vps = null, byte[]? sps = null)
    {
        uint timestamp = unchecked(firstTimestamp + (uint)(n * FrameTicks));
        if (n % 25 == 0)
        {
            Send(ssrc, timestamp, VideoCodec.H265, Aggregation(vps ?? s_vps, sps ?? s_sps, s_pps), Slice(H265NalUnit.TypeIdrWRadl, n));
        }
        else
        {
            Send(ssrc, timestamp, VideoCodec.H265, Slice(1, n));
        }
    }

    [Fact]
    public void H265Stream_MakesAnHvc1Store_WithItsCodecsValue_AndIdrsStartIndependentParts()
    {
        for (int n = 0; n < 60; n++)
        {
            H265Frame(0x265, n);
        }

        _packager.Problem.Should().BeNull();
        _packager.CodecsAttribute.Should().Be("hvc1.1.6.L63.90");
        HlsPartStore store = _packager.Store!;
        store.TryGetInitSegment(out ReadOnlyMemory<byte> init).Should().BeTrue();
        byte[] initBytes = init.ToArray();
        Mp4Boxes.Tree(initBytes, initBytes.Length).Should().ContainKey("moov/trak/mdia/minf/stbl/stsd/hvc1/hvcC");
        HlsPlaylistSnapshot snapshot = store.Snapshot();
        snapshot.Segments.Should().ContainSingle("the segment closes at the IDR of frame 50");
        snapshot.Segments[0].Duration.Should().Be(50 * FrameTicks);
        snapshot.Segments[0].Parts[0].Independent.Should().BeTrue();
    }

    [Fact]
    public void SpsAllowingReordering_IsRefusedAsBFrames_BeforeAnyPart_AndANewSsrcWithoutItRecovers()
    {
        for (int n = 0; n < 30; n++)
        {
            H265Frame(0xB0, n, vps: s_vpsWithBFrames, sps: s_spsWithBFrames);
        }

        _packager.Problem.Should().Be(HlsPackager.BFramesProblem, "sps_max_num_reorder_pics = 2 means pictures may come out of order");
        _packager.Store.Should().BeNull();
        _packager.CodecsAttribute.Should().BeNull();

        for (int n = 0; n < 30; n++)
        {
            H265Frame(0xB1, n, firstTimestamp: 999); // FFmpeg restarted after the camera was set to send no B-frames
        }

        _packager.Problem.Should().BeNull();
        _packager.Store.Should().NotBeNull();
    }

    [Fact]
    public void CodecChange_H264ToH265_StartsANewGeneration_WithTheNewCodecsValue()
    {
        var h264 = new H264RtpPacketizer(0x264);
        for (int n = 0; n < 30; n++)
        {
            byte[][] nals = n % 25 == 0
                ? [H264NalTests.s_sps640x360, H264NalTests.s_pps, [0x65, 0x88, (byte)n, 0x42]]
                : [[0x41, 0x9A, (byte)n, 0x24]];
            H264RtpPacketizer.Feed(_packager, h264.AccessUnit((uint)(n * FrameTicks), nals));
        }

        _packager.CodecsAttribute.Should().StartWith("avc1.");
        HlsPartStore first = _packager.Store!;
        long generation = _packager.Generation;

        for (int n = 0; n < 30; n++)
        {
            H265Frame(0x265, n, firstTimestamp: 12345); // the camera was switched to H.265; FFmpeg restarted
        }

        _packager.Generation.Should().Be(generation + 1);
        _packager.Store.Should().NotBeSameAs(first);
        _packager.CodecsAttribute.Should().Be("hvc1.1.6.L63.90");
        _packager.Problem.Should().BeNull();
    }
}
