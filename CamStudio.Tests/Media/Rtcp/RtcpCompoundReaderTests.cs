using CamStudio.Media.Rtcp;

namespace CamStudio.Tests.Media.Rtcp;

public class RtcpCompoundReaderTests
{
    private sealed class Recorder : IRtcpFeedbackHandler
    {
        public List<RtcpReportBlock> Reports { get; } = [];
        public List<(uint Ssrc, ushort[] Lost)> Nacks { get; } = [];
        public List<uint> Plis { get; } = [];
        public List<(uint Ssrc, byte Seq)> Firs { get; } = [];
        public int Byes { get; private set; }
        public int Calls => Reports.Count + Nacks.Count + Plis.Count + Firs.Count + Byes;

        public void OnReceiverReport(in RtcpReportBlock block) => Reports.Add(block);
        public void OnNack(uint mediaSsrc, ReadOnlySpan<ushort> lostSequenceNumbers) => Nacks.Add((mediaSsrc, lostSequenceNumbers.ToArray()));
        public void OnPictureLossIndication(uint mediaSsrc) => Plis.Add(mediaSsrc);
        public void OnBye() => Byes++;
        public void OnFullIntraRequest(uint mediaSsrc, byte sequenceNumber) => Firs.Add((mediaSsrc, sequenceNumber));
    }

    /// <summary>Uses the interface's default FIR handling.</summary>
    private sealed class PliOnly : IRtcpFeedbackHandler
    {
        public List<uint> Plis { get; } = [];
        public void OnReceiverReport(in RtcpReportBlock block) { }
        public void OnNack(uint mediaSsrc, ReadOnlySpan<ushort> lostSequenceNumbers) { }
        public void OnPictureLossIndication(uint mediaSsrc) => Plis.Add(mediaSsrc);
        public void OnBye() { }
    }

    // RFC 3550 §6.4.2 receiver report, one §6.4.1 report block.
    private static readonly byte[] s_receiverReport =
    [
        0x81, 201, 0x00, 0x07,             // V=2 P=0 RC=1, PT=RR, length 8 words - 1
        0xAA, 0xBB, 0xCC, 0xDD,            // SSRC of packet sender (the browser)
        0x11, 0x22, 0x33, 0x44,            // SSRC_1 (our stream)
        0x40, 0x00, 0x01, 0x2C,            // fraction lost 64/256, cumulative lost 300
        0x00, 0x01, 0x10, 0x00,            // extended highest sequence number (1 cycle, seq 0x1000)
        0x00, 0x00, 0x00, 0x96,            // jitter 150
        0x12, 0x34, 0x56, 0x78,            // LSR
        0x00, 0x01, 0x80, 0x00,            // DLSR 1.5 s (units of 1/65536 s)
    ];

    // RFC 4585 §6.1 + §6.2.1 generic NACK: PT=RTPFB, FMT=1, one FCI with PID=100, BLP=0b101.
    private static readonly byte[] s_nack =
    [
        0x81, 205, 0x00, 0x03,
        0xAA, 0xBB, 0xCC, 0xDD,            // SSRC of packet sender
        0x11, 0x22, 0x33, 0x44,            // SSRC of media source
        0x00, 100, 0x00, 0b101,            // PID, BLP
    ];

    // RFC 4585 §6.3.1 PLI: PT=PSFB, FMT=1, no FCI.
    private static readonly byte[] s_pli = [0x81, 206, 0x00, 0x02, 0xAA, 0xBB, 0xCC, 0xDD, 0x11, 0x22, 0x33, 0x44];

    // RFC 5104 §4.3.1.1 FIR: PT=PSFB, FMT=4, media source 0, two FCI entries (SSRC, seq nr, reserved).
    private static readonly byte[] s_fir =
    [
        0x84, 206, 0x00, 0x06,
        0xAA, 0xBB, 0xCC, 0xDD,
        0x00, 0x00, 0x00, 0x00,
        0x11, 0x22, 0x33, 0x44, 0x07, 0x00, 0x00, 0x00,
        0x55, 0x66, 0x77, 0x88, 0x08, 0x00, 0x00, 0x00,
    ];

