using System.Net;
using System.Net.Sockets;

namespace CamStudio.Tests.Infrastructure;

/// <summary>
/// Ports on 127.0.0.1 that were free a moment ago, for child processes that need a port number up front.
/// Where the test itself owns the socket, bind to port 0 instead: that has no window for another process to
/// take the port.
/// </summary>
public static class FreePort
{
    /// <summary>A TCP port free on 127.0.0.1.</summary>
    public static int Tcp()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }

    /// <summary>A UDP port free on 127.0.0.1.</summary>
    public static int Udp()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
