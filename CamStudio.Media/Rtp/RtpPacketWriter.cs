using System.Buffers.Binary;

namespace CamStudio.Media.Rtp;

/// <summary>
/// In-place rewrites of RTP header fields on a packet buffer (the per-viewer copy, before SRTP protection).
/// The caller has validated the packet with <see cref="RtpHeader.TryRead"/>; these only need the 12-byte fixed header.
/// </summary>
public static class RtpPacketWriter
{
    public static void SetSequenceNumber(Span<byte> packet, ushort value) =>
        BinaryPrimitives.WriteUInt16BigEndian(packet[RtpHeader.SequenceNumberOffset..], value);

    public static void SetTimestamp(Span<byte> packet, uint value) =>
        BinaryPrimitives.WriteUInt32BigEndian(packet[RtpHeader.TimestampOffset..], value);

    public static void SetSsrc(Span<byte> packet, uint value) =>
        BinaryPrimitives.WriteUInt32BigEndian(packet[RtpHeader.SsrcOffset..], value);

    /// <summary>Sets the 7-bit payload type and keeps the marker bit.</summary>
    public static void SetPayloadType(Span<byte> packet, byte payloadType) =>
        packet[1] = (byte)((packet[1] & 0x80) | (payloadType & 0x7F));

    /// <summary>Sets or clears the marker bit and keeps the payload type.</summary>
    public static void SetMarker(Span<byte> packet, bool marker) =>
        packet[1] = marker ? (byte)(packet[1] | 0x80) : (byte)(packet[1] & 0x7F);
}
