using System.Net;
using System.Net.Sockets;
using Org.BouncyCastle.Tls;

namespace CamStudio.Benchmarks.Harness;

/// <summary>
/// BouncyCastle's DTLS client on a real UDP socket, talking to the server's one port. Only DTLS records (first byte
/// 20–63, RFC 7983) reach the client: STUN answers and SRTCP sender reports of earlier viewers on the same socket are skipped.
/// </summary>
internal sealed class UdpDtlsTransport(Socket socket, EndPoint server) : DatagramTransport
{
    private readonly byte[] _buffer = new byte[2048];

    public int GetReceiveLimit() => 1500;

    public int GetSendLimit() => 1200;

    public int Receive(byte[] buf, int off, int len, int waitMillis) => Receive(buf.AsSpan(off, len), waitMillis);

    public int Receive(Span<byte> buffer, int waitMillis)
    {
        long deadline = Environment.TickCount64 + Math.Max(waitMillis, 1);
        while (true)
        {
            long left = deadline - Environment.TickCount64;
            if (left <= 0 || !socket.Poll(TimeSpan.FromMilliseconds(left), SelectMode.SelectRead))
            {
                return -1;
            }

            int length = socket.Receive(_buffer);
            if (length > 0 && _buffer[0] is >= 20 and <= 63)
            {
                int copied = Math.Min(length, buffer.Length);
                _buffer.AsSpan(0, copied).CopyTo(buffer);
                return copied;
            }
        }
    }

    public void Send(byte[] buf, int off, int len) => Send(buf.AsSpan(off, len));

    public void Send(ReadOnlySpan<byte> buffer) => socket.SendTo(buffer, SocketFlags.None, server);

    public void Close()
    {
        // The socket belongs to the harness, which keeps draining it after the handshake.
    }
}
