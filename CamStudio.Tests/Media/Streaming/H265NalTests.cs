using CamStudio.Media.Streaming;
using CamStudio.Media.Video;

namespace CamStudio.Tests.Media.Streaming;

/// <summary>RFC 7798 payload classification, on the parameter sets libx265 writes (ffmpeg testsrc2 640x360, Main).</summary>
public class H265NalTests
{
    internal static readonly byte[] s_vps = Convert.FromHexString("40010c01ffff01600000030090000003000003003f959809");
    internal static readonly byte[] s_sps = Convert.FromHexString("42010101600000030090000003000003003fa00502016965959a4932bc05a02000000300200000030321");
    internal static readonly byte[] s_pps = Convert.FromHexString("4401c172b46240");

    /// <summary>A NAL unit of <paramref name="type"/> (layer 0, TemporalId 0) followed by <paramref name="body"/>.</summary>
    internal static byte[] Nal(int type, params byte[] body) => [(byte)(type << 1), 0x01, .. body];

    /// <summary>RFC 7798 §4.4.2 aggregation packet: payload header (type 48), then 16-bit size + NAL unit, repeated.</summary>
    internal static byte[] Aggregate(params byte[][] nals)
    {
        var packet = new List<byte> { H265NalUnit.TypeAggregation << 1, 0x01 };
        foreach (byte[] nal in nals)
        {
            packet.Add((byte)(nal.Length >> 8));
            packet.Add((byte)nal.Length);
            packet.AddRange(nal);
        }

        return [.. packet];
    }

    internal static byte[] ParameterSetsAggregate() => Aggregate(s_vps, s_sps, s_pps);

    /// <summary>RFC 7798 §4.4.3 fragmentation unit: payload header (type 49), FU header (S, E, FuType), data.</summary>
    internal static byte[] Fragment(int fuType, bool start, bool end, params byte[] data) =>
        [H265NalUnit.TypeFragmentation << 1, 0x01, (byte)((start ? 0x80 : 0) | (end ? 0x40 : 0) | fuType), .. data];

    [Fact]
    public void Rfc7798_4_4_1_SingleNalUnit_ClassifiedByItsOwnType()
    {
        H265Nal.Classify(Nal(H265NalUnit.TypeIdrWRadl, 0xAF), out _).Should().Be(VideoPacketContent.IdrSlice);
        H265Nal.Classify(Nal(H265NalUnit.TypeIdrNLp, 0xAF), out _).Should().Be(VideoPacketContent.IdrSlice);
        H265Nal.Classify(Nal(21, 0xAF), out _).Should().Be(VideoPacketContent.IdrSlice, "a CRA picture is a random access point too");
        H265Nal.Classify(Nal(1, 0xD0), out _).Should().Be(VideoPacketContent.NonIdrSlice, "TRAIL_R");
        H265Nal.Classify(Nal(0, 0xD0), out _).Should().Be(VideoPacketContent.NonIdrSlice, "TRAIL_N");
        H265Nal.Classify(s_vps, out ReadOnlySpan<byte> none).Should().Be(VideoPacketContent.Sps, "a VPS must precede the IRAP like the SPS");
        none.IsEmpty.Should().BeTrue();
        H265Nal.Classify(s_sps, out ReadOnlySpan<byte> sps).Should().Be(VideoPacketContent.Sps);
        sps.ToArray().Should().Equal(s_sps);
        H265Nal.Classify(s_pps, out _).Should().Be(VideoPacketContent.Pps);
        H265Nal.Classify(Nal(39, 0x05), out _).Should().Be(VideoPacketContent.Other, "prefix SEI");
    }

    [Fact]
    public void Rfc7798_4_4_2_AggregationPacket_LooksInsideEveryNal()
    {
        H265Nal.Classify(ParameterSetsAggregate(), out ReadOnlySpan<byte> sps)
            .Should().Be(VideoPacketContent.Sps | VideoPacketContent.Pps);
        sps.ToArray().Should().Equal(s_sps);

        H265Nal.Classify(Aggregate(s_vps, s_sps, s_pps, Nal(H265NalUnit.TypeIdrWRadl, 0x01, 0x02)), out _)
            .Should().Be(VideoPacketContent.Sps | VideoPacketContent.Pps | VideoPacketContent.IdrSlice);
    }

    [Fact]
    public void Rfc7798_4_4_3_FragmentationUnit_TypeFromTheFuHeader()
    {
        H265Nal.Classify(Fragment(H265NalUnit.TypeIdrWRadl, start: true, end: false, 0xAF), out _).Should().Be(VideoPacketContent.IdrSlice);
        H265Nal.Classify(Fragment(H265NalUnit.TypeIdrWRadl, start: false, end: true, 0xAF), out _).Should().Be(VideoPacketContent.IdrSlice);
        H265Nal.Classify(Fragment(1, start: true, end: false, 0xD0), out _).Should().Be(VideoPacketContent.NonIdrSlice);
    }

    [Fact]
    public void Malformed_payloads_give_what_was_understood_and_never_throw()
    {
        H265Nal.Classify([], out _).Should().Be(VideoPacketContent.None);
        H265Nal.Classify([0x26], out _).Should().Be(VideoPacketContent.None, "one byte is not a NAL header");
        H265Nal.Classify([H265NalUnit.TypeFragmentation << 1, 0x01], out _).Should().Be(VideoPacketContent.None, "an FU without its FU header");

        byte[] truncated = ParameterSetsAggregate();
        truncated[2 + 2 + s_vps.Length] = 0xFF; // the SPS size now runs past the end
        H265Nal.Classify(truncated, out ReadOnlySpan<byte> sps).Should().Be(VideoPacketContent.Sps, "the VPS before the bad size still counts");
        sps.IsEmpty.Should().BeTrue();

        H265Nal.Classify(Nal(H265NalUnit.TypePaci, 0, 0, 0), out _).Should().Be(VideoPacketContent.Other);

        var random = new Random(7798);
        byte[] buffer = new byte[64];
        for (int i = 0; i < 10_000; i++)
        {
            random.NextBytes(buffer);
            _ = H265Nal.Classify(buffer.AsSpan(0, random.Next(buffer.Length)), out _);
        }
    }
}
