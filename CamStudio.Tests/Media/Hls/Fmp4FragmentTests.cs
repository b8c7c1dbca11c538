using CamStudio.Media.Hls;
using CamStudio.Tests.Media.Streaming;

namespace CamStudio.Tests.Media.Hls;

public class Fmp4FragmentTests
{
    private static readonly byte[] s_aud = [0x09, 0xF0];
    private static readonly byte[] s_sei = [0x06, 0x05, 0x01, 0xAA, 0x80];
    private static readonly byte[] s_idr = [0x65, 0x88, 0x84, 0x00, 0x03, 0x01, 0x21];
    private static readonly byte[] s_slice = [0x41, 0x9A, 0x02, 0x03];

    /// <summary>An IDR access unit as x264 writes it: AUD, SPS, PPS, SEI, slice, with 4-byte start codes.</summary>
    private static byte[] KeyFrame() =>
        [.. FourByteStartCode, .. s_aud, .. FourByteStartCode, .. H264NalTests.s_sps640x360, .. FourByteStartCode,
         .. H264NalTests.s_pps, .. FourByteStartCode, .. s_sei, .. ThreeByteStartCode, .. s_idr];

    /// <summary>A P picture with a 3-byte start code and trailing zero bytes before the end (trailing_zero_8bits).</summary>
    private static byte[] PFrame() => [.. ThreeByteStartCode, .. s_aud, .. ThreeByteStartCode, .. s_slice, 0x00, 0x00];

    private static byte[] AudOnly() => [.. ThreeByteStartCode, .. s_aud];

    private static byte[] FourByteStartCode => [0, 0, 0, 1];

    private static byte[] ThreeByteStartCode => [0, 0, 1];

    private static (byte[] Bytes, int Length) Write(uint sequence, VideoAccessUnit[] units, long end)
    {
        byte[] buffer = new byte[Fmp4Fragment.GetByteCount(units)];
        Fmp4Fragment.TryWrite(buffer, sequence, units, end, out int written).Should().BeTrue();
        written.Should().Be(buffer.Length, "GetByteCount is exact");
        return (buffer, written);
    }

    [Fact]
    public void Iso14496_12_8_8_MoofAndMdat_SizesFlagsTimesAndDataOffset()
    {
        VideoAccessUnit[] units =
        [
            new(KeyFrame(), 900_000, IsKeyFrame: true),
            new(PFrame(), 903_600, IsKeyFrame: false),
        ];
        (byte[] data, int length) = Write(7, units, 907_200);
        Mp4Boxes.Children(data, 0, length).Select(b => b.Type).Should().Equal("moof", "mdat");
        Dictionary<string, Mp4Box> tree = Mp4Boxes.Tree(data, length);
        Mp4Box moof = tree["moof"];
        moof.Size.Should().Be(88 + (12 * 2));

        Mp4Boxes.UInt32(data, tree["moof/mfhd"].PayloadOffset + 4).Should().Be(7u);

        Mp4Box tfhd = tree["moof/traf/tfhd"];
        Mp4Boxes.UInt32(data, tfhd.PayloadOffset).Should().Be(0x00020000u, "v0, default-base-is-moof");
        Mp4Boxes.UInt32(data, tfhd.PayloadOffset + 4).Should().Be(Fmp4InitSegment.TrackId);

        Mp4Box tfdt = tree["moof/traf/tfdt"];
        data[tfdt.PayloadOffset].Should().Be(1, "version 1: 64-bit baseMediaDecodeTime");
        Mp4Boxes.UInt64(data, tfdt.PayloadOffset + 4).Should().Be(900_000ul);

        Mp4Box trun = tree["moof/traf/trun"];
        int p = trun.PayloadOffset;
        Mp4Boxes.UInt32(data, p).Should().Be(0x00000701u, "v0, data offset + duration + size + flags, no composition offsets");
        Mp4Boxes.UInt32(data, p + 4).Should().Be(2u);
        int dataOffset = (int)Mp4Boxes.UInt32(data, p + 8);
        dataOffset.Should().Be(tree["mdat"].PayloadOffset - moof.Offset, "data_offset counts from the moof");

        int keySize = 4 + s_sei.Length + 4 + s_idr.Length; // AUD, SPS, PPS dropped
        int pSize = 4 + s_slice.Length; // AUD dropped, trailing zeros trimmed
        Mp4Boxes.UInt32(data, p + 12).Should().Be(3600u);
        Mp4Boxes.UInt32(data, p + 16).Should().Be((uint)keySize);
        Mp4Boxes.UInt32(data, p + 20).Should().Be(Fmp4Fragment.SyncSampleFlags);
        Mp4Boxes.UInt32(data, p + 24).Should().Be(3600u);
        Mp4Boxes.UInt32(data, p + 28).Should().Be((uint)pSize);
        Mp4Boxes.UInt32(data, p + 32).Should().Be(Fmp4Fragment.NonSyncSampleFlags);

        byte[] expectedMdat =
        [
            0, 0, 0, (byte)s_sei.Length, .. s_sei, 0, 0, 0, (byte)s_idr.Length, .. s_idr,
            0, 0, 0, (byte)s_slice.Length, .. s_slice,
        ];
        data.AsSpan(tree["mdat"].PayloadOffset, tree["mdat"].Size - 8).ToArray().Should().Equal(expectedMdat);
    }

