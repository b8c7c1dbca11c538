using CamStudio.Media.Rtp;

namespace CamStudio.Tests.Media.Rtp;

public class RtpHeaderTests
{
    // Built by hand from the RFC 3550 §5.1 diagram: V=2 P=1 X=1 CC=2 | M=1 PT=96 | seq 0x1234 | ts 0xDEADBEEF |
    // SSRC 0x11223344 | 2 CSRCs | §5.3.1 extension (profile 0xBEDE, 1 word) | 3 payload bytes | 4 bytes padding.
    private static readonly byte[] s_fullPacket =
    [
        0b10_1_1_0010, 0b1_1100000, 0x12, 0x34,
        0xDE, 0xAD, 0xBE, 0xEF,
        0x11, 0x22, 0x33, 0x44,
        0xAA, 0xAA, 0xAA, 0xAA,
        0xBB, 0xBB, 0xBB, 0xBB,
        0xBE, 0xDE, 0x00, 0x01,
        0x10, 0xFF, 0x00, 0x00,
        0x65, 0x66, 0x67,
        0x00, 0x00, 0x00, 0x04,
    ];

    [Fact]
    public void Rfc3550_5_1_HeaderWithCsrcExtensionAndPadding()
    {
        RtpHeader.TryRead(s_fullPacket, out RtpHeader h).Should().BeTrue();
        h.HasPadding.Should().BeTrue();
        h.HasExtension.Should().BeTrue();
        h.CsrcCount.Should().Be(2);
        h.Marker.Should().BeTrue();
        h.PayloadType.Should().Be(96);
        h.SequenceNumber.Should().Be(0x1234);
        h.Timestamp.Should().Be(0xDEADBEEF);
        h.Ssrc.Should().Be(0x11223344);
        h.ExtensionProfile.Should().Be(0xBEDE);
        h.HeaderLength.Should().Be(12 + 8 + 4 + 4);
        h.PaddingLength.Should().Be(4);
        h.PayloadLength.Should().Be(3);
        s_fullPacket.AsSpan(h.HeaderLength, h.PayloadLength).ToArray().Should().Equal(0x65, 0x66, 0x67);
        RtpHeader.ReadCsrc(s_fullPacket, 1).Should().Be(0xBBBBBBBB);
    }

    [Fact]
    public void Rfc3550_5_1_MinimalHeader()
    {
        byte[] packet = [0x80, 0x60, 0xFF, 0xFF, 0, 0, 0, 1, 0, 0, 0, 2, 0x7C];
        RtpHeader.TryRead(packet, out RtpHeader h).Should().BeTrue();
        h.Marker.Should().BeFalse();
        h.PayloadType.Should().Be(96);
        h.SequenceNumber.Should().Be(0xFFFF);
        h.Timestamp.Should().Be(1);
        h.Ssrc.Should().Be(2);
        h.HeaderLength.Should().Be(12);
        h.PaddingLength.Should().Be(0);
        h.PayloadLength.Should().Be(1);
    }

    [Fact]
    public void HeaderOnly_IsValidWithEmptyPayload()
    {
        RtpHeader.TryRead(s_fullPacket.AsSpan(0, 12).ToArray().Select((b, i) => i == 0 ? (byte)0x80 : b).ToArray(),
            out RtpHeader h).Should().BeTrue();
        h.PayloadLength.Should().Be(0);
    }

    [Fact]
    public void EveryTruncation_IsRejected()
    {
        // Shorter than the CSRC list, the extension, or than header + padding count: all must fail, none may throw.
        const int headerPlusPadding = 28 + 4;
        for (int length = 0; length < headerPlusPadding; length++)
        {
            byte[] cut = s_fullPacket[..length];
            if (length > 0)
            {
                cut[^1] = 4; // keep a plausible padding count at the end so only the length is wrong
            }

            RtpHeader.TryRead(cut, out _).Should().BeFalse($"length {length} cannot hold header + padding");
        }
    }

    [Theory]
    [InlineData(0x40)] // version 1
    [InlineData(0x00)] // version 0
    [InlineData(0xC0)] // version 3
    public void WrongVersion_IsRejected(byte firstByte)
    {
        byte[] packet = [firstByte, 0x60, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1];
        RtpHeader.TryRead(packet, out _).Should().BeFalse();
    }

    [Fact]
    public void ZeroPaddingCount_IsRejected()
    {
        byte[] packet = [0xA0, 0x60, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0x00];
        RtpHeader.TryRead(packet, out _).Should().BeFalse();
    }

    [Fact]
    public void RandomBytes_NeverThrow()
    {
        var random = new Random(3550);
        byte[] buffer = new byte[200];
        for (int i = 0; i < 20_000; i++)
        {
            int length = random.Next(buffer.Length);
            random.NextBytes(buffer.AsSpan(0, length));
            if (i % 2 == 0 && length > 0)
            {
                buffer[0] = (byte)(0x80 | (buffer[0] & 0x3F)); // half the cases get past the version check
            }

            if (RtpHeader.TryRead(buffer.AsSpan(0, length), out RtpHeader h))
            {
                (h.HeaderLength + h.PaddingLength).Should().BeLessThanOrEqualTo(length);
                h.PayloadLength.Should().BeGreaterThanOrEqualTo(0);
            }
        }
    }

    [Fact]
    public void Writer_RewritesFieldsInPlace_AndKeepsTheRest()
    {
        byte[] packet = (byte[])s_fullPacket.Clone();
        RtpPacketWriter.SetSequenceNumber(packet, 0xABCD);
        RtpPacketWriter.SetTimestamp(packet, 0x01020304);
        RtpPacketWriter.SetSsrc(packet, 0xCAFEBABE);
        RtpPacketWriter.SetPayloadType(packet, 102);
        RtpHeader.TryRead(packet, out RtpHeader h).Should().BeTrue();
        h.SequenceNumber.Should().Be(0xABCD);
        h.Timestamp.Should().Be(0x01020304);
        h.Ssrc.Should().Be(0xCAFEBABE);
        h.PayloadType.Should().Be(102);
        h.Marker.Should().BeTrue("setting the payload type keeps the marker");

        RtpPacketWriter.SetMarker(packet, false);
        RtpHeader.TryRead(packet, out h).Should().BeTrue();
        h.Marker.Should().BeFalse();
        h.PayloadType.Should().Be(102, "clearing the marker keeps the payload type");
        RtpPacketWriter.SetMarker(packet, true);
        packet[1].Should().Be(0x80 | 102);
        packet.AsSpan(12).ToArray().Should().Equal(s_fullPacket.AsSpan(12).ToArray());
        packet[0].Should().Be(s_fullPacket[0]);
    }
}
