using System.Net;
using System.Net.Sockets;
using CamStudio.Media.Rtcp;
using Microsoft.Extensions.Logging;

namespace CamStudio.Media.Streaming;

/// <summary>
/// Receives the RTCP sender reports FFmpeg sends for one of its RTP outputs (<c>?rtcpport=</c>, a loopback port of its
/// own instead of FFmpeg's default RTP port + 1, which may belong to another stream) and keeps the latest as an
/// <see cref="RtpClockAnchor"/>. FFmpeg reports at its first packet and then every few seconds: a datagram every
/// ~5 s, so the loop costs nothing. Anything that is not a sender report is ignored.
/// </summary>
internal sealed partial class FfmpegRtcpReceiver : IDisposable
{
    private const int BufferSize = 1500;

    private readonly ILogger _logger;
    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[BufferSize];
    private readonly Lock _lock = new();
    private RtpClockAnchor? _latest;

    public FfmpegRtcpReceiver(ILogger logger)
    {
        _logger = logger;
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        }
        catch
        {
            _socket.Dispose();
            throw;
        }

        Port = ((IPEndPoint)_socket.LocalEndPoint!).Port;
    }

    /// <summary>The bound UDP port on 127.0.0.1, for FFmpeg's <c>?rtcpport=PORT</c>.</summary>
    public int Port { get; }

    /// <summary>FFmpeg's latest sender report, or null before the first.</summary>
    public RtpClockAnchor? Latest { get { lock (_lock) { return _latest; } } }

    public async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            int received;
            try
            {
                received = await _socket.ReceiveAsync(_buffer.AsMemory(), SocketFlags.None, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex)
            {
                Log.ReceiveFailed(_logger, ex.SocketErrorCode, ex);
                continue;
            }

            OnDatagram(_buffer.AsSpan(0, received));
        }
    }

    /// <summary>Handles one datagram (internal for tests that feed reports without a socket).</summary>
    internal void OnDatagram(ReadOnlySpan<byte> datagram)
    {
        if (RtcpSenderReport.TryRead(datagram, out uint ssrc, out ulong ntp, out uint rtp))
        {
            lock (_lock)
            {
                _latest = new RtpClockAnchor(ssrc, ntp, rtp);
            }
        }
    }

    public void Dispose() => _socket.Dispose();

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Debug, Message = "FFmpeg RTCP receive failed ({Error}); continuing")]
        public static partial void ReceiveFailed(ILogger logger, SocketError error, Exception exception);
    }
}
