using System.Buffers.Binary;

namespace CamStudio.Media.Rtcp;

// RFC 3550 §6.4 common header of every packet in a compound packet:
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |V=2|P| RC/FMT  |      PT       |     length (32-bit words - 1) |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// RFC 4585 §6.1 feedback packets continue with:
// |                  SSRC of packet sender                        |
// |                  SSRC of media source                         |
// :            Feedback Control Information (FCI)                 :
// Generic NACK FCI (§6.2.1):           FIR FCI (RFC 5104 §4.3.1.1):
// |            PID                |             BLP               |   | SSRC | Seq nr. | Reserved (24 bits) |

/// <summary>
/// Reads a (possibly reduced-size, RFC 5506) compound RTCP packet from a viewer and reports RR blocks, generic NACKs,
/// PLI, FIR and BYE to a handler, without allocating. SDES, APP, XR, REMB, transport-cc and unknown types are skipped.
/// </summary>
public static class RtcpCompoundReader
{
    private const int CommonHeaderLength = 4;
    private const int SenderInfoLength = 20; // NTP (8), RTP timestamp, packet count, octet count
    private const int FeedbackHeaderLength = 12;
    private const int NackFciLength = 4;
    private const int FirFciLength = 8;
    private const int MaxLostPerFci = 17;
    private const int NackBatch = MaxLostPerFci * 16;

    /// <summary>
    /// Validates the whole compound first and only then calls <paramref name="handler"/>, so a malformed packet yields
    /// false with no callback at all (never an exception).
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> compound, IRtcpFeedbackHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        if (!Walk(compound, null))
        {
            return false;
        }

