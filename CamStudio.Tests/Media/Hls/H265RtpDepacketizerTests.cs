using CamStudio.Media.Hls;
using CamStudio.Media.Video;
using CamStudio.Tests.Media.Video;

namespace CamStudio.Tests.Media.Hls;

/// <summary>RFC 7798 depacketizing on hand-built packets: every payload structure, loss, broken fragments, garbage.</summary>
public sealed class H265RtpDepacketizerTests
{
    private const uint Ssrc = 0x2650_0001;
    private static readonly byte[] s_vps = Convert.FromHexString(H265SpsParserTests.Vps640x360);
    private static readonly byte[] s_sps = Convert.FromHexString(H265SpsParserTests.Sps640x360);
    private static readonly byte[] s_pps = Convert.FromHexString(H265SpsParserTests.Pps640x360);

    private readonly RecordingAccessUnitSink _sink = new();
    private readonly H265RtpDepacketizer _depacketizer;
    private ushort _sequence = 100;

    public H265RtpDepacketizerTests() => _depacketizer = new H265RtpDepacketizer(_sink);

    /// <summary>A slice NAL unit of <paramref name="type"/> with first_slice_segment_in_pic_flag = 1, TID 1.</summary>
    private static byte[] Slice(int type, int size = 40, byte fill = 0x11)
    {
        byte[] nal = new byte[size];
        nal.AsSpan().Fill(fill);
        nal[0] = (byte)(type << 1);
        nal[1] = 0x01;
        nal[2] = 0xAF; // first_slice_segment_in_pic_flag = 1, then anything
        return nal;
    }

    private static byte[] Idr(int size = 40) => Slice(H265NalUnit.TypeIdrWRadl, size);

    private static byte[] Cra(int size = 40) => Slice(21, size);

    private static byte[] Trail(int size = 30) => Slice(1, size, 0x22);

    /// <summary>AP (§4.4.2): payload header type 48 with the lowest layer id / TID of the units, then size + unit for each.</summary>
    private static byte[] Aggregation(params byte[][] nals) =>
        [H265NalUnit.TypeAggregation << 1, 0x01, .. nals.SelectMany(n => (byte[])[(byte)(n.Length >> 8), (byte)n.Length, .. n])];

    /// <summary>FU (§4.4.3) payloads of <paramref name="nal"/>, at most <paramref name="maxData"/> bytes of it each.</summary>
    private static List<byte[]> Fragments(byte[] nal, int maxData)
    {
        var payloads = new List<byte[]>();
        byte header0 = (byte)((nal[0] & 0x81) | (H265NalUnit.TypeFragmentation << 1));
        int type = H265NalUnit.TypeOf(nal);
        for (int offset = 2; offset < nal.Length; offset += maxData)
        {
            int length = Math.Min(maxData, nal.Length - offset);
            byte fu = (byte)(type | (offset == 2 ? 0x80 : 0) | (offset + length == nal.Length ? 0x40 : 0));
            payloads.Add([header0, nal[1], fu, .. nal.AsSpan(offset, length)]);
        }

        return payloads;
    }

    private static byte[] AnnexB(params byte[][] nals) => [.. nals.SelectMany(n => (byte[])[0, 0, 0, 1, .. n])];

    /// <summary>Sends the payloads as one access unit: same timestamp, marker on the last.</summary>
    private void Send(uint timestamp, params byte[][] payloads)
    {
        for (int i = 0; i < payloads.Length; i++)
        {
            SendPacket(timestamp, payloads[i], marker: i == payloads.Length - 1);
        }
    }

    private void SendPacket(uint timestamp, byte[] payload, bool marker)
    {
        ushort sequence = _sequence++;
        byte[] packet = H264RtpPacketizer.Rtp(sequence, timestamp, Ssrc, marker, payload);
        _depacketizer.Push(packet, new VideoPacketInfo(false, marker, false, timestamp, Ssrc, sequence, VideoCodec.H265));
    }

    [Fact]
    public void Rfc7798_4_4_1_SingleNalUnitPacket_IsOneAccessUnitAtTheMarker()
    {
        byte[] idr = Idr();
        Send(9000, idr);

        _sink.Units.Should().ContainSingle();
        (byte[] annexB, uint timestamp, uint ssrc, bool key, bool picture) = _sink.Units[0];
        annexB.Should().Equal(AnnexB(idr));
        timestamp.Should().Be(9000u);
        ssrc.Should().Be(Ssrc);
        key.Should().BeTrue("IDR_W_RADL is an IRAP picture");
        picture.Should().BeTrue();
        _depacketizer.Codec.Should().Be(VideoCodec.H265);
    }