    // RFC 3550 §6.6 BYE with one SSRC.
    private static readonly byte[] s_bye = [0x81, 203, 0x00, 0x01, 0xAA, 0xBB, 0xCC, 0xDD];

    // RFC 3550 §6.5 SDES with a CNAME "ab" (skipped by the reader).
    private static readonly byte[] s_sdes = [0x81, 202, 0x00, 0x02, 0xAA, 0xBB, 0xCC, 0xDD, 0x01, 0x02, (byte)'a', (byte)'b'];

    // draft-alvestrand-rmcat-remb: PT=PSFB FMT=15 "REMB" (ignored).
    private static readonly byte[] s_remb =
    [
        0x8F, 206, 0x00, 0x05, 0xAA, 0xBB, 0xCC, 0xDD, 0x00, 0x00, 0x00, 0x00,
        (byte)'R', (byte)'E', (byte)'M', (byte)'B', 0x01, 0x0A, 0xBC, 0xDE, 0x11, 0x22, 0x33, 0x44,
    ];

    // transport-cc: PT=RTPFB FMT=15 (ignored; body not interpreted).
    private static readonly byte[] s_transportCc =
    [
        0x8F, 205, 0x00, 0x04, 0xAA, 0xBB, 0xCC, 0xDD, 0x11, 0x22, 0x33, 0x44,
        0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x01, 0x00,
    ];

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    [Fact]
    public void Rfc3550_6_4_2_ReceiverReportBlock()
    {
        var handler = new Recorder();
        RtcpCompoundReader.TryRead(s_receiverReport, handler).Should().BeTrue();
        handler.Reports.Should().ContainSingle().Which.Should().Be(new RtcpReportBlock(
            ReporterSsrc: 0xAABBCCDD, Ssrc: 0x11223344, FractionLost: 64, CumulativeLost: 300,
            ExtendedHighestSequenceNumber: 0x00011000, Jitter: 150, LastSenderReport: 0x12345678,
            DelaySinceLastSenderReport: 0x00018000));
        handler.Reports[0].FractionLostRatio.Should().Be(0.25);
    }

    [Fact]
    public void Rfc3550_6_4_1_CumulativeLostIsSigned24Bit()
    {
        byte[] rr = (byte[])s_receiverReport.Clone();
        rr[13] = 0xFF; rr[14] = 0xFF; rr[15] = 0xFE; // -2 (duplicates)
        var handler = new Recorder();
        RtcpCompoundReader.TryRead(rr, handler).Should().BeTrue();
        handler.Reports[0].CumulativeLost.Should().Be(-2);
    }

    [Fact]
    public void Rfc3550_6_4_1_SenderReportWithReportBlock()
    {
        byte[] sr = Concat([0x81, 200, 0x00, 0x0C, 0xAA, 0xBB, 0xCC, 0xDD], new byte[20], s_receiverReport[8..]);
        var handler = new Recorder();
        RtcpCompoundReader.TryRead(sr, handler).Should().BeTrue();
        handler.Reports.Should().ContainSingle().Which.Jitter.Should().Be(150);
    }

    [Fact]
    public void Rfc3550_6_4_1_RoundTripTime_FromLsrAndDlsr()
    {
        var block = new RtcpReportBlock(1, 2, 0, 0, 0, 0, LastSenderReport: 0x0001_0000, DelaySinceLastSenderReport: 0x0000_8000);
        block.TryGetRoundTripTime(0x0001_C000, out TimeSpan rtt).Should().BeTrue();
        rtt.Should().Be(TimeSpan.FromMilliseconds(250));
        (block with { LastSenderReport = 0 }).TryGetRoundTripTime(0x0001_C000, out _).Should().BeFalse("no SR seen yet");
    }

