using CamStudio.Media.Hls;
using CamStudio.Media.Video;
using CamStudio.Tests.Media.Video;

namespace CamStudio.Tests.Media.Hls;

/// <summary>The 'hvc1' sample entry and H.265 samples, read back by the independent box walker.</summary>
public class Fmp4H265Tests
{
    private static readonly byte[] s_vps = Convert.FromHexString(H265SpsParserTests.Vps640x360);
    private static readonly byte[] s_sps = Convert.FromHexString(H265SpsParserTests.Sps640x360);
    private static readonly byte[] s_pps = Convert.FromHexString(H265SpsParserTests.Pps640x360);

    [Fact]
    public void InitSegment_Hvc1WithHvcC_Iso14496_15_8_3_3()
    {
        byte[] init = new byte[Fmp4InitSegment.GetByteCount(s_vps.Length, s_sps.Length, s_pps.Length)];
        Fmp4InitSegment.TryWriteH265(init, s_vps, s_sps, s_pps, out int written).Should().BeTrue();
        written.Should().Be(init.Length, "GetByteCount is exact");

        Dictionary<string, Mp4Box> tree = Mp4Boxes.Tree(init, init.Length);
        Mp4Box hvc1 = tree["moov/trak/mdia/minf/stbl/stsd/hvc1"];
        Mp4Boxes.UInt16(init, hvc1.PayloadOffset + 24).Should().Be(640);
        Mp4Boxes.UInt16(init, hvc1.PayloadOffset + 26).Should().Be(360);

        Mp4Box hvcC = tree["moov/trak/mdia/minf/stbl/stsd/hvc1/hvcC"];
        byte[] record = init.AsSpan(hvcC.PayloadOffset, hvcC.End - hvcC.PayloadOffset).ToArray();
        record[0].Should().Be(1, "configurationVersion");
        record[1].Should().Be(0x01, "profile space 0, Main tier, profile_idc 1");
        record.AsSpan(2, 4).ToArray().Should().Equal(0x60, 0x00, 0x00, 0x00);
        record.AsSpan(6, 6).ToArray().Should().Equal(0x90, 0, 0, 0, 0, 0);
        record[12].Should().Be(63, "level_idc");
        record[16].Should().Be(0xFC | 1, "chroma_format_idc 4:2:0");
        record[17].Should().Be(0xF8, "8-bit luma");
        record[18].Should().Be(0xF8, "8-bit chroma");
        record[21].Should().Be((1 << 3) | 0x04 | 3, "one temporal layer, temporalIdNested, lengthSizeMinusOne 3");
        record[22].Should().Be(3, "numOfArrays: VPS, SPS, PPS");
        int offset = 23;
        foreach ((int type, byte[] nal) in new[] { (32, s_vps), (33, s_sps), (34, s_pps) })
        {
            record[offset].Should().Be((byte)(0x80 | type), "array_completeness = 1, then the NAL type");
            Mp4Boxes.UInt16(record, offset + 1).Should().Be(1);
            Mp4Boxes.UInt16(record, offset + 3).Should().Be((ushort)nal.Length);
            record.AsSpan(offset + 5, nal.Length).ToArray().Should().Equal(nal);
            offset += 5 + nal.Length;
        }

        offset.Should().Be(record.Length);
    }

    [Fact]
    public void InitSegment_BadParameterSets_AreFalse()
    {
        byte[] buffer = new byte[4096];
        Fmp4InitSegment.TryWriteH265(buffer, s_sps, s_sps, s_pps, out _).Should().BeFalse("an SPS is no VPS");
        Fmp4InitSegment.TryWriteH265(buffer, s_vps, s_vps, s_pps, out _).Should().BeFalse("a VPS is no SPS");
        Fmp4InitSegment.TryWriteH265(buffer, s_vps, s_sps, s_sps, out _).Should().BeFalse("an SPS is no PPS");
        Fmp4InitSegment.TryWriteH265(buffer, s_vps, s_sps.AsSpan(0, 12), s_pps, out _).Should().BeFalse("truncated SPS");
        int size = Fmp4InitSegment.GetByteCount(s_vps.Length, s_sps.Length, s_pps.Length);
        Fmp4InitSegment.TryWriteH265(buffer.AsSpan(0, size - 1), s_vps, s_sps, s_pps, out _).Should().BeFalse("too small");
    }

    [Fact]
    public void Fragment_H265Samples_DropAudAndParameterSets_IrapIsSync()
    {
        byte[] aud = [0x46, 0x01, 0x50];
        byte[] idr = [0x26, 0x01, 0xAF, 0x01, 0x02];
        byte[] trail = [0x02, 0x01, 0xD0, 0x03];
        byte[] key = [.. AnnexB(aud), .. AnnexB(s_vps), .. AnnexB(s_sps), .. AnnexB(s_pps), .. AnnexB(idr)];
        VideoAccessUnit[] units = [new(key, 0, true, VideoCodec.H265), new(AnnexB(trail), 3600, false, VideoCodec.H265)];
        byte[] buffer = new byte[Fmp4Fragment.GetByteCount(units)];
        Fmp4Fragment.TryWrite(buffer, 1, units, 7200, out int written).Should().BeTrue();
        written.Should().Be(buffer.Length);

        Dictionary<string, Mp4Box> tree = Mp4Boxes.Tree(buffer, written);
        Mp4Box trun = tree["moof/traf/trun"];
        int p = trun.PayloadOffset + 12;
        Mp4Boxes.UInt32(buffer, p + 4).Should().Be((uint)(4 + idr.Length), "only the IDR slice is in the sample");
        Mp4Boxes.UInt32(buffer, p + 8).Should().Be(Fmp4Fragment.SyncSampleFlags);
        Mp4Boxes.UInt32(buffer, p + 20).Should().Be(Fmp4Fragment.NonSyncSampleFlags);
        Mp4Box mdat = tree["mdat"];
        buffer.AsSpan(mdat.PayloadOffset, mdat.End - mdat.PayloadOffset).ToArray()
            .Should().Equal([0, 0, 0, (byte)idr.Length, .. idr, 0, 0, 0, (byte)trail.Length, .. trail]);

        byte[] onlyParameterSets = [.. AnnexB(aud), .. AnnexB(s_vps)];
        VideoAccessUnit[] parameterSetsOnly = [new(onlyParameterSets, 0, true, VideoCodec.H265)];
        Fmp4Fragment.TryWrite(buffer, 1, parameterSetsOnly, 3600, out _).Should().BeFalse("no picture left in the sample");
    }

    private static byte[] AnnexB(byte[] nal) => [0, 0, 0, 1, .. nal];
}
