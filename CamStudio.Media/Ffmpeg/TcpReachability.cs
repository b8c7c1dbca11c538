using System.Net.Sockets;

namespace CamStudio.Media.Ffmpeg;

/// <summary>The cheapest "is the camera back?" check: can a TCP connection to its RTSP port be opened?</summary>
public static class TcpReachability
{
    private static readonly TimeSpan s_connectTimeout = TimeSpan.FromSeconds(1);

    public static async Task<bool> CanConnectAsync(string host, int port, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(s_connectTimeout);
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(host, port, timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
