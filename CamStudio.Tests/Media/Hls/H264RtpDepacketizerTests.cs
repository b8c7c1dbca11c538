using CamStudio.Media.Hls;
using CamStudio.Media.Video;
using CamStudio.Tests.Media.Streaming;

namespace CamStudio.Tests.Media.Hls;

public sealed class H264RtpDepacketizerTests
{
    private const uint Ssrc = 0x1234_5678;
    private static readonly byte[] s_sps = H264NalTests.s_sps640x360;
    private static readonly byte[] s_pps = H264NalTests.s_pps;

    private readonly RecordingAccessUnitSink _sink = new();
    private readonly H264RtpDepacketizer _depacketizer;
    private readonly H264RtpPacketizer _packetizer = new(Ssrc);

    public H264RtpDepacketizerTests() => _depacketizer = new H264RtpDepacketizer(_sink);

    /// <summary>An IDR slice with first_mb_in_slice = 0 (first bit after the header set), <paramref name="size"/> bytes.</summary>
    private static byte[] Idr(int size = 40, byte fill = 0x11) => Nal(0x65, size, fill);

    private static byte[] PSlice(int size = 30, byte fill = 0x22) => Nal(0x41, size, fill);

    private static byte[] Nal(byte header, int size, byte fill)
    {
        byte[] nal = new byte[size];
        nal.AsSpan().Fill(fill);
        nal[0] = header;
        nal[1] = 0x88; // ue(v) first_mb_in_slice = 0, then anything
        return nal;
    }

    private static byte[] AnnexB(params byte[][] nals) => [.. nals.SelectMany(n => (byte[])[0, 0, 0, 1, .. n])];

    private void Push(IEnumerable<RtpTestPacket> packets)
    {
        foreach (RtpTestPacket packet in packets)
        {
            _depacketizer.Push(packet.Bytes, packet.Info);
        }
    }

    [Fact]
    public void Rfc6184_5_6_SingleNalUnitPacket_IsOneAccessUnitAtTheMarker()
    {
        byte[] idr = Idr();
        Push(_packetizer.AccessUnit(9000, idr));

        _sink.Units.Should().ContainSingle();
        (byte[] annexB, uint timestamp, uint ssrc, bool key, bool picture) = _sink.Units[0];
        annexB.Should().Equal(AnnexB(idr));
        timestamp.Should().Be(9000u);
        ssrc.Should().Be(Ssrc);
        key.Should().BeTrue();
        picture.Should().BeTrue();
    }

    [Fact]
    public void Rfc6184_5_7_1_StapA_And_5_8_FuA_AreReassembledByteExact()
    {
        byte[] bigIdr = Idr(5000);
        for (int i = 2; i < bigIdr.Length; i++)
        {
            bigIdr[i] = (byte)(i * 7); // no pattern the reassembly could get right by accident
        }

        List<RtpTestPacket> packets = _packetizer.AccessUnit(0, s_sps, s_pps, bigIdr);
        packets.Should().HaveCount(1 + 5, "one STAP-A, then the IDR in five FU-A fragments");
        Push(packets);
        Push(_packetizer.AccessUnit(3600, PSlice()));

        _sink.Units.Select(u => u.AnnexB).Should().BeEquivalentTo(
            [AnnexB(s_sps, s_pps, bigIdr), AnnexB(PSlice())], o => o.WithStrictOrdering());
        _sink.Units.Select(u => u.IsKeyFrame).Should().Equal(true, false);
        _depacketizer.DroppedAccessUnits.Should().Be(0);
    }

    [Fact]
    public void AccessUnit_EndsWhenTheTimestampChanges_WithoutAMarker()
    {
        Push([_packetizer.Next(0, marker: false, Idr())]);
        _sink.Units.Should().BeEmpty("the access unit may have more slices");
        Push([_packetizer.Next(3600, marker: false, PSlice())]);
        _sink.Units.Should().ContainSingle().Which.Timestamp.Should().Be(0u);
        Push([_packetizer.Next(7200, marker: true, PSlice())]);
        _sink.Units.Select(u => u.Timestamp).Should().Equal(0u, 3600u, 7200u);
    }

    [Fact]
    public void TimestampWrap_StillSeparatesAccessUnits()
    {
        Push(_packetizer.AccessUnit(0xFFFF_F1F0, Idr()));
        Push([_packetizer.Next(0x0000_0A00, marker: false, PSlice())]); // 3600 later across the 32-bit wrap
        Push([_packetizer.Next(0x0000_1810, marker: true, PSlice())]);

        _sink.Units.Select(u => u.Timestamp).Should().Equal(0xFFFF_F1F0u, 0x0000_0A00u, 0x0000_1810u);
    }

