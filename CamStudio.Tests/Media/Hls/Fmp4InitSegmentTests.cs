using CamStudio.Media.Hls;
using CamStudio.Tests.Media.Streaming;

namespace CamStudio.Tests.Media.Hls;

public class Fmp4InitSegmentTests
{
    private static byte[] Write(byte[] sps, byte[] pps)
    {
        byte[] buffer = new byte[Fmp4InitSegment.GetByteCount(sps.Length, pps.Length)];
        Fmp4InitSegment.TryWrite(buffer, sps, pps, out int written).Should().BeTrue();
        written.Should().Be(buffer.Length, "GetByteCount is exact");
        return buffer;
    }

    [Fact]
    public void Iso14496_12_BoxTree_TilesExactly_WithEveryBoxCmafExpects()
    {
        byte[] init = Write(H264NalTests.s_sps640x360, H264NalTests.s_pps);
        Mp4Boxes.Children(init, 0, init.Length).Select(b => b.Type).Should().Equal("ftyp", "moov");
        Dictionary<string, Mp4Box> tree = Mp4Boxes.Tree(init, init.Length);
        tree.Keys.Should().Contain(
        [
            "moov/mvhd", "moov/trak/tkhd", "moov/trak/mdia/mdhd", "moov/trak/mdia/hdlr", "moov/trak/mdia/minf/vmhd",
            "moov/trak/mdia/minf/dinf/dref/url ", "moov/trak/mdia/minf/stbl/stsd/avc1/avcC",
            "moov/trak/mdia/minf/stbl/stts", "moov/trak/mdia/minf/stbl/stsc", "moov/trak/mdia/minf/stbl/stsz",
            "moov/trak/mdia/minf/stbl/stco", "moov/mvex/trex",
        ]);
        tree["moov/mvhd"].Size.Should().Be(108);
        tree["moov/trak/tkhd"].Size.Should().Be(92);
        tree["moov/trak/mdia/mdhd"].Size.Should().Be(32);
        tree["moov/mvex/trex"].Size.Should().Be(32);
        init.Length.Should().Be(630 + H264NalTests.s_sps640x360.Length + H264NalTests.s_pps.Length);
    }

    [Fact]
    public void Iso14496_12_4_3_Ftyp_Iso6MajorWithCmafBrand()
    {
        byte[] init = Write(H264NalTests.s_sps640x360, H264NalTests.s_pps);
        Convert.ToHexString(init, 0, 28).Should().Be(
            "0000001C" + "66747970" + "69736F36" + "00000000" + "69736F36" + "636D6663" + "6D703431"); // iso6 0 iso6 cmfc mp41
    }

