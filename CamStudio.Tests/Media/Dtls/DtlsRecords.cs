namespace CamStudio.Tests.Media.Dtls;

/// <summary>Just enough of the DTLS record header (RFC 6347 §4.1) to steer simulated loss in tests.</summary>
internal static class DtlsRecords
{
    public const byte ChangeCipherSpec = 20;
    public const byte Handshake = 22;
    private const int HeaderLength = 13;

    public static byte ContentType(byte[] datagram) => datagram.Length > 0 ? datagram[0] : (byte)0;

    public static int Epoch(byte[] datagram) => datagram.Length >= 5 ? (datagram[3] << 8) | datagram[4] : -1;

    /// <summary>First handshake message type in an epoch-0 handshake record (1 ClientHello, 2 ServerHello, …).</summary>
    public static int HandshakeType(byte[] datagram) =>
        datagram.Length > HeaderLength && ContentType(datagram) == Handshake && Epoch(datagram) == 0 ? datagram[HeaderLength] : -1;

    public static bool IsClientHello(byte[] datagram) => HandshakeType(datagram) == 1;

    public static bool IsServerHello(byte[] datagram) => HandshakeType(datagram) == 2;
}
