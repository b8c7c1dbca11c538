using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using CamStudio.Benchmarks.Harness;
using CamStudio.Media.Rtp;
using CamStudio.Media.Srtp;
using CamStudio.Media.Streaming;
using CamStudio.Media.Video;
using CamStudio.Media.WebRtc;

namespace CamStudio.Benchmarks;

/// <summary>
/// One live camera packet (1200 B) sent to N viewers: what VideoRtpSource's fan-out costs per packet.
/// <list type="bullet">
/// <item><c>ViewerSession.OnPacket</c>: the production path, real sessions of a real WebRtcServer connected over
/// 127.0.0.1 by ICE + DTLS-SRTP, each send a real sendto on the shared UdpMux socket (a sink thread drains the receiver).</item>
/// <item><c>Send path, no socket</c>: the same calls OnPacket makes — copy into the viewer buffer, RtpStreamRewriter.Rewrite,
/// SrtpContext.TryProtectRtp, RetransmissionHistory.Store (a reference to the stream's copy) — without the send, so the syscall's share is visible.</item>
/// <item><c>Send path + sendto</c>: the same plus Socket.SendTo to a drained loopback socket.</item>
/// </list>
/// The source timestamp advances every 8 packets (25 fps at ~200 packets/s).
/// </summary>
[MemoryDiagnoser]
public class FanOutBenchmarks
{
    private const int PacketsPerFrame = 8;
    private const uint FrameTicks = 90_000 / 25;

    private readonly byte[] _packet = RtpPackets.CreateH264Packet();
    private LoopbackViewers? _viewers;
    private ViewerSession[] _sessions = [];
    private ComposedViewer[] _composed = [];
    private Socket? _sender;
    private Socket? _sink;
    private Thread? _sinkThread;
    private SocketAddress _sinkAddress = null!;
    private int _packetIndex;

    [Params(1, 10, 50)]
    public int Viewers { get; set; }

    [Params(SrtpProfile.AeadAes128Gcm, SrtpProfile.Aes128CmHmacSha1_80)]
    public SrtpProfile Profile { get; set; }

    [GlobalSetup(Target = nameof(ViewerSessionOnPacket))]
    public void SetupSessions()
    {
        _viewers = LoopbackViewers.ConnectAsync(Viewers, Profile).GetAwaiter().GetResult();
        _sessions = _viewers.Sessions;

        // OnPacket silently skips a session that is not Connected; make sure every one really sends.
        VideoPacketInfo info = NextInfo();
        foreach (ViewerSession session in _sessions)
        {
            session.OnPacket(_packet, info);
            if (session.Stats.PacketsSent != 1)
            {
                throw new InvalidOperationException($"Viewer {session.Id} is {session.State} and did not send.");
            }
        }
    }

    [GlobalSetup(Targets = [nameof(SendPathWithoutSocket), nameof(SendPathWithSendTo)])]
    public void SetupComposed()
    {
        _composed = new ComposedViewer[Viewers];
        for (int i = 0; i < Viewers; i++)
        {
            _composed[i] = new ComposedViewer(Profile, (uint)(0x5000_0000 + i), (byte)(i + 1));
        }

        _sink = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveBufferSize = 4 * 1024 * 1024 };
        _sink.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _sinkAddress = _sink.LocalEndPoint!.Serialize();
        _sender = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { SendBufferSize = 4 * 1024 * 1024 };
        _sender.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        Socket sink = _sink;
        _sinkThread = new Thread(() => Drain(sink)) { IsBackground = true, Name = "benchmark UDP sink" };
        _sinkThread.Start();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        if (_viewers is not null)
        {
            long sent = _sessions.Sum(s => s.Stats.PacketsSent);
            int connected = _sessions.Count(s => s.State == ViewerSessionState.Connected);
            Console.WriteLine($"// {connected}/{_sessions.Length} viewers still connected, {sent} SRTP packets sent, {_viewers.DatagramsReceived} datagrams drained");
        }

        _viewers?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _viewers = null;
        foreach (ComposedViewer viewer in _composed)
        {
            viewer.Dispose();
        }

        _sender?.Dispose();
        _sink?.Dispose();
        _sinkThread?.Join(TimeSpan.FromSeconds(5));
    }

    [Benchmark(Description = "ViewerSession.OnPacket (real session, sendto)")]
    public void ViewerSessionOnPacket()
    {
        VideoPacketInfo info = NextInfo();
        foreach (ViewerSession session in _sessions)
        {
            session.OnPacket(_packet, info);
        }
    }

    [Benchmark(Description = "copy+rewrite+protect+history, no socket")]
    public void SendPathWithoutSocket()
    {
        VideoPacketInfo info = NextInfo();
        foreach (ComposedViewer viewer in _composed)
        {
            viewer.Prepare(_packet, info);
        }
    }

    [Benchmark(Description = "copy+rewrite+protect+history + sendto")]
    public void SendPathWithSendTo()
    {
        VideoPacketInfo info = NextInfo();
        Socket sender = _sender!;
        foreach (ComposedViewer viewer in _composed)
        {
            sender.SendTo(viewer.Prepare(_packet, info), SocketFlags.None, _sinkAddress);
        }
    }

    private VideoPacketInfo NextInfo()
    {
        int index = _packetIndex++;
        int frame = index / PacketsPerFrame;
        return new VideoPacketInfo(
            IsKeyFrameStart: false,
            IsAccessUnitEnd: index % PacketsPerFrame == PacketsPerFrame - 1,
            IsFromCache: false,
            SourceTimestamp: unchecked((uint)frame * FrameTicks),
            SourceSsrc: RtpPackets.SourceSsrc,
            SourceSequenceNumber: unchecked((ushort)index));
    }

    private static void Drain(Socket socket)
    {
        var buffer = new byte[2048];
        while (true)
        {
            try
            {
                socket.Receive(buffer);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                return;
            }
        }
    }

    /// <summary>A viewer's send state as ViewerSession keeps it, driven by the same calls in the same order.</summary>
    private sealed class ComposedViewer(SrtpProfile profile, uint ssrc, byte seed) : IDisposable
    {
        private readonly byte[] _sendBuffer = new byte[RtpPackets.BufferLength];
        private readonly RtpStreamRewriter _rewriter = new(ssrc, 102, (ushort)(seed * 1000), seed * 100_000u);
        private readonly RetransmissionHistory _history = new(1024);
        private readonly SrtpContext _srtp = RtpPackets.CreateContext(profile, seed);

        public ReadOnlySpan<byte> Prepare(ReadOnlySpan<byte> rtpPacket, in VideoPacketInfo info)
        {
            Span<byte> packet = _sendBuffer.AsSpan(0, rtpPacket.Length);
            rtpPacket.CopyTo(packet);
            _rewriter.Rewrite(packet, info);
            ushort sequence = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);
            uint timestamp = BinaryPrimitives.ReadUInt32BigEndian(packet[4..]);
            if (!_srtp.TryProtectRtp(_sendBuffer, rtpPacket.Length, out int protectedLength))
            {
                throw new InvalidOperationException("SRTP protect failed.");
            }

            ReadOnlySpan<byte> wire = _sendBuffer.AsSpan(0, protectedLength);
            _history.Store(sequence, info.SourcePacketNumber, timestamp);
            return wire;
        }

        public void Dispose() => _srtp.Dispose();
    }
}
