namespace CamStudio.Tests.Media.Srtp;

internal static class SrtpTestData
{
    /// <summary>Hex to bytes, ignoring the spaces and line breaks the RFCs print between words.</summary>
    public static byte[] Hex(string hex) =>
        Convert.FromHexString(string.Concat(hex.Where(c => !char.IsWhiteSpace(c))));

    /// <summary>A plain RTP packet: V=2, PT 96, the given SSRC/sequence, <paramref name="payloadLength"/> payload bytes.</summary>
    public static byte[] RtpPacket(uint ssrc, ushort sequence, int payloadLength, int seed = 1)
    {
        var packet = new byte[12 + payloadLength];
        packet[0] = 0x80;
        packet[1] = 96;
        packet[2] = (byte)(sequence >> 8);
        packet[3] = (byte)sequence;
        packet[4] = 0x12;
        packet[5] = 0x34;
        packet[6] = (byte)(sequence >> 8);
        packet[7] = (byte)sequence;
        packet[8] = (byte)(ssrc >> 24);
        packet[9] = (byte)(ssrc >> 16);
        packet[10] = (byte)(ssrc >> 8);
        packet[11] = (byte)ssrc;
        new Random(seed).NextBytes(packet.AsSpan(12));
        return packet;
    }

    /// <summary>A receiver report with one report block (RFC 3550 §6.4.2), 32 bytes.</summary>
    public static byte[] RtcpReceiverReport(uint ssrc, int seed = 1)
    {
        var packet = new byte[32];
        packet[0] = 0x81;
        packet[1] = 201;
        packet[3] = 7;
        packet[4] = (byte)(ssrc >> 24);
        packet[5] = (byte)(ssrc >> 16);
        packet[6] = (byte)(ssrc >> 8);
        packet[7] = (byte)ssrc;
        new Random(seed).NextBytes(packet.AsSpan(8));
        return packet;
    }

    /// <summary>Copies <paramref name="packet"/> into a buffer with <paramref name="spare"/> free bytes behind it.</summary>
    public static byte[] WithRoom(byte[] packet, int spare = 64)
    {
        var buffer = new byte[packet.Length + spare];
        packet.CopyTo(buffer, 0);
        return buffer;
    }
}