    [Fact]
    public void Iso14496_12_8_8_3_1_SampleFlagValues()
    {
        Fmp4Fragment.SyncSampleFlags.Should().Be(0x02000000u, "sample_depends_on = 2, is_non_sync_sample = 0");
        Fmp4Fragment.NonSyncSampleFlags.Should().Be(0x01010000u, "sample_depends_on = 1, is_non_sync_sample = 1");
    }

    [Fact]
    public void DecodeTimeBeyond32Bits_IsKeptWhole()
    {
        long time = (long)uint.MaxValue + 90_000; // past RTP's 32-bit wrap after unwrapping
        (byte[] data, int length) = Write(1, [new(KeyFrame(), time, true)], time + 3600);
        Mp4Boxes.UInt64(data, Mp4Boxes.Tree(data, length)["moof/traf/tfdt"].PayloadOffset + 4).Should().Be((ulong)time);
    }

    [Fact]
    public void BadInputFromTheCamera_ReturnsFalse()
    {
        byte[] buffer = new byte[4096];
        VideoAccessUnit key = new(KeyFrame(), 0, true);
        VideoAccessUnit p = new(PFrame(), 3600, false);

        Fmp4Fragment.TryWrite(buffer, 1, [], 3600, out _).Should().BeFalse("no access units");
        Fmp4Fragment.TryWrite(buffer, 1, [key, p], 3600, out _).Should().BeFalse("the last sample would last 0 ticks");
        Fmp4Fragment.TryWrite(buffer, 1, [key, key], 7200, out _).Should().BeFalse("decode times must increase");
        Fmp4Fragment.TryWrite(buffer, 1, [key with { DecodeTime = -1 }], 3600, out _).Should().BeFalse("negative tfdt");
        Fmp4Fragment.TryWrite(buffer, 1, [key], (long)uint.MaxValue + 1, out _).Should().BeFalse("duration past 32 bits");
        Fmp4Fragment.TryWrite(buffer, 1, [new(s_idr, 0, true)], 3600, out _).Should().BeFalse("no start code");
        Fmp4Fragment.TryWrite(buffer, 1, [new(AudOnly(), 0, false)], 3600, out _)
            .Should().BeFalse("an access unit without picture data");
        Fmp4Fragment.TryWrite(buffer, 1, [new(ReadOnlyMemory<byte>.Empty, 0, false)], 3600, out _).Should().BeFalse();

        int size = (int)Fmp4Fragment.GetByteCount([key]);
        Fmp4Fragment.TryWrite(buffer.AsSpan(0, size - 1), 1, [key], 3600, out int written).Should().BeFalse("too small");
        written.Should().Be(0);
    }

    [Fact]
    public void RandomBytes_NeverThrow()
    {
        var random = new Random(14496);
        byte[] output = new byte[1024];
        byte[] input = new byte[200];
        for (int i = 0; i < 20_000; i++)
        {
            int length = random.Next(input.Length);
            random.NextBytes(input.AsSpan(0, length));
            if (length > 4 && i % 2 == 0)
            {
                input[0] = 0; input[1] = 0; input[2] = 1; // make the Annex-B check pass more often
            }

            byte[] annexB = input.AsSpan(0, length).ToArray();
            VideoAccessUnit[] units = [new(annexB, random.Next(-2, 3), i % 3 == 0), new(annexB, random.Next(0, 5), false)];
            Fmp4Fragment.TryWrite(output, (uint)i, units, random.Next(0, 8), out _);
            Fmp4Fragment.GetByteCount(units);
            Fmp4InitSegment.TryWrite(output, annexB, annexB, out _);
        }
    }
}