    [Fact]
    public void Rfc4585_6_2_1_GenericNack_PidAndBlpExpand()
    {
        var handler = new Recorder();
        RtcpCompoundReader.TryRead(s_nack, handler).Should().BeTrue();
        handler.Nacks.Should().ContainSingle();
        handler.Nacks[0].Ssrc.Should().Be(0x11223344);
        handler.Nacks[0].Lost.Should().Equal(100, 101, 103);
    }

    [Fact]
    public void Rfc4585_6_2_1_NackExpansion_AllBitsAndSequenceWrap()
    {
        Span<ushort> lost = stackalloc ushort[17];
        RtcpCompoundReader.ExpandNack(65530, 0xFFFF, lost).Should().Be(17);
        lost.ToArray().Should().Equal(65530, 65531, 65532, 65533, 65534, 65535, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
        RtcpCompoundReader.ExpandNack(7, 0, lost).Should().Be(1);
        RtcpCompoundReader.ExpandNack(7, 0x8000, lost).Should().Be(2);
        lost[1].Should().Be(23);
    }

    [Fact]
    public void Rfc4585_6_2_1_NackWithManyFcis_ReportsEveryLostPacketOnce()
    {
        const int fciCount = 40; // more than fits one batch of the reader
        byte[] packet = new byte[12 + (4 * fciCount)];
        s_nack.AsSpan(0, 12).CopyTo(packet);
        packet[3] = (byte)((packet.Length / 4) - 1);
        var expected = new List<ushort>();
        for (int i = 0; i < fciCount; i++)
        {
            ushort pid = (ushort)(i * 20);
            packet[12 + (4 * i)] = (byte)(pid >> 8);
            packet[13 + (4 * i)] = (byte)pid;
            packet[14 + (4 * i)] = 0xFF;
            packet[15 + (4 * i)] = 0xFF;
            expected.AddRange(Enumerable.Range(pid, 17).Select(x => (ushort)x));
        }

        var handler = new Recorder();
        RtcpCompoundReader.TryRead(packet, handler).Should().BeTrue();
        handler.Nacks.SelectMany(n => n.Lost).Should().Equal(expected);
        handler.Nacks.Should().HaveCountGreaterThan(1);
    }

    [Fact]
    public void Rfc4585_6_3_1_PictureLossIndication()
    {
        var handler = new Recorder();
        RtcpCompoundReader.TryRead(s_pli, handler).Should().BeTrue();
        handler.Plis.Should().Equal(0x11223344u);
    }

    [Fact]
    public void Rfc5104_4_3_1_FullIntraRequest_OneCallPerEntry()
    {
        var handler = new Recorder();
        RtcpCompoundReader.TryRead(s_fir, handler).Should().BeTrue();
        handler.Firs.Should().Equal((0x11223344u, (byte)7), (0x55667788u, (byte)8));
    }

    [Fact]
    public void Rfc5104_4_3_1_FullIntraRequest_DefaultsToPli()
    {
        var handler = new PliOnly();
        RtcpCompoundReader.TryRead(s_fir, handler).Should().BeTrue();
        handler.Plis.Should().Equal(0x11223344u, 0x55667788u);
    }

    [Fact]
    public void Rfc3550_6_6_Bye()
    {
        var handler = new Recorder();
        RtcpCompoundReader.TryRead(s_bye, handler).Should().BeTrue();
        handler.Byes.Should().Be(1);
    }

    [Fact]
    public void Rfc3550_6_1_Compound_RrSdesNackPliRembTransportCcBye()
    {
        var handler = new Recorder();
        RtcpCompoundReader.TryRead(Concat(s_receiverReport, s_sdes, s_nack, s_pli, s_remb, s_transportCc, s_bye), handler)
            .Should().BeTrue();
        handler.Reports.Should().HaveCount(1);
        handler.Nacks.Should().HaveCount(1);
        handler.Plis.Should().HaveCount(1);
        handler.Firs.Should().BeEmpty("REMB is PSFB FMT 15, not a FIR");
        handler.Byes.Should().Be(1);
    }

    [Fact]
    public void Rfc3550_6_4_1_PaddingOnTheLastPacket_IsAccepted()
    {
        byte[] paddedPli = [0xA1, 206, 0x00, 0x03, 0xAA, 0xBB, 0xCC, 0xDD, 0x11, 0x22, 0x33, 0x44, 0x00, 0x00, 0x00, 0x04];
        var handler = new Recorder();
        RtcpCompoundReader.TryRead(Concat(s_receiverReport, paddedPli), handler).Should().BeTrue();
        handler.Plis.Should().ContainSingle();

        RtcpCompoundReader.TryRead(Concat(paddedPli, s_receiverReport), new Recorder())
            .Should().BeFalse("only the last packet of a compound may carry padding");
    }

    [Fact]
    public void TruncatedCompound_ReturnsFalse_WithoutAnyCallback()
    {
        byte[] compound = Concat(s_receiverReport, s_nack, s_fir, s_pli, s_bye);
        var boundaries = new HashSet<int> { s_receiverReport.Length };
        boundaries.Add(boundaries.Max() + s_nack.Length);
        boundaries.Add(boundaries.Max() + s_fir.Length);
        boundaries.Add(boundaries.Max() + s_pli.Length);
        for (int length = 0; length < compound.Length; length++)
        {
            if (boundaries.Contains(length))
            {
                continue; // a cut between packets is a shorter but valid compound
            }

            var handler = new Recorder();
            RtcpCompoundReader.TryRead(compound.AsSpan(0, length), handler).Should().BeFalse($"cut at {length}");
            handler.Calls.Should().Be(0, "nothing is reported from a malformed compound");
        }
    }

    [Theory]
    [InlineData(new byte[] { 0x41, 201, 0x00, 0x01, 0, 0, 0, 1 })]                    // version 1
    [InlineData(new byte[] { 0x82, 201, 0x00, 0x07, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 })] // RC=2, room for 1
    [InlineData(new byte[] { 0x81, 205, 0x00, 0x02, 0, 0, 0, 1, 0, 0, 0, 2 })]          // NACK without FCI
    [InlineData(new byte[] { 0x84, 206, 0x00, 0x03, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 2 })] // FIR with half an entry
    [InlineData(new byte[] { 0x81, 206, 0x00, 0x01, 0, 0, 0, 1 })]                    // PLI shorter than the FB header
    [InlineData(new byte[] { 0x82, 203, 0x00, 0x01, 0, 0, 0, 1 })]                    // BYE SC=2 in one word
    [InlineData(new byte[] { 0xA1, 206, 0x00, 0x02, 0, 0, 0, 1, 0, 0, 0, 2 })]          // padding count 2... ends in 0x02 but PLI too short
    [InlineData(new byte[] { 0xA0, 201, 0x00, 0x01, 0, 0, 0, 0 })]                    // padding count 0
    [InlineData(new byte[] { 0x80, 201 })]                                             // shorter than a header
    public void MalformedPackets_AreRejected(byte[] packet)
    {
        var handler = new Recorder();
        RtcpCompoundReader.TryRead(packet, handler).Should().BeFalse();
        handler.Calls.Should().Be(0);
    }

    [Fact]
    public void RandomBytes_NeverThrow()
    {
        var random = new Random(4585);
        byte[] buffer = new byte[300];
        var handler = new Recorder();
        byte[][] seeds = [s_receiverReport, s_nack, s_pli, s_fir, s_bye, s_remb];
        for (int i = 0; i < 30_000; i++)
        {
            int length = random.Next(buffer.Length);
            random.NextBytes(buffer.AsSpan(0, length));
            if (i % 3 == 0)
            {
                // Mutate a valid packet so the walk gets deep into the type-specific readers.
                byte[] seed = seeds[random.Next(seeds.Length)];
                length = seed.Length;
                seed.CopyTo(buffer, 0);
                buffer[random.Next(length)] = (byte)random.Next(256);
            }
            else if (length > 1)
            {
                buffer[0] = (byte)(0x80 | (buffer[0] & 0x3F));
                buffer[1] = (byte)(200 + random.Next(8));
            }

            RtcpCompoundReader.TryRead(buffer.AsSpan(0, length), handler);
        }
    }
}
