using System.Net;
using System.Net.Sockets;
using CamStudio.Media.Rtp;
using CamStudio.Media.Srtp;
using CamStudio.Media.Streaming;
using CamStudio.Media.WebRtc;
using CamStudio.Tests.Media.Streaming;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CamStudio.Tests.Media.WebRtc;

/// <summary>
/// NACK answers (RFC 4585 §6.2.1) from the stream's one shared copy of its packets: each viewer rebuilds its own header
/// and SRTP-protects again with the same index, which must give the very bytes it sent the first time.
/// </summary>
public sealed class ViewerSessionRetransmissionTests : IAsyncLifetime
{
    private readonly VideoRtpSource _source = new(NullLogger<VideoRtpSource>.Instance, TimeProvider.System);
    private WebRtcServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = new WebRtcServer(
            Options.Create(new WebRtcOptions { UdpPort = 0, BindAddress = "127.0.0.1", AdvertisedAddresses = ["127.0.0.1"] }),
            NullLoggerFactory.Instance, TimeProvider.System);
        await _server.StartAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _source.DisposeAsync();
    }

    [Fact]
    public async Task Two_viewers_answer_nacks_for_the_same_source_packets_with_their_own_numbers_byte_for_byte_as_first_sent()
    {
        // A GOP cached before anyone watches (both viewers get it as a join replay), then live packets.
        ushort sequence = 1;
        uint timestamp = 0;
        _source.OnDatagram(VideoRtpSourceTests.Rtp(sequence++, timestamp, false, VideoRtpSourceTests.ParameterSets()));
        _source.OnDatagram(VideoRtpSourceRetransmissionTests.Packet(sequence++, timestamp, idr: true));
        for (int i = 0; i < 20; i++)
        {
            _source.OnDatagram(VideoRtpSourceRetransmissionTests.Packet(sequence++, timestamp += 3600, idr: false));
        }

        Viewer a = await ConnectAsync();
        Viewer b = await ConnectAsync();
        await LoopbackBrowser.WaitAsync(() => _source.SubscriberCount == 2, "both subscriptions");
        for (int i = 0; i < 10; i++)
        {
            _source.OnDatagram(VideoRtpSourceRetransmissionTests.Packet(sequence++, timestamp += 3600, idr: false));
        }

        int total = sequence - 1;
        a.ReceiveFirstSends(total);
        b.ReceiveFirstSends(total);
        a.Session.Ssrc.Should().NotBe(b.Session.Ssrc);

        // Source packet 5 reached both viewers only in the replay (GOP cache); 30 was live (the ring).
        foreach (Viewer viewer in new[] { a, b })
        {
            (ushort replayed, byte[] replayedWire) = viewer.FirstSends[5];
            (ushort live, byte[] liveWire) = viewer.FirstSends[30];
            ushort neverSent = unchecked((ushort)(viewer.FirstSends[total].Sequence + 100));

            viewer.Session.OnNack(viewer.Session.Ssrc ^ 1, [replayed]); // another SSRC: not this viewer's stream
            viewer.Session.OnNack(viewer.Session.Ssrc, [replayed, neverSent, live]);

            List<byte[]> resent = viewer.ReceiveRaw(2);
            resent[0].Should().Equal(replayedWire, "same header, same SRTP index: the bytes of the first send");
            resent[1].Should().Equal(liveWire);
            viewer.Session.Stats.PacketsRetransmitted.Should().Be(2, "the unknown number and the other SSRC get nothing");
        }

        a.FirstSends[5].Sequence.Should().Be(unchecked((ushort)(a.FirstSends[1].Sequence + 4)), "each viewer numbers its own stream");
        b.FirstSends[5].Sequence.Should().Be(unchecked((ushort)(b.FirstSends[1].Sequence + 4)));
        a.FirstSends[5].Wire.Should().NotEqual(b.FirstSends[5].Wire, "each viewer has its own SSRC and SRTP keys");
    }

    private async Task<Viewer> ConnectAsync()
    {
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveBufferSize = 1 << 20 };
        client.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        (ViewerSession session, SrtpContext browser) = await LoopbackBrowser.ConnectAsync(_server, client, _source);
        return new Viewer(session, client, browser);
    }

    private sealed class Viewer(ViewerSession session, Socket client, SrtpContext browser)
    {
        public ViewerSession Session { get; } = session;

        /// <summary>By source sequence number (the payload's fill byte): the viewer's sequence number and the wire bytes.</summary>
        public Dictionary<int, (ushort Sequence, byte[] Wire)> FirstSends { get; } = [];

        public void ReceiveFirstSends(int count)
        {
            LoopbackBrowser.ReceiveUntil(client, browser, () => FirstSends.Count == count, rtp: (wire, header, plain) =>
            {
                header.Should().NotBeNull("a first send decrypts with the browser's keys");
                header!.Value.Ssrc.Should().Be(Session.Ssrc);
                // The parameter sets (STAP-A, NAL type 24) were source packet 1; the others carry their number as fill.
                int sourceSequence = (plain![header.Value.HeaderLength] & 0x1F) == 24 ? 1 : plain[^1];
                FirstSends[sourceSequence] = (header.Value.SequenceNumber, wire);
            });
        }

        public List<byte[]> ReceiveRaw(int count)
        {
            List<byte[]> received = [];
            LoopbackBrowser.ReceiveUntil(client, browser, () => received.Count == count, rtp: (wire, _, _) => received.Add(wire));
            return received;
        }
    }
}
