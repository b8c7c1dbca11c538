using System.Buffers.Binary;

namespace CamStudio.Media.Stun;

/// <summary>Cheap test for "is this datagram a STUN message" before any parsing.</summary>
public static class StunClassifier
{
    /// <summary>
    /// RFC 7983 §7: a first byte of 0-3 marks STUN on a multiplexed port; RFC 8489 §5 adds the magic cookie
    /// and a length field that is a multiple of 4 and matches the datagram exactly.
    /// </summary>
    public static bool IsStun(ReadOnlySpan<byte> datagram) =>
        datagram.Length >= StunMessage.HeaderLength
        && datagram[0] <= 3
        && BinaryPrimitives.ReadUInt32BigEndian(datagram[StunMessage.CookieOffset..]) == StunMessage.MagicCookie
        && BinaryPrimitives.ReadUInt16BigEndian(datagram[StunMessage.LengthOffset..]) is var length
        && (length & 3) == 0
        && length + StunMessage.HeaderLength == datagram.Length;
}
