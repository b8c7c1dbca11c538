using System.Buffers.Binary;
using CamStudio.Media.Srtp;

namespace CamStudio.Benchmarks.Harness;

/// <summary>Packets shaped like FFmpeg's `-f rtp -pkt_size 1200` H.264 output, and fixed test keys.</summary>
internal static class RtpPackets
{
    public const int PacketLength = 1200;
    public const int HeaderLength = 12;
    public const int PayloadLength = PacketLength - HeaderLength;

    // Room for the packet and the largest SRTP/SRTCP trailer, like ViewerSession's send buffer.
    public const int BufferLength = 1500;

    public const uint SourceSsrc = 0x1122_3344;
    public const byte SourcePayloadType = 96;

    /// <summary>A 1200-byte RTP packet: fixed header, then an FU-A fragment (RFC 6184 §5.8) of pseudo-random slice data.</summary>
    public static byte[] CreateH264Packet(ushort sequence = 1000, uint timestamp = 90_000)
    {
        var packet = new byte[PacketLength];
        packet[0] = 0x80;
        packet[1] = SourcePayloadType;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), sequence);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), timestamp);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(8), SourceSsrc);
        new Random(42).NextBytes(packet.AsSpan(HeaderLength));
        packet[HeaderLength] = 0x7C;     // FU indicator: NRI 3, type 28
        packet[HeaderLength + 1] = 0x01; // FU header: middle fragment of a non-IDR slice
        return packet;
    }

    /// <summary>An SRTP context with a fixed master key, as DTLS would export one.</summary>
    public static SrtpContext CreateContext(SrtpProfile profile, byte seed = 1)
    {
        var key = new byte[SrtpProfileInfo.MasterKeyLength(profile)];
        var salt = new byte[SrtpProfileInfo.MasterSaltLength(profile)];
        for (int i = 0; i < key.Length; i++)
        {
            key[i] = (byte)(seed + i);
        }

        for (int i = 0; i < salt.Length; i++)
        {
            salt[i] = (byte)(seed * 3 + i);
        }

        return new SrtpContext(profile, key, salt);
    }
}
