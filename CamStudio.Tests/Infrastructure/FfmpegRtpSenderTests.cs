using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace CamStudio.Tests.Infrastructure;

public sealed class FfmpegRtpSenderTests : IDisposable
{
    private const byte NalSps = 7;
    private const byte NalIdr = 5;

    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(2));

    private CancellationToken Ct => _timeout.Token;

    public void Dispose() => _timeout.Dispose();

    [Fact]
    public async Task Camera_stream_arrives_as_h264_rtp_with_parameter_sets_before_a_key_frame()
    {
        await using RtspTestCamera camera = await RtspTestCamera.StartAsync(new RtspTestCameraOptions { GopSeconds = 1 }, Ct);
        using var socket = BindLoopbackUdp();
        await using FfmpegRtpSender sender = FfmpegRtpSender.StartFromRtsp(camera.Source(RtspTestCamera.SubStream), Port(socket));

        RtpSummary summary = await ReceiveUntilKeyFrameAsync(socket, sender, TimeSpan.FromSeconds(20));

        summary.SawSps.Should().BeTrue();
        summary.SawIdr.Should().BeTrue();
        summary.SsrcCount.Should().Be(1);
        summary.SequenceGaps.Should().Be(0, "loopback UDP from a single sender does not reorder or drop at this rate");
        summary.MaxPacketSize.Should().BeLessOrEqualTo(1200);
    }

    [Fact]
    public async Task Test_pattern_arrives_as_h264_rtp()
    {
        using var socket = BindLoopbackUdp();
        await using FfmpegRtpSender sender = FfmpegRtpSender.StartTestPattern(Port(socket));

        RtpSummary summary = await ReceiveUntilKeyFrameAsync(socket, sender, TimeSpan.FromSeconds(20));

        summary.SawSps.Should().BeTrue();
        summary.SawIdr.Should().BeTrue();
    }

    private static Socket BindLoopbackUdp()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }

    private static int Port(Socket socket) => ((IPEndPoint)socket.LocalEndPoint!).Port;

    private async Task<RtpSummary> ReceiveUntilKeyFrameAsync(Socket socket, FfmpegRtpSender sender, TimeSpan deadline)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        stop.CancelAfter(deadline);
        var buffer = new byte[2048];
        var summary = new RtpSummary();
        var ssrcs = new HashSet<uint>();
        int? lastSequence = null;
        try
        {
            while (!(summary.SawSps && summary.SawIdr))
            {
                int length = await socket.ReceiveAsync(buffer.AsMemory(), SocketFlags.None, stop.Token);
                ReadOnlySpan<byte> packet = buffer.AsSpan(0, length);
                (packet.Length >= 12).Should().BeTrue("an RTP header is 12 bytes");
                (packet[0] >> 6).Should().Be(2, "RTP version 2");
                (packet[1] & 0x7F).Should().Be(FfmpegRtpSender.PayloadType);

                ushort sequence = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);
                if (lastSequence is int last && (ushort)(last + 1) != sequence)
                {
                    summary.SequenceGaps++;
                }

                lastSequence = sequence;
                ssrcs.Add(BinaryPrimitives.ReadUInt32BigEndian(packet[8..]));
                summary.MaxPacketSize = Math.Max(summary.MaxPacketSize, length);

                int headerLength = 12 + (4 * (packet[0] & 0x0F));
                if (packet.Length > headerLength + 1)
                {
                    NoteNalTypes(packet[headerLength..], summary);
                }
            }
        }
        catch (OperationCanceledException) when (!Ct.IsCancellationRequested)
        {
            throw new TimeoutException($"No SPS + IDR within {deadline}. FFmpeg output:\n{sender.Output}");
        }

        summary.SsrcCount = ssrcs.Count;
        return summary;
    }

    // RFC 6184 §5.2: the first payload byte is a NAL header (single NAL unit) or a STAP-A (24) / FU-A (28) indicator.
    private static void NoteNalTypes(ReadOnlySpan<byte> payload, RtpSummary summary)
    {
        int type = payload[0] & 0x1F;
        if (type == 28)
        {
            bool start = (payload[1] & 0x80) != 0;
            if (start)
            {
                Note(payload[1] & 0x1F, summary);
            }
        }
        else if (type == 24)
        {
            for (int offset = 1; offset + 2 < payload.Length;)
            {
                int size = BinaryPrimitives.ReadUInt16BigEndian(payload[offset..]);
                Note(payload[offset + 2] & 0x1F, summary);
                offset += 2 + size;
            }
        }
        else
        {
            Note(type, summary);
        }
    }

    private static void Note(int nalType, RtpSummary summary)
    {
        summary.SawSps |= nalType == NalSps;
        summary.SawIdr |= nalType == NalIdr && summary.SawSps;
    }

    private sealed class RtpSummary
    {
        public bool SawSps { get; set; }

        public bool SawIdr { get; set; }

        public int SsrcCount { get; set; }

        public int SequenceGaps { get; set; }

        public int MaxPacketSize { get; set; }
    }
}