    [Fact]
    public void Rfc7798_4_4_2_AggregationOfVpsSpsPps_And_4_4_3_Fragments_AreReassembledByteExact()
    {
        byte[] idr = Idr(3000);
        List<byte[]> fragments = Fragments(idr, 1000);
        fragments.Should().HaveCount(3, "start, middle and end fragment");
        Send(3600, [Aggregation(s_vps, s_sps, s_pps), .. fragments]);
        Send(7200, Trail());

        _sink.Units.Should().HaveCount(2);
        _sink.Units[0].AnnexB.Should().Equal(AnnexB(s_vps, s_sps, s_pps, idr), "the FU's NAL header is rebuilt with its layer id and TID");
        _sink.Units[0].IsKeyFrame.Should().BeTrue();
        _sink.Units[1].AnnexB.Should().Equal(AnnexB(Trail()));
        _sink.Units[1].IsKeyFrame.Should().BeFalse();
    }

    [Fact]
    public void ParameterSetsAlone_PassAsAnAccessUnitWithoutPicture()
    {
        Send(0, Aggregation(s_vps, s_sps, s_pps));

        _sink.Units.Should().ContainSingle();
        _sink.Units[0].HasPicture.Should().BeFalse();
        _sink.Units[0].AnnexB.Should().Equal(AnnexB(s_vps, s_sps, s_pps));
    }

    [Fact]
    public void LostFragmentMiddle_DropsThePicture_AndEverythingUntilTheNextIrap()
    {
        Send(0, Aggregation(s_vps, s_sps, s_pps), Idr());
        List<byte[]> fragments = Fragments(Trail(2500), 1000);
        SendPacket(3600, fragments[0], marker: false);
        _sequence++; // the middle fragment never arrives
        SendPacket(3600, fragments[2], marker: true);
        Send(7200, Trail());
        Send(10800, Trail());
        Send(14400, Cra());
        Send(18000, Trail());

        _sink.Units.Select(u => u.Timestamp).Should().Equal([0u, 14400u, 18000u],
            "the damaged picture and the pictures that refer to it are dropped; the CRA (an IRAP) starts again");
        _sink.Units[1].IsKeyFrame.Should().BeTrue();
        _depacketizer.LostPackets.Should().Be(1);
        _depacketizer.DroppedAccessUnits.Should().Be(3);
    }

    [Fact]
    public void BrokenFragments_DamageTheAccessUnit()
    {
        Send(0, Idr());
        byte[] idr = Idr(2500);
        List<byte[]> fragments = Fragments(idr, 1000);

        byte[] startAndEnd = [.. fragments[0]];
        startAndEnd[2] |= 0x40; // §4.4.3: S and E both set MUST NOT happen
        Send(3600, startAndEnd);
        Send(7200, fragments[1], fragments[2]); // middle without a start
        Send(10800, fragments[0], fragments[1]); // no end fragment before the marker
        Send(14400, fragments[0], fragments[0], fragments[1], fragments[2]); // a second start while one is open
        Send(18000, fragments[0], fragments[1], fragments[2]);

        _sink.Units.Select(u => u.Timestamp).Should().Equal(0u, 18000u);
        _sink.Units[1].AnnexB.Should().Equal(AnnexB(idr));
    }

    [Fact]
    public void MalformedAggregation_AddsNothing_AndPaciIsIgnored()
    {
        byte[] truncated = Aggregation(s_vps, s_sps);
        Send(0, truncated.AsSpan(0, truncated.Length - 3).ToArray(), Idr());
        Send(3600, [H265NalUnit.TypeAggregation << 1, 0x01]); // no units at all
        Send(7200, [H265NalUnit.TypeAggregation << 1, 0x01, 0x00, 0x01, 0x40]); // a unit shorter than its header
        Send(10800, [H265NalUnit.TypePaci << 1, 0x01, 0x00, 0x00], Idr());

        _sink.Units.Select(u => u.Timestamp).Should().Equal([10800u], "PACI is skipped, the IDR after it still passes");
        _depacketizer.IgnoredPackets.Should().Be(1);
    }

    [Fact]
    public void Garbage_NeverThrows_AndAccessUnitsStayBounded()
    {
        var small = new H265RtpDepacketizer(_sink, maxAccessUnitBytes: 4096);
        var random = new Random(7798);
        byte[] payload = new byte[1400];
        for (int i = 0; i < 50_000; i++)
        {
            random.NextBytes(payload);
            if (i % 3 == 0)
            {
                payload[0] = (byte)((random.Next(47, 52) << 1) | (payload[0] & 0x81)); // mostly AP/FU/PACI headers
            }

            int length = random.Next(0, payload.Length);
            byte[] packet = H264RtpPacketizer.Rtp((ushort)random.Next(0, 4), (uint)random.Next(0, 3), Ssrc, random.Next(2) == 0, payload.AsSpan(0, length));
            var info = new VideoPacketInfo(false, random.Next(2) == 0, random.Next(2) == 0, 0, Ssrc, 0, VideoCodec.H265);
            small.Push(packet, info);
            small.Push(packet.AsSpan(0, random.Next(0, packet.Length)), info);
        }

        _sink.Units.Should().OnlyContain(u => u.AnnexB.Length <= 4096);
    }
}