    [Fact]
    public void Loss_DropsTheDamagedAccessUnitAndEveryPFrameUntilTheNextIdr()
    {
        Push(_packetizer.AccessUnit(0, s_sps, s_pps, Idr()));
        Push(_packetizer.AccessUnit(3600, PSlice()));
        List<RtpTestPacket> damaged = _packetizer.AccessUnit(7200, PSlice(3000));
        damaged.Should().HaveCount(3);
        Push([damaged[0], damaged[2]]); // the middle FU-A fragment is lost
        Push(_packetizer.AccessUnit(10800, PSlice()));
        Push(_packetizer.AccessUnit(14400, PSlice()));
        Push(_packetizer.AccessUnit(18000, s_sps, s_pps, Idr()));
        Push(_packetizer.AccessUnit(21600, PSlice()));

        _sink.Units.Select(u => u.Timestamp).Should().Equal(0u, 3600u, 18000u, 21600u);
        _depacketizer.LostPackets.Should().Be(1);
        _depacketizer.DroppedAccessUnits.Should().Be(3);
    }

    [Fact]
    public void LostMarkerPacket_DropsThatAccessUnit_AndAnIdrWhoseFirstSlicePacketIsAlsoGone()
    {
        Push(_packetizer.AccessUnit(0, s_sps, s_pps, Idr()));
        List<RtpTestPacket> p1 = _packetizer.AccessUnit(3600, PSlice(2000));
        List<RtpTestPacket> idr = _packetizer.AccessUnit(7200, s_sps, s_pps, Idr(2000));
        idr.Should().HaveCount(3, "STAP-A, FU-A start, FU-A end");
        Push([p1[0]]); // p1's last packet (with the marker), the IDR's STAP-A and its FU-A start are lost
        Push(idr.Skip(2));
        Push(_packetizer.AccessUnit(10800, PSlice()));
        Push(_packetizer.AccessUnit(14400, s_sps, s_pps, Idr()));

        _sink.Units.Select(u => u.Timestamp).Should().Equal(
            [0u, 14400u], "the IDR at 7200 arrived without its start, so nothing proves it whole");
        _depacketizer.LostPackets.Should().Be(3);
    }

    [Fact]
    public void LossBetweenAccessUnits_AnIdrThatVisiblyStartsIsKept()
    {
        Push(_packetizer.AccessUnit(0, s_sps, s_pps, Idr()));
        _ = _packetizer.AccessUnit(3600, PSlice()); // a whole P-frame lost
        Push(_packetizer.AccessUnit(7200, s_sps, s_pps, Idr()));
        List<RtpTestPacket> idr = _packetizer.AccessUnit(10800, s_sps, s_pps, Idr(2000));
        Push(idr.Skip(1)); // only the parameter sets lost: the slice starts at macroblock 0, the decoder has SPS/PPS

        _sink.Units.Select(u => u.Timestamp).Should().Equal(0u, 7200u, 10800u);
        _sink.Units[^1].AnnexB.Should().Equal(AnnexB(Idr(2000)));
    }

    [Fact]
    public void FuAInconsistency_DropsTheAccessUnitAndWaitsForAnIdr()
    {
        Push(_packetizer.AccessUnit(0, s_sps, s_pps, Idr()));
        List<byte[]> fragments = H264RtpPacketizer.FuA(PSlice(3000), 1000);
        Push([_packetizer.Next(3600, false, fragments[0]), _packetizer.Next(3600, true, fragments[0])]); // start twice
        Push([_packetizer.Next(7200, true, fragments[1])]); // a middle fragment with no start
        Push(_packetizer.AccessUnit(10800, PSlice()));
        Push(_packetizer.AccessUnit(14400, Idr()));

        _sink.Units.Select(u => u.Timestamp).Should().Equal(0u, 14400u);
        _depacketizer.LostPackets.Should().Be(0);
        _depacketizer.DroppedAccessUnits.Should().Be(3);
    }

