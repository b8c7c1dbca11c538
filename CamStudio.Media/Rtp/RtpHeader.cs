using System.Buffers.Binary;

namespace CamStudio.Media.Rtp;

// RFC 3550 §5.1 fixed header, followed by CSRCs and an optional §5.3.1 header extension:
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |V=2|P|X|  CC   |M|     PT      |       sequence number         |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                           timestamp                           |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |           synchronization source (SSRC) identifier            |
// +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
// |            contributing source (CSRC) identifiers             |
// |                             ....                              |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |      defined by profile       |           length              |  (if X)
// |                        header extension                       |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+

/// <summary>Parsed view of an RTP header (RFC 3550 §5.1). Holds no reference to the packet buffer.</summary>
public readonly struct RtpHeader
{
    public const int FixedHeaderLength = 12;
    public const int Version2 = 2;
    internal const int SequenceNumberOffset = 2;
    internal const int TimestampOffset = 4;
    internal const int SsrcOffset = 8;

    private RtpHeader(bool padding, bool extension, int csrcCount, bool marker, byte payloadType, ushort sequenceNumber,
        uint timestamp, uint ssrc, int headerLength, int paddingLength, int packetLength, ushort extensionProfile)
    {
        HasPadding = padding;
        HasExtension = extension;
        CsrcCount = csrcCount;
        Marker = marker;
        PayloadType = payloadType;
        SequenceNumber = sequenceNumber;
        Timestamp = timestamp;
        Ssrc = ssrc;
        HeaderLength = headerLength;
        PaddingLength = paddingLength;
        PacketLength = packetLength;
        ExtensionProfile = extensionProfile;
    }

    public bool HasPadding { get; }
    public bool HasExtension { get; }
    public int CsrcCount { get; }
    public bool Marker { get; }
    public byte PayloadType { get; }
    public ushort SequenceNumber { get; }
    public uint Timestamp { get; }
    public uint Ssrc { get; }

    /// <summary>Fixed header + CSRC list + header extension (if any): the payload starts here.</summary>
    public int HeaderLength { get; }

    /// <summary>Bytes of padding at the end of the packet, including the count byte itself (0 when P is clear).</summary>
    public int PaddingLength { get; }

    /// <summary>Length of the whole packet the header was read from.</summary>
    public int PacketLength { get; }

    /// <summary>The "defined by profile" field of the header extension (0 without one).</summary>
    public ushort ExtensionProfile { get; }

    public int PayloadLength => PacketLength - HeaderLength - PaddingLength;

    /// <summary>Reads the header; false (never an exception) on anything that is not a well-formed RTP version 2 packet.</summary>
    public static bool TryRead(ReadOnlySpan<byte> packet, out RtpHeader header)
    {
        header = default;
        if (packet.Length < FixedHeaderLength)
        {
            return false;
        }

        byte b0 = packet[0];
        if (b0 >> 6 != Version2)
        {
            return false;
        }

        bool padding = (b0 & 0x20) != 0;
        bool extension = (b0 & 0x10) != 0;
        int csrcCount = b0 & 0x0F;
        int headerLength = FixedHeaderLength + (4 * csrcCount);
        if (packet.Length < headerLength)
        {
            return false;
        }

        ushort extensionProfile = 0;
        if (extension)
        {
            if (packet.Length < headerLength + 4)
            {
                return false;
            }

            extensionProfile = BinaryPrimitives.ReadUInt16BigEndian(packet[headerLength..]);
            int extensionWords = BinaryPrimitives.ReadUInt16BigEndian(packet[(headerLength + 2)..]);
            headerLength += 4 + (4 * extensionWords);
            if (packet.Length < headerLength)
            {
                return false;
            }
        }

        int paddingLength = 0;
        if (padding)
        {
            // §5.1: the last octet counts the padding octets including itself, so 0 is invalid.
            paddingLength = packet[^1];
            if (paddingLength == 0 || headerLength + paddingLength > packet.Length)
            {
                return false;
            }
        }

        header = new RtpHeader(
            padding,
            extension,
            csrcCount,
            (packet[1] & 0x80) != 0,
            (byte)(packet[1] & 0x7F),
            BinaryPrimitives.ReadUInt16BigEndian(packet[SequenceNumberOffset..]),
            BinaryPrimitives.ReadUInt32BigEndian(packet[TimestampOffset..]),
            BinaryPrimitives.ReadUInt32BigEndian(packet[SsrcOffset..]),
            headerLength,
            paddingLength,
            packet.Length,
            extensionProfile);
        return true;
    }

    /// <summary>The CSRC at <paramref name="index"/> of the packet this header was read from.</summary>
    public static uint ReadCsrc(ReadOnlySpan<byte> packet, int index) =>
        BinaryPrimitives.ReadUInt32BigEndian(packet[(FixedHeaderLength + (4 * index))..]);
}
