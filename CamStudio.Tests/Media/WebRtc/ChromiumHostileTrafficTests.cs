using System.Net;
using System.Net.Sockets;
using System.Text;
using CamStudio.Media.Stun;
using CamStudio.Media.WebRtc;
using CamStudio.Tests.Infrastructure;
using Microsoft.Playwright;

namespace CamStudio.Tests.Media.WebRtc;

/// <summary>
/// Issue 3 acceptance 6, on the live port: garbage, forged STUN, DTLS and RTCP from an address nobody validated are
/// dropped and counted while a real viewer keeps decoding.
/// </summary>
[Collection(LiveVideoCollection.Name)]
public sealed class ChromiumHostileTrafficTests(LiveVideoFixture live)
{
    [Fact]
    public async Task Hostile_datagrams_are_dropped_and_counted_while_a_viewer_keeps_playing()
    {
        await using IBrowserContext context = await live.Browser.NewContextAsync();
        await using BrowserPeer peer = await BrowserPeer.OpenAsync(context);
        ViewerSession session = await ChromiumPlaybackTests.ConnectAsync(live, peer);
        PeerStats before = await ChromiumPlaybackTests.WaitForStatsAsync(
            peer, s => s.FramesDecoded >= 25, TimeSpan.FromSeconds(20), "video flows");
        UdpMuxCounters counters = live.Server.MuxCounters!;
        long garbageBefore = counters.DroppedGarbage;
        long badStunBefore = counters.DroppedBadStun;
        long unknownBefore = counters.DroppedUnknownEndpoint;

        using var attacker = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        attacker.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var target = new IPEndPoint(IPAddress.Loopback, live.Server.LocalEndPoint!.Port);
        var random = new Random(3711);
        byte[] datagram = new byte[1500];
        for (int i = 0; i < 3000; i++)
        {
            int length = Hostile(i, random, datagram, session.Ice.Local.Ufrag);
            attacker.SendTo(datagram.AsSpan(0, length), SocketFlags.None, target);
        }

        await Eventually.WaitUntilAsync(
            () => counters.DroppedGarbage > garbageBefore && counters.DroppedBadStun > badStunBefore &&
                  counters.DroppedUnknownEndpoint > unknownBefore,
            TimeSpan.FromSeconds(5),
            "every kind of hostile datagram is counted");
        PeerStats after = await ChromiumPlaybackTests.WaitForStatsAsync(
            peer, s => s.FramesDecoded >= before.FramesDecoded + 50, TimeSpan.FromSeconds(10), "50 more frames decoded");
        after.ConnectionState.Should().Be("connected");
        session.State.Should().Be(ViewerSessionState.Connected);
        counters.HandlerErrors.Should().Be(0, "no hostile datagram reaches a session's handlers");
    }

    /// <summary>Cycles through random bytes, forged STUN, DTLS and truncated RTCP, all from an unvalidated address.</summary>
    private static int Hostile(int i, Random random, Span<byte> buffer, string liveUfrag)
    {
        switch (i % 5)
        {
            case 0:
            {
                // Random bytes whose first byte says "none of STUN, DTLS or RTP" (RFC 7983 ranges): garbage.
                int length = random.Next(1, 1400);
                random.NextBytes(buffer[..length]);
                buffer[0] = (byte)random.Next(64, 128);
                return length;
            }

            case 1:
                // A binding request for a live ufrag with a MESSAGE-INTEGRITY made with the wrong password.
                return ForgedBinding(buffer, liveUfrag + ":evil", "not-the-ice-password-at-all");
            case 2:
                // A binding request for a ufrag that does not exist.
                return ForgedBinding(buffer, "nobody:evil", "whatever-password-1234567");
            case 3:
            {
                // A DTLS ClientHello-looking record: content type 22, DTLS 1.2, random rest.
                int length = random.Next(13, 300);
                random.NextBytes(buffer[..length]);
                buffer[0] = 22;
                buffer[1] = 0xFE;
                buffer[2] = 0xFD;
                return length;
            }

            default:
                // A truncated RTCP receiver report (V=2, PT=201, length says 7 words, 6 bytes present).
                buffer[0] = 0x81;
                buffer[1] = 201;
                buffer[2] = 0;
                buffer[3] = 7;
                buffer[4] = 1;
                buffer[5] = 2;
                return 6;
        }
    }

    private static int ForgedBinding(Span<byte> buffer, string username, string password)
    {
        var writer = new StunMessageWriter(buffer);
        Span<byte> transaction = stackalloc byte[12];
        Random.Shared.NextBytes(transaction);
        writer.TryWriteHeader(StunMessageType.BindingRequest, transaction);
        writer.TryWriteAttribute(StunAttributeType.Username, Encoding.UTF8.GetBytes(username));
        writer.TryWriteUInt32Attribute(StunAttributeType.Priority, 0x6E7F1EFF);
        writer.TryWriteUInt64Attribute(StunAttributeType.IceControlling, 42);
        writer.TryWriteMessageIntegrity(Encoding.UTF8.GetBytes(password));
        writer.TryWriteFingerprint();
        return writer.BytesWritten;
    }
}
