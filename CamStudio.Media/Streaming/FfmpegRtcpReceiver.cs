using System.Net.Sockets;
using CamStudio.Media.Net;
using CamStudio.Media.Rtcp;
using Microsoft.Extensions.Logging;

namespace CamStudio.Media.Streaming;

/// <summary>
/// Receives the RTCP sender reports FFmpeg sends for one of its RTP outputs (<c>?rtcpport=</c>, a loopback port of its
/// own instead of FFmpeg's default RTP port + 1, which may belong to another stream) and keeps the latest as an
/// <see cref="RtpClockAnchor"/>. FFmpeg reports at its first packet and then every few seconds: a datagram every
/// ~5 s, so the loop costs nothing. Anything that is not a sender report is ignored.
/// </summary>
internal sealed class FfmpegRtcpReceiver : IDisposable
{
    private const int BufferSize = 1500;

    private readonly UdpReceiveThread _receiver;
    private readonly Lock _lock = new();
    private RtpClockAnchor? _latest;

    /// <param name="logger">For receive errors.</param>
    /// <param name="threadName">The receive thread's name (15 characters show in <c>/proc</c>).</param>
    public FfmpegRtcpReceiver(ILogger logger, string threadName = "camstudio-rtcp")
    {
        Socket socket = LoopbackUdp.Bind();
        Port = LoopbackUdp.PortOf(socket);
        _receiver = new UdpReceiveThread(socket, BufferSize, threadName, (datagram, _) => OnDatagram(datagram), logger);
    }

    /// <summary>The bound UDP port on 127.0.0.1, for FFmpeg's <c>?rtcpport=PORT</c>.</summary>
    public int Port { get; }

    /// <summary>FFmpeg's latest sender report, or null before the first.</summary>
    public RtpClockAnchor? Latest { get { lock (_lock) { return _latest; } } }

    /// <summary>Receives until <paramref name="ct"/> is cancelled or this is disposed; the task never faults.</summary>
    public Task RunAsync(CancellationToken ct) => _receiver.Start(ct);

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

    public void Dispose() => _receiver.Dispose();
}