    [Fact]
    public void CachedGopThenLive_JoinsWithoutLoss_AndAReplayedGopIsNotDeliveredTwice()
    {
        // VideoRtpSource replays its cache with the camera's own sequence numbers, then continues live from there.
        List<RtpTestPacket> gop =
        [
            .. _packetizer.AccessUnit(0, s_sps, s_pps, Idr(3000)),
            .. _packetizer.AccessUnit(3600, PSlice()),
        ];
        Push(gop.Select(p => p with { Info = p.Info with { IsFromCache = true } }));
        Push(_packetizer.AccessUnit(7200, PSlice()));
        Push(gop.Select(p => p with { Info = p.Info with { IsFromCache = true } })); // a resend of the cache
        Push(_packetizer.AccessUnit(10800, PSlice()));

        _sink.Units.Select(u => u.Timestamp).Should().Equal(0u, 3600u, 7200u, 10800u);
        _depacketizer.LostPackets.Should().Be(0);
        _depacketizer.DuplicatePackets.Should().Be(gop.Count);
    }

    [Fact]
    public void NewSsrc_DropsTheOldPartialAccessUnit_AndStartsAtTheNewStreamsIdr()
    {
        Push(_packetizer.AccessUnit(0, s_sps, s_pps, Idr()));
        Push([_packetizer.Next(3600, marker: false, PSlice())]);
        var restarted = new H264RtpPacketizer(0xBEEF, firstSequenceNumber: 7);
        Push(restarted.AccessUnit(500, PSlice()));
        Push(restarted.AccessUnit(4100, s_sps, s_pps, Idr()));

        _sink.Units.Select(u => (u.Timestamp, u.Ssrc)).Should().Equal((0u, Ssrc), (4100u, 0xBEEFu));
        _depacketizer.LostPackets.Should().Be(0, "sequence numbers of another SSRC are not compared");
    }

    [Fact]
    public void ParameterSetsWithTheirOwnTimestamp_PassWhileWaitingForTheIdr()
    {
        Push([_packetizer.Next(0, marker: true, H264RtpPacketizer.StapA(s_sps, s_pps))]);
        Push(_packetizer.AccessUnit(3600, PSlice()));
        Push(_packetizer.AccessUnit(7200, Idr()));

        _sink.Units.Select(u => (u.Timestamp, u.HasPicture, u.IsKeyFrame)).Should().Equal(
            (0u, false, false), (7200u, true, true));
    }

    [Fact]
    public void AccessUnitOverTheBound_IsDropped_AndInterleavedModeTypesAreIgnored()
    {
        var small = new H264RtpDepacketizer(_sink, maxAccessUnitBytes: 4096);
        foreach (RtpTestPacket packet in _packetizer.AccessUnit(0, Idr(6000)))
        {
            small.Push(packet.Bytes, packet.Info);
        }

        foreach (byte type in (byte[])[0, 25, 26, 27, 29, 30, 31])
        {
            RtpTestPacket packet = _packetizer.Next(3600, marker: false, [type, 0x80, 0x01, 0x02]);
            small.Push(packet.Bytes, packet.Info);
        }

        foreach (RtpTestPacket packet in _packetizer.AccessUnit(3600, Idr()))
        {
            small.Push(packet.Bytes, packet.Info);
        }

        _sink.Units.Select(u => u.Timestamp).Should().Equal(3600u);
        small.DroppedAccessUnits.Should().Be(1);
        small.IgnoredPackets.Should().Be(7);
    }

    [Fact]
    public void Garbage_NeverThrows_AndAGoodStreamAfterwardsStillComesThrough()
    {
        var random = new Random(14);
        List<RtpTestPacket> good =
        [
            .. _packetizer.AccessUnit(0, s_sps, s_pps, Idr(4000)),
            .. _packetizer.AccessUnit(3600, PSlice(2500)),
        ];
        for (int i = 0; i < 20_000; i++)
        {
            byte[] packet;
            if (i % 3 == 0)
            {
                packet = new byte[random.Next(0, 64)];
                random.NextBytes(packet);
            }
            else
            {
                packet = [.. good[random.Next(good.Count)].Bytes];
                for (int flips = random.Next(1, 6); flips > 0; flips--)
                {
                    packet[random.Next(packet.Length)] = (byte)random.Next(256);
                }

                packet = packet[..random.Next(1, packet.Length + 1)];
            }

            var info = new VideoPacketInfo(random.Next(2) == 0, random.Next(2) == 0, random.Next(2) == 0, (uint)random.Next());
            _depacketizer.Push(packet, info);
        }

        _sink.Units.Should().OnlyContain(u => u.AnnexB.Length <= H264RtpDepacketizer.DefaultMaxAccessUnitBytes);
        _sink.Units.Clear();
        var clean = new H264RtpPacketizer(0xC1EA4);
        byte[] idr = Idr(4000);
        Push(clean.AccessUnit(90_000, s_sps, s_pps, idr));
        _sink.Units.Should().ContainSingle().Which.AnnexB.Should().Equal(AnnexB(s_sps, s_pps, idr));
    }
}
