using CamStudio.Media.Srtp;
using static CamStudio.Tests.Media.Srtp.SrtpTestData;

namespace CamStudio.Tests.Media.Srtp;

public class SrtpContextTests
{
    private const uint Ssrc = 0x11223344;

    public static TheoryData<SrtpProfile> Profiles => new() { SrtpProfile.Aes128CmHmacSha1_80, SrtpProfile.AeadAes128Gcm };

    [Theory]
    [MemberData(nameof(Profiles))]
    public void Rtp_RoundTrip_RestoresPacketAndAddsOverhead(SrtpProfile profile)
    {
        (SrtpContext sender, SrtpContext receiver) = CreatePair(profile);
        using (sender)
        using (receiver)
        {
            foreach (int payload in new[] { 0, 1, 15, 16, 17, 160, 1188 })
            {
                byte[] plain = RtpPacket(Ssrc, (ushort)(100 + payload), payload, seed: payload);
                byte[] buffer = WithRoom(plain);

                sender.TryProtectRtp(buffer, plain.Length, out int protectedLength).Should().BeTrue();
                protectedLength.Should().Be(plain.Length + SrtpProfileInfo.RtpOverhead(profile));
                buffer.AsSpan(0, 12).ToArray().Should().Equal(plain[..12], "the RTP header stays in the clear");
                if (payload >= 16)
                {
                    buffer.AsSpan(12, payload).ToArray().Should().NotEqual(plain[12..], "the payload is encrypted");
                }

                receiver.TryUnprotectRtp(buffer, protectedLength, out int plainLength).Should().BeTrue();
                buffer.AsSpan(0, plainLength).ToArray().Should().Equal(plain);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void Rtcp_RoundTrip_RestoresPacketAndAddsOverhead(SrtpProfile profile)
    {
        (SrtpContext sender, SrtpContext receiver) = CreatePair(profile);
        using (sender)
        using (receiver)
        {
            for (int i = 0; i < 5; i++)
            {
                byte[] plain = RtcpReceiverReport(Ssrc, seed: i);
                byte[] buffer = WithRoom(plain);

                sender.TryProtectRtcp(buffer, plain.Length, out int protectedLength).Should().BeTrue();
                protectedLength.Should().Be(plain.Length + SrtpProfileInfo.RtcpOverhead(profile));
                buffer.AsSpan(8, 24).ToArray().Should().NotEqual(plain[8..], "SRTCP encrypts everything after the first 8 bytes");

                receiver.TryUnprotectRtcp(buffer, protectedLength, out int plainLength).Should().BeTrue();
                buffer.AsSpan(0, plainLength).ToArray().Should().Equal(plain);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void Rtp_AnySingleBitFlip_FailsAuthentication(SrtpProfile profile)
    {
        (SrtpContext sender, SrtpContext receiver) = CreatePair(profile);
        using (sender)
        using (receiver)
        {
            byte[] plain = RtpPacket(Ssrc, 7, 40);
            byte[] buffer = WithRoom(plain);
            sender.TryProtectRtp(buffer, plain.Length, out int length).Should().BeTrue();
            byte[] wire = buffer[..length];

            for (int bit = 0; bit < length * 8; bit++)
            {
                byte[] tampered = (byte[])wire.Clone();
                tampered[bit / 8] ^= (byte)(1 << (bit % 8));
                receiver.TryUnprotectRtp(tampered, length, out _).Should().BeFalse("bit {0} was flipped", bit);
            }

            // The untouched packet still authenticates: no failed attempt consumed its index.
            receiver.TryUnprotectRtp(wire, length, out _).Should().BeTrue();
        }
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void Rtcp_AnySingleBitFlip_FailsAuthentication(SrtpProfile profile)
    {
        (SrtpContext sender, SrtpContext receiver) = CreatePair(profile);
        using (sender)
        using (receiver)
        {
            byte[] plain = RtcpReceiverReport(Ssrc);
            byte[] buffer = WithRoom(plain);
            sender.TryProtectRtcp(buffer, plain.Length, out int length).Should().BeTrue();
            byte[] wire = buffer[..length];

            for (int bit = 0; bit < length * 8; bit++)
            {
                byte[] tampered = (byte[])wire.Clone();
                tampered[bit / 8] ^= (byte)(1 << (bit % 8));
                receiver.TryUnprotectRtcp(tampered, length, out _).Should().BeFalse("bit {0} was flipped", bit);
            }

            receiver.TryUnprotectRtcp(wire, length, out _).Should().BeTrue();
        }
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void Rtp_ReplayedPacket_IsRejected(SrtpProfile profile)
    {
        (SrtpContext sender, SrtpContext receiver) = CreatePair(profile);
        using (sender)
        using (receiver)
        {
            byte[] wire = Protect(sender, RtpPacket(Ssrc, 500, 100));
            receiver.TryUnprotectRtp((byte[])wire.Clone(), wire.Length, out _).Should().BeTrue();
            receiver.TryUnprotectRtp((byte[])wire.Clone(), wire.Length, out _).Should().BeFalse("RFC 3711 §3.3.2 replay");
        }
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void Rtcp_ReplayedPacket_IsRejected(SrtpProfile profile)
    {
        (SrtpContext sender, SrtpContext receiver) = CreatePair(profile);
        using (sender)
        using (receiver)
        {
            byte[] buffer = WithRoom(RtcpReceiverReport(Ssrc));
            sender.TryProtectRtcp(buffer, 32, out int length).Should().BeTrue();
            byte[] wire = buffer[..length];
            receiver.TryUnprotectRtcp((byte[])wire.Clone(), length, out _).Should().BeTrue();
            receiver.TryUnprotectRtcp((byte[])wire.Clone(), length, out _).Should().BeFalse();
        }
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void Rtp_ReorderedWithinWindow_Accepted_TooOld_Rejected(SrtpProfile profile)
    {
        (SrtpContext sender, SrtpContext receiver) = CreatePair(profile);
        using (sender)
        using (receiver)
        {
            byte[][] wires = Enumerable.Range(0, 100).Select(i => Protect(sender, RtpPacket(Ssrc, (ushort)(1000 + i), 20, i))).ToArray();

            Unprotect(receiver, wires[99]).Should().BeTrue();
            Unprotect(receiver, wires[50]).Should().BeTrue("49 behind the highest is inside the 64-packet window");
            Unprotect(receiver, wires[36]).Should().BeTrue("63 behind is the window's last slot");
            Unprotect(receiver, wires[35]).Should().BeFalse("64 behind has left the window");
            Unprotect(receiver, wires[50]).Should().BeFalse("already seen");
        }
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void Rtp_SequenceRollover_AdvancesRocOnBothSides(SrtpProfile profile)
    {
        (SrtpContext sender, SrtpContext receiver) = CreatePair(profile);
        using (sender)
        using (receiver)
        {
            // Two full wraps: 0xFFF0 .. 0xFFFF, 0 .. 0xFFFF, 0 .. 0x0010 with some loss around each wrap.
            ushort sequence = 0xFFF0;
            for (int i = 0; i < 65_536 + 33; i++, sequence++)
            {
                if (sequence is 0xFFFF or 0x0000 && i > 65_000)
                {
                    continue; // lose both packets next to the second wrap
                }

                byte[] wire = Protect(sender, RtpPacket(Ssrc, sequence, 8, i));
                Unprotect(receiver, wire).Should().BeTrue("packet {0} (seq {1:X4}) must round-trip", i, sequence);
            }

            sender.GetSendRolloverCounter(Ssrc).Should().Be(2);
            receiver.GetReceiveRolloverCounter(Ssrc).Should().Be(2);
        }
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void Rtp_LatePacketFromBeforeTheWrap_StillDecrypts(SrtpProfile profile)
    {
        (SrtpContext sender, SrtpContext receiver) = CreatePair(profile);
        using (sender)
        using (receiver)
        {
            byte[] beforeWrap = Protect(sender, RtpPacket(Ssrc, 0xFFFE, 30));
            byte[] afterWrap = Protect(sender, RtpPacket(Ssrc, 0x0001, 30));

            Unprotect(receiver, afterWrap).Should().BeFalse("the receiver has not seen this SSRC yet and assumes ROC 0");
            Unprotect(receiver, beforeWrap).Should().BeTrue();
            Unprotect(receiver, afterWrap).Should().BeTrue("0xFFFE -> 0x0001 is a wrap: ROC 1");
            receiver.GetReceiveRolloverCounter(Ssrc).Should().Be(1);

            byte[] lateBeforeWrap = Protect(sender, RtpPacket(Ssrc, 0xFFFF, 30));
            Unprotect(receiver, lateBeforeWrap).Should().BeTrue("a late packet from ROC 0 is estimated as ROC - 1");
            receiver.GetReceiveRolloverCounter(Ssrc).Should().Be(1);
        }
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void Rtp_Retransmission_ReusesTheOriginalIndex(SrtpProfile profile)
    {
        // A NACK retransmission re-protects an older sequence number; it must not be taken for a wrap.
        (SrtpContext sender, SrtpContext receiver) = CreatePair(profile);
        using (sender)
        using (receiver)
        {
            byte[] plain = RtpPacket(Ssrc, 0xFFFD, 30);
            byte[] first = Protect(sender, plain);
            Protect(sender, RtpPacket(Ssrc, 0x0002, 30));
            byte[] again = Protect(sender, plain);

            again.Should().Equal(first, "same index, same keystream, same tag");
            sender.GetSendRolloverCounter(Ssrc).Should().Be(1);
        }
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void Rtp_ForgedPacket_DoesNotAdvanceReceiverState(SrtpProfile profile)
    {
        (SrtpContext sender, SrtpContext receiver) = CreatePair(profile);
        using (sender)
        using (receiver)
        {
            Unprotect(receiver, Protect(sender, RtpPacket(Ssrc, 0xFFF0, 30))).Should().BeTrue();

            // Sequence 5 would mean "wrapped": if it moved state the receiver would be at ROC 1.
            Unprotect(receiver, Forge(profile, RtpPacket(Ssrc, 0x0005, 30))).Should().BeFalse();
            receiver.GetReceiveRolloverCounter(Ssrc).Should().Be(0);
            Unprotect(receiver, Protect(sender, RtpPacket(Ssrc, 0xFFF2, 30))).Should().BeTrue("still on ROC 0");

            // A forgery with the next genuine sequence number must not burn that slot in the replay window.
            Unprotect(receiver, Forge(profile, RtpPacket(Ssrc, 0xFFF3, 30))).Should().BeFalse();
            Unprotect(receiver, Protect(sender, RtpPacket(Ssrc, 0xFFF3, 30))).Should().BeTrue();

            // A forgery for an unseen SSRC must not create state for it.
            Unprotect(receiver, Forge(profile, RtpPacket(0x99999999, 1, 30))).Should().BeFalse();
            receiver.GetReceiveRolloverCounter(0x99999999).Should().BeNull();
        }
    }

    /// <summary>A well-formed SRTP packet under a key the receiver does not have.</summary>
    private static byte[] Forge(SrtpProfile profile, byte[] plain)
    {
        using var attacker = new SrtpContext(profile, new byte[16], new byte[SrtpProfileInfo.MasterSaltLength(profile)]);
        return Protect(attacker, plain);
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void Rtcp_ForgedPacket_DoesNotBurnItsIndex(SrtpProfile profile)
    {
        (SrtpContext sender, SrtpContext receiver) = CreatePair(profile);
        using (sender)
        using (receiver)
        using (var attacker = new SrtpContext(profile, new byte[16], new byte[SrtpProfileInfo.MasterSaltLength(profile)]))
        {
            byte[] forged = WithRoom(RtcpReceiverReport(Ssrc));
            attacker.TryProtectRtcp(forged, 32, out int forgedLength).Should().BeTrue();
            byte[] genuine = WithRoom(RtcpReceiverReport(Ssrc));
            sender.TryProtectRtcp(genuine, 32, out int genuineLength).Should().BeTrue();

            receiver.TryUnprotectRtcp(forged, forgedLength, out _).Should().BeFalse();
            receiver.TryUnprotectRtcp(genuine, genuineLength, out _).Should().BeTrue("index 0 is still unused");
        }
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void WrongKeys_FailAuthentication(SrtpProfile profile)
    {
        int saltLength = SrtpProfileInfo.MasterSaltLength(profile);
        using var sender = new SrtpContext(profile, Enumerable.Repeat((byte)1, 16).ToArray(), new byte[saltLength]);
        using var receiver = new SrtpContext(profile, Enumerable.Repeat((byte)2, 16).ToArray(), new byte[saltLength]);

        Unprotect(receiver, Protect(sender, RtpPacket(Ssrc, 1, 50))).Should().BeFalse();
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void BufferWithoutRoomForTheTag_IsRefused(SrtpProfile profile)
    {
        (SrtpContext sender, SrtpContext receiver) = CreatePair(profile);
        using (sender)
        using (receiver)
        {
            byte[] plain = RtpPacket(Ssrc, 1, 50);
            byte[] tight = WithRoom(plain, SrtpProfileInfo.RtpOverhead(profile) - 1);
            sender.TryProtectRtp(tight, plain.Length, out _).Should().BeFalse();
            tight.AsSpan(0, plain.Length).ToArray().Should().Equal(plain, "a refused packet is left as it was");

            byte[] rtcp = RtcpReceiverReport(Ssrc);
            sender.TryProtectRtcp(WithRoom(rtcp, SrtpProfileInfo.RtcpOverhead(profile) - 1), rtcp.Length, out _).Should().BeFalse();
            sender.TryProtectRtp(WithRoom(plain), plain.Length + 100, out _).Should().BeFalse("length beyond the buffer");
            sender.TryProtectRtp(WithRoom(plain), -1, out _).Should().BeFalse();
        }
    }

    [Fact]
    public void ProfileInfo_MatchesRfcSizes()
    {
        SrtpProfileInfo.MasterKeyLength(SrtpProfile.Aes128CmHmacSha1_80).Should().Be(16);
        SrtpProfileInfo.MasterSaltLength(SrtpProfile.Aes128CmHmacSha1_80).Should().Be(14);
        SrtpProfileInfo.RtpOverhead(SrtpProfile.Aes128CmHmacSha1_80).Should().Be(10);
        SrtpProfileInfo.RtcpOverhead(SrtpProfile.Aes128CmHmacSha1_80).Should().Be(14);
        SrtpProfileInfo.MasterKeyLength(SrtpProfile.AeadAes128Gcm).Should().Be(16);
        SrtpProfileInfo.MasterSaltLength(SrtpProfile.AeadAes128Gcm).Should().Be(12);
        SrtpProfileInfo.RtpOverhead(SrtpProfile.AeadAes128Gcm).Should().Be(16);
        SrtpProfileInfo.RtcpOverhead(SrtpProfile.AeadAes128Gcm).Should().Be(20);
        ((ushort)SrtpProfile.Aes128CmHmacSha1_80).Should().Be(0x0001);
        ((ushort)SrtpProfile.AeadAes128Gcm).Should().Be(0x0007);
    }

    [Fact]
    public void Constructor_WrongKeyOrSaltLength_Throws()
    {
        FluentActions.Invoking(() => new SrtpContext(SrtpProfile.Aes128CmHmacSha1_80, new byte[15], new byte[14])).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => new SrtpContext(SrtpProfile.AeadAes128Gcm, new byte[16], new byte[14])).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => new SrtpContext((SrtpProfile)0x0002, new byte[16], new byte[14])).Should().Throw<ArgumentException>();
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void DisposedContext_ReturnsFalse(SrtpProfile profile)
    {
        (SrtpContext sender, SrtpContext receiver) = CreatePair(profile);
        receiver.Dispose();
        sender.Dispose();
        sender.TryProtectRtp(WithRoom(RtpPacket(Ssrc, 1, 10)), 22, out _).Should().BeFalse();
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void RandomBytes_NeverThrow(SrtpProfile profile)
    {
        // Property test: garbage, truncations and near-valid packets must return false, never throw.
        var random = new Random(20_260_101 + (int)profile);
        (SrtpContext sender, SrtpContext receiver) = CreatePair(profile);
        using (sender)
        using (receiver)
        {
            byte[] validRtp = Protect(sender, RtpPacket(Ssrc, 1, 64));
            var buffer = new byte[1500];
            for (int i = 0; i < 5_000; i++)
            {
                int length = random.Next(0, 300);
                int capacity = random.Next(length, Math.Min(buffer.Length, length + 40) + 1);
                Span<byte> span = buffer.AsSpan(0, capacity);
                if (i % 3 == 0)
                {
                    // Start from a genuine packet so the header parses and the crypto path runs.
                    random.NextBytes(span);
                    validRtp.AsSpan(0, Math.Min(validRtp.Length, length)).CopyTo(span);
                    // Flip inside the genuine part so that no length can make it the untouched packet again.
                    span[random.Next(0, Math.Max(1, Math.Min(validRtp.Length, length)))] ^= (byte)random.Next(1, 256);
                }
                else
                {
                    random.NextBytes(span);
                    if (i % 2 == 0)
                    {
                        span[0] = (byte)(0x80 | (span[0] & 0x3F)); // version 2, to get past the first check
                    }
                }

                int requested = random.Next(0, 8) == 0 ? random.Next(-5, capacity + 10) : length;
                receiver.TryUnprotectRtp(span, requested, out _).Should().BeFalse();
                receiver.TryUnprotectRtcp(span, requested, out _).Should().BeFalse();
                _ = sender.TryProtectRtp(span, requested, out _);
                _ = sender.TryProtectRtcp(span, requested, out _);
            }
        }
    }

    private static (SrtpContext Sender, SrtpContext Receiver) CreatePair(SrtpProfile profile)
    {
        var random = new Random((int)profile);
        var key = new byte[SrtpProfileInfo.MasterKeyLength(profile)];
        var salt = new byte[SrtpProfileInfo.MasterSaltLength(profile)];
        random.NextBytes(key);
        random.NextBytes(salt);
        return (new SrtpContext(profile, key, salt), new SrtpContext(profile, key, salt));
    }

    private static byte[] Protect(SrtpContext context, byte[] plain)
    {
        byte[] buffer = WithRoom(plain);
        context.TryProtectRtp(buffer, plain.Length, out int length).Should().BeTrue();
        return buffer[..length];
    }

    private static bool Unprotect(SrtpContext context, byte[] wire) =>
        context.TryUnprotectRtp((byte[])wire.Clone(), wire.Length, out _);
}
