using System.Buffers.Binary;

namespace CamStudio.Media.Rtcp;

// RFC 3550 §6.4.1 sender report without report blocks (we only send, so there is nothing to report on):
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |V=2|P|    RC   |   PT=SR=200   |             length            |
// |                         SSRC of sender                        |
// |              NTP timestamp, most significant word             |
// |             NTP timestamp, least significant word             |
// |                         RTP timestamp                         |
// |                     sender's packet count                     |
// |                      sender's octet count                     |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+

/// <summary>Writes an RFC 3550 sender report (RC = 0), and reads the sender info of one (FFmpeg's, on loopback).</summary>
public static class RtcpSenderReport
{
    public const int Length = 28;
    private const int SsrcOffset = 4;
    private const int NtpOffset = 8;
    private const int RtpTimestampOffset = 16;
    private const int PacketCountOffset = 20;
    private const int OctetCountOffset = 24;

    public static int GetByteCount() => Length;

    /// <summary>
    /// Reads the sender info of the first packet of an RTCP compound when it is a sender report (the RFC 3550 §6.1
    /// rule: a compound starts with an SR or RR). False, without throwing, for anything else or too few bytes.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> compound, out uint ssrc, out ulong ntpTimestamp, out uint rtpTimestamp)
    {
        ssrc = 0;
        ntpTimestamp = 0;
        rtpTimestamp = 0;
        if (compound.Length < RtpTimestampOffset + 4
            || compound[0] >> 6 != 2
            || compound[1] != (byte)RtcpPacketType.SenderReport
            || (BinaryPrimitives.ReadUInt16BigEndian(compound[2..]) + 1) * 4 < Length)
        {
            return false;
        }

        ssrc = BinaryPrimitives.ReadUInt32BigEndian(compound[SsrcOffset..]);
        ntpTimestamp = BinaryPrimitives.ReadUInt64BigEndian(compound[NtpOffset..]);
        rtpTimestamp = BinaryPrimitives.ReadUInt32BigEndian(compound[RtpTimestampOffset..]);
        return true;
    }

    public static bool TryWrite(Span<byte> destination, uint ssrc, ulong ntpTimestamp, uint rtpTimestamp,
        uint packetCount, uint octetCount, out int bytesWritten)
    {
        if (destination.Length < Length)
        {
            bytesWritten = 0;
            return false;
        }

        destination[0] = 0x80; // V=2, P=0, RC=0
        destination[1] = (byte)RtcpPacketType.SenderReport;
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (Length / 4) - 1);
        BinaryPrimitives.WriteUInt32BigEndian(destination[SsrcOffset..], ssrc);
        BinaryPrimitives.WriteUInt64BigEndian(destination[NtpOffset..], ntpTimestamp);
        BinaryPrimitives.WriteUInt32BigEndian(destination[RtpTimestampOffset..], rtpTimestamp);
        BinaryPrimitives.WriteUInt32BigEndian(destination[PacketCountOffset..], packetCount);
        BinaryPrimitives.WriteUInt32BigEndian(destination[OctetCountOffset..], octetCount);
        bytesWritten = Length;
        return true;
    }

    /// <summary>
    /// The RTP timestamp that corresponds to "now" (the SR's NTP time, §6.4.1): the last sent packet's timestamp
    /// advanced by the wall time since it was sent, on the stream's own clock. Every stream of a viewer is extrapolated
    /// to the same NTP instant this way, which is how the receiver maps audio and video onto one timeline (lip sync).
    /// </summary>
    public static uint ExtrapolateRtpTimestamp(uint lastRtpTimestamp, TimeSpan sinceLastPacket, int clockRate)
    {
        // A negative span (clock read out of order) or an absurd one must not wrap the timestamp backwards.
        double ticks = Math.Clamp(sinceLastPacket.TotalSeconds, 0, 3600) * clockRate;
        return unchecked(lastRtpTimestamp + (uint)(ulong)ticks);
    }

    /// <summary>Writes the report and returns its length (28); throws if <paramref name="dest"/> is shorter.</summary>
    public static int Write(Span<byte> dest, uint ssrc, ulong ntpTimestamp, uint rtpTimestamp, uint packetCount, uint octetCount)
    {
        if (!TryWrite(dest, ssrc, ntpTimestamp, rtpTimestamp, packetCount, octetCount, out int written))
        {
            throw new ArgumentException($"A sender report needs {Length} bytes.", nameof(dest));
        }

        return written;
    }
}
