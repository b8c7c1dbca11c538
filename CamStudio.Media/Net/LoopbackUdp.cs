using System.Net;
using System.Net.Sockets;

namespace CamStudio.Media.Net;

/// <summary>The UDP sockets FFmpeg sends to: bound to 127.0.0.1 on a port the kernel picks.</summary>
internal static class LoopbackUdp
{
    /// <summary>
    /// Binds a UDP socket to 127.0.0.1:0. <paramref name="receiveBufferBytes"/> (0: the kernel's default) is set before
    /// the bind so it applies from the first datagram. The socket is disposed if anything fails.
    /// </summary>
    public static Socket Bind(int receiveBufferBytes = 0)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            if (receiveBufferBytes > 0)
            {
                socket.ReceiveBufferSize = receiveBufferBytes;
            }

            socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The port <paramref name="socket"/> is bound to.</summary>
    public static int PortOf(Socket socket) => ((IPEndPoint)socket.LocalEndPoint!).Port;
}