        Walk(compound, handler);
        return true;
    }

    /// <summary>True when <paramref name="compound"/> is well formed (what <see cref="TryRead"/> checks first).</summary>
    public static bool IsValid(ReadOnlySpan<byte> compound) => Walk(compound, null);

    private static bool Walk(ReadOnlySpan<byte> compound, IRtcpFeedbackHandler? handler)
    {
        if (compound.Length < CommonHeaderLength)
        {
            return false;
        }

        Span<ushort> lost = stackalloc ushort[NackBatch];
        while (!compound.IsEmpty)
        {
            if (compound.Length < CommonHeaderLength || compound[0] >> 6 != 2)
            {
                return false;
            }

            int packetLength = (BinaryPrimitives.ReadUInt16BigEndian(compound[2..]) + 1) * 4;
            if (packetLength > compound.Length)
            {
                return false;
            }

            ReadOnlySpan<byte> packet = compound[..packetLength];
            compound = compound[packetLength..];
            if ((packet[0] & 0x20) != 0)
            {
                // §6.4.1: only the last packet of a compound may be padded; the count includes itself.
                int padding = packet[^1];
                if (!compound.IsEmpty || padding == 0 || padding > packetLength - CommonHeaderLength)
                {
                    return false;
                }

                packet = packet[..^padding];
            }

            int count = packet[0] & 0x1F;
            bool ok = (RtcpPacketType)packet[1] switch
            {
                RtcpPacketType.SenderReport => ReadReports(packet, count, CommonHeaderLength + 4 + SenderInfoLength, handler),
                RtcpPacketType.ReceiverReport => ReadReports(packet, count, CommonHeaderLength + 4, handler),
                RtcpPacketType.Goodbye => ReadBye(packet, count, handler),
                RtcpPacketType.TransportFeedback => ReadTransportFeedback(packet, count, lost, handler),
                RtcpPacketType.PayloadFeedback => ReadPayloadFeedback(packet, count, handler),
                _ => true,
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    private static bool ReadReports(ReadOnlySpan<byte> packet, int count, int blocksOffset, IRtcpFeedbackHandler? handler)
    {
        if (packet.Length < blocksOffset + (count * RtcpReportBlock.Length))
        {
            return false;
        }

        if (handler is null)
        {
            return true;
        }

        uint reporter = BinaryPrimitives.ReadUInt32BigEndian(packet[CommonHeaderLength..]);
        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<byte> b = packet.Slice(blocksOffset + (i * RtcpReportBlock.Length), RtcpReportBlock.Length);
            // Cumulative lost is a signed 24-bit number (duplicates can make it negative): sign-extend.
            int cumulative = ((b[5] << 24) | (b[6] << 16) | (b[7] << 8)) >> 8;
            var block = new RtcpReportBlock(
                reporter,
                BinaryPrimitives.ReadUInt32BigEndian(b),
                b[4],
                cumulative,
                BinaryPrimitives.ReadUInt32BigEndian(b[8..]),
                BinaryPrimitives.ReadUInt32BigEndian(b[12..]),
                BinaryPrimitives.ReadUInt32BigEndian(b[16..]),
                BinaryPrimitives.ReadUInt32BigEndian(b[20..]));
            handler.OnReceiverReport(block);
        }

        return true;
    }

    private static bool ReadBye(ReadOnlySpan<byte> packet, int count, IRtcpFeedbackHandler? handler)
    {
        if (packet.Length < CommonHeaderLength + (count * 4))
        {
            return false;
        }

        handler?.OnBye();
        return true;
    }

    private static bool ReadTransportFeedback(ReadOnlySpan<byte> packet, int format, Span<ushort> lost,
        IRtcpFeedbackHandler? handler)
    {
        if (packet.Length < FeedbackHeaderLength)
        {
            return false;
        }

        if ((RtcpTransportFeedbackFormat)format != RtcpTransportFeedbackFormat.GenericNack)
        {
            return true; // transport-cc and others: not ours to act on
        }

        ReadOnlySpan<byte> fci = packet[FeedbackHeaderLength..];
        if (fci.Length < NackFciLength || fci.Length % NackFciLength != 0)
        {
            return false;
        }

        if (handler is null)
        {
            return true;
        }

        uint mediaSsrc = BinaryPrimitives.ReadUInt32BigEndian(packet[8..]);
        int n = 0;
        for (; fci.Length >= NackFciLength; fci = fci[NackFciLength..])
        {
            if (n > lost.Length - MaxLostPerFci)
            {
                handler.OnNack(mediaSsrc, lost[..n]);
                n = 0;
            }

            n += ExpandNack(BinaryPrimitives.ReadUInt16BigEndian(fci), BinaryPrimitives.ReadUInt16BigEndian(fci[2..]),
                lost[n..]);
        }

        handler.OnNack(mediaSsrc, lost[..n]);
        return true;
    }

    /// <summary>
    /// RFC 4585 §6.2.1: PID is lost, and bit i of BLP (least significant = 0) means PID + i + 1 is lost too.
    /// Writes up to 17 sequence numbers and returns how many.
    /// </summary>
    public static int ExpandNack(ushort packetId, ushort bitmaskOfLostPackets, Span<ushort> destination)
    {
        destination[0] = packetId;
        int n = 1;
        for (int i = 0; i < 16; i++)
        {
            if ((bitmaskOfLostPackets & (1 << i)) != 0)
            {
                destination[n++] = unchecked((ushort)(packetId + i + 1));
            }
        }

        return n;
    }

    private static bool ReadPayloadFeedback(ReadOnlySpan<byte> packet, int format, IRtcpFeedbackHandler? handler)
    {
        if (packet.Length < FeedbackHeaderLength)
        {
            return false;
        }

        uint mediaSsrc = BinaryPrimitives.ReadUInt32BigEndian(packet[8..]);
        switch ((RtcpPayloadFeedbackFormat)format)
        {
            case RtcpPayloadFeedbackFormat.PictureLossIndication:
                handler?.OnPictureLossIndication(mediaSsrc);
                return true;
            case RtcpPayloadFeedbackFormat.FullIntraRequest:
                ReadOnlySpan<byte> fci = packet[FeedbackHeaderLength..];
                if (fci.Length < FirFciLength || fci.Length % FirFciLength != 0)
                {
                    return false;
                }

                // RFC 5104 §4.3.1.2: the media source SSRC field is unused (0); the target SSRC is in each FCI entry.
                for (; handler is not null && fci.Length >= FirFciLength; fci = fci[FirFciLength..])
                {
                    handler.OnFullIntraRequest(BinaryPrimitives.ReadUInt32BigEndian(fci), fci[4]);
                }

                return true;
            default:
                return true; // SLI, RPSI, REMB (AFB) and unknown: ignored
        }
    }
}
