using CamStudio.Media.Rtcp;

namespace CamStudio.Tests.Media.Rtcp;

public class RtcpSenderReportTests
{
    [Fact]
    public void Rfc3550_6_4_1_SenderReportByteLayout()
    {
        byte[] buffer = new byte[40];
        int written = RtcpSenderReport.Write(buffer, ssrc: 0x11223344, ntpTimestamp: 0xE1A2B3C4_80000000,
            rtpTimestamp: 0xDEADBEEF, packetCount: 1000, octetCount: 1_000_000);

        written.Should().Be(28);
        byte[] expected =
        [
            0x80, 200, 0x00, 0x06,             // V=2 P=0 RC=0, PT=SR, length = 7 words - 1
            0x11, 0x22, 0x33, 0x44,            // SSRC of sender
            0xE1, 0xA2, 0xB3, 0xC4,            // NTP seconds
            0x80, 0x00, 0x00, 0x00,            // NTP fraction (0.5 s)
            0xDE, 0xAD, 0xBE, 0xEF,            // RTP timestamp
            0x00, 0x00, 0x03, 0xE8,            // packet count 1000
            0x00, 0x0F, 0x42, 0x40,            // octet count 1,000,000
        ];
        buffer.AsSpan(0, written).ToArray().Should().Equal(expected);
        buffer.AsSpan(written).ToArray().Should().OnlyContain(b => b == 0);
    }

    [Fact]
    public void TooSmallDestination_TryWriteFails_WriteThrows()
    {
        RtcpSenderReport.TryWrite(new byte[27], 1, 2, 3, 4, 5, out int written).Should().BeFalse();
        written.Should().Be(0);
        FluentActions.Invoking(() => RtcpSenderReport.Write(new byte[27], 1, 2, 3, 4, 5)).Should().Throw<ArgumentException>();
    }

    [Fact]
    public void WrittenReport_ReadsBackAsValidCompound()
    {
        byte[] buffer = new byte[28];
        RtcpSenderReport.Write(buffer, 1, 2, 3, 4, 5);
        RtcpCompoundReader.IsValid(buffer).Should().BeTrue();
    }

    [Fact]
    public void Rfc3550_4_NtpTimestamp_CountsFrom1900_WithBinaryFraction()
    {
        // 1970-01-01 is 2,208,988,800 s after the NTP epoch.
        ulong ntp = NtpTime.FromDateTimeOffset(new DateTimeOffset(1970, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMilliseconds(500));
        (ntp >> 32).Should().Be(2_208_988_800UL);
        ((uint)ntp).Should().Be(0x80000000u);
        NtpTime.ToCompact(0x1234_5678_9ABC_DEF0).Should().Be(0x5678_9ABCu);
    }

    [Theory]
    [InlineData(90_000, 500, 1000u + 45_000u)]
    [InlineData(48_000, 500, 1000u + 24_000u)]
    [InlineData(8_000, 500, 1000u + 4_000u)]
    [InlineData(8_000, 0, 1000u)]
    [InlineData(8_000, -20, 1000u)]
    public void Rfc3550_6_4_1_RtpTimestampOfTheReportIsExtrapolatedOnTheStreamsOwnClock(int clockRate, int sinceLastMs, uint expected)
    {
        // Audio and video SRs of one round carry the same NTP time; each RTP timestamp is that instant on its own clock.
        RtcpSenderReport.ExtrapolateRtpTimestamp(1000, TimeSpan.FromMilliseconds(sinceLastMs), clockRate).Should().Be(expected);
    }

    [Fact]
    public void ExtrapolatedRtpTimestamp_WrapsLikeRtpTimestamps()
    {
        RtcpSenderReport.ExtrapolateRtpTimestamp(uint.MaxValue - 99, TimeSpan.FromMilliseconds(25), 8000).Should().Be(100u);
    }
}

public class RtcpSenderReportReadTests
{
    [Fact]
    public void A_written_report_reads_back()
    {
        byte[] buffer = new byte[28 + 12];
        RtcpSenderReport.Write(buffer, ssrc: 0x11223344, ntpTimestamp: 0xE1A2B3C4_80000000, rtpTimestamp: 0xDEADBEEF,
            packetCount: 5, octetCount: 6);

        // FFmpeg follows its SR with an SDES in the same datagram: only the first packet is read.
        RtcpSenderReport.TryRead(buffer, out uint ssrc, out ulong ntp, out uint rtp).Should().BeTrue();

        (ssrc, ntp, rtp).Should().Be((0x11223344u, 0xE1A2B3C4_80000000UL, 0xDEADBEEFu));
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 0x80, 200, 0x00, 0x06, 1, 2, 3, 4 })] // cut short
    [InlineData(new byte[] { 0x80, 201, 0x00, 0x06, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24 })] // RR
    [InlineData(new byte[] { 0x40, 200, 0x00, 0x06, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24 })] // version 1
    [InlineData(new byte[] { 0x80, 200, 0x00, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24 })] // length too small
    public void Anything_but_a_sender_report_is_refused_without_throwing(byte[] datagram)
    {
        RtcpSenderReport.TryRead(datagram, out _, out _, out _).Should().BeFalse();
    }
}