    [Fact]
    public void WidthHeightFromTheSps_Timescale90k_VideoHandler()
    {
        byte[] init = Write(H264NalTests.s_sps640x360, H264NalTests.s_pps);
        Dictionary<string, Mp4Box> tree = Mp4Boxes.Tree(init, init.Length);

        Mp4Box tkhd = tree["moov/trak/tkhd"];
        Mp4Boxes.UInt32(init, tkhd.PayloadOffset).Should().Be(0x00000003, "v0, enabled | in movie");
        Mp4Boxes.UInt32(init, tkhd.PayloadOffset + 12).Should().Be(Fmp4InitSegment.TrackId);
        Mp4Boxes.UInt32(init, tkhd.End - 8).Should().Be(640u << 16);
        Mp4Boxes.UInt32(init, tkhd.End - 4).Should().Be(360u << 16);

        Mp4Box mdhd = tree["moov/trak/mdia/mdhd"];
        Mp4Boxes.UInt32(init, mdhd.PayloadOffset + 12).Should().Be(90_000u);
        Mp4Boxes.UInt16(init, mdhd.PayloadOffset + 20).Should().Be(0x55C4, "'und' packed as three 5-bit letters");

        Mp4Box hdlr = tree["moov/trak/mdia/hdlr"];
        System.Text.Encoding.ASCII.GetString(init, hdlr.PayloadOffset + 8, 4).Should().Be("vide");

        Mp4Box avc1 = tree["moov/trak/mdia/minf/stbl/stsd/avc1"];
        Mp4Boxes.UInt16(init, avc1.PayloadOffset + 6).Should().Be(1, "data_reference_index");
        Mp4Boxes.UInt16(init, avc1.PayloadOffset + 24).Should().Be(640);
        Mp4Boxes.UInt16(init, avc1.PayloadOffset + 26).Should().Be(360);

        Mp4Box trex = tree["moov/mvex/trex"];
        Mp4Boxes.UInt32(init, trex.PayloadOffset + 4).Should().Be(Fmp4InitSegment.TrackId);
        Mp4Boxes.UInt32(init, trex.PayloadOffset + 8).Should().Be(1u, "default_sample_description_index");

        foreach (string table in new[] { "stts", "stsc", "stco" })
        {
            Mp4Box box = tree["moov/trak/mdia/minf/stbl/" + table];
            box.Size.Should().Be(16);
            Mp4Boxes.UInt32(init, box.PayloadOffset + 4).Should().Be(0u, $"{table} has no entries in a fragmented file");
        }
    }

    [Fact]
    public void Iso14496_15_5_3_3_AvcC_FromTheSpsAndPps()
    {
        byte[] sps = H264NalTests.s_sps640x360;
        byte[] pps = H264NalTests.s_pps;
        byte[] init = Write(sps, pps);
        Mp4Box avcC = Mp4Boxes.Tree(init, init.Length)["moov/trak/mdia/minf/stbl/stsd/avc1/avcC"];

        string expected =
            "01" + "64" + "00" + "1E" // version 1, High profile, constraint flags, level 3.0
            + "FF" // 4-byte NAL lengths
            + "E1" + sps.Length.ToString("X4", System.Globalization.CultureInfo.InvariantCulture) + Convert.ToHexString(sps)
            + "01" + pps.Length.ToString("X4", System.Globalization.CultureInfo.InvariantCulture) + Convert.ToHexString(pps);
        Convert.ToHexString(init, avcC.PayloadOffset, avcC.Size - 8).Should().Be(expected);
    }

    [Fact]
    public void Cropped1080pSps_GivesTheDisplaySize()
    {
        byte[] init = Write(H264NalTests.s_sps1920x1080, H264NalTests.s_pps);
        Mp4Box avc1 = Mp4Boxes.Tree(init, init.Length)["moov/trak/mdia/minf/stbl/stsd/avc1"];
        Mp4Boxes.UInt16(init, avc1.PayloadOffset + 24).Should().Be(1920);
        Mp4Boxes.UInt16(init, avc1.PayloadOffset + 26).Should().Be(1080, "frame cropping from 1088 applies");
    }

    [Fact]
    public void BadParameterSetsOrShortBuffer_ReturnFalse()
    {
        byte[] sps = H264NalTests.s_sps640x360;
        byte[] pps = H264NalTests.s_pps;
        byte[] buffer = new byte[Fmp4InitSegment.GetByteCount(sps.Length, pps.Length)];

        Fmp4InitSegment.TryWrite(buffer.AsSpan(0, buffer.Length - 1), sps, pps, out int written).Should().BeFalse();
        written.Should().Be(0);
        Fmp4InitSegment.TryWrite(buffer, pps, pps, out _).Should().BeFalse("a PPS is no SPS");
        Fmp4InitSegment.TryWrite(buffer, sps, sps, out _).Should().BeFalse("an SPS is no PPS");
        Fmp4InitSegment.TryWrite(buffer, sps, [], out _).Should().BeFalse();
        Fmp4InitSegment.TryWrite(buffer, sps.AsSpan(0, 5), pps, out _).Should().BeFalse("truncated SPS");
    }
}
