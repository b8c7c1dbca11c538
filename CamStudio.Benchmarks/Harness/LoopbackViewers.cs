using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using CamStudio.Media.Dtls;
using CamStudio.Media.Srtp;
using CamStudio.Media.Stun;
using CamStudio.Media.WebRtc;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Org.BouncyCastle.Tls;

namespace CamStudio.Benchmarks.Harness;

/// <summary>
/// N real <see cref="ViewerSession"/>s of a real <see cref="WebRtcServer"/> on 127.0.0.1, each brought to Connected
/// the way a browser does it: SDP offer, ICE Binding request with MESSAGE-INTEGRITY, DTLS-SRTP handshake. All
/// viewers share one client socket (one after another: the mux moves the endpoint to whichever session it last
/// authenticated with, and each handshake finishes before the next starts); a sink thread drains it afterwards.
/// </summary>
internal sealed class LoopbackViewers : IAsyncDisposable
{
    private const string BrowserUfrag = "bnch";
    private const string BrowserPassword = "benchmarkbrowserpassword";
    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(20);

    private readonly WebRtcServer _server;
    private readonly Socket _client;
    private readonly Thread _sink;
    private long _received;

    private LoopbackViewers(WebRtcServer server, Socket client, ViewerSession[] sessions)
    {
        _server = server;
        _client = client;
        Sessions = sessions;
        _sink = new Thread(Drain) { IsBackground = true, Name = "benchmark UDP sink" };
        _sink.Start();
    }

    public ViewerSession[] Sessions { get; }

    public long DatagramsReceived => Interlocked.Read(ref _received);

    public static async Task<LoopbackViewers> ConnectAsync(int count, SrtpProfile profile)
    {
        var options = new WebRtcOptions
        {
            UdpPort = 0,
            BindAddress = "127.0.0.1",
            AdvertisedAddresses = ["127.0.0.1"],
            // A benchmark process sends no consent checks after connecting; keep its viewers alive for the whole run.
            ConsentTimeout = TimeSpan.FromHours(2),
            MaxSessions = count + 1,
        };
        var server = new WebRtcServer(Options.Create(options), NullLoggerFactory.Instance, TimeProvider.System);
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp)
        {
            ReceiveBufferSize = 4 * 1024 * 1024,
        };
        client.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        try
        {
            await server.StartAsync(CancellationToken.None);
            EndPoint serverEndPoint = server.LocalEndPoint!;
            using DtlsCertificate browserCertificate = DtlsCertificate.Create();
            string offer = Offer(browserCertificate.Fingerprint);
            var source = new NullH264Source();
            var sessions = new ViewerSession[count];
            for (int i = 0; i < count; i++)
            {
                ViewerSessionResult result = server.CreateSession(offer, source, "bench");
                ViewerSession session = result.Session ?? throw new InvalidOperationException("Offer rejected: " + result.Error);
                client.SendTo(BindingRequest(session), serverEndPoint);
                await WaitAsync(() => session.RemoteEndPoint is not null, "ICE check");

                var dtlsClient = new BenchDtlsClient(browserCertificate, server.Certificate.Fingerprint, (int)profile);
                new DtlsClientProtocol().Connect(dtlsClient, new UdpDtlsTransport(client, serverEndPoint));
                await WaitAsync(() => session.State == ViewerSessionState.Connected, "DTLS-SRTP");
                sessions[i] = session;
            }

            return new LoopbackViewers(server, client, sessions);
        }
        catch
        {
            await server.DisposeAsync();
            client.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _client.Dispose();
        _sink.Join(TimeSpan.FromSeconds(5));
    }

    private void Drain()
    {
        var buffer = new byte[2048];
        while (true)
        {
            try
            {
                _client.Receive(buffer);
                Interlocked.Increment(ref _received);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                return;
            }
        }
    }

    private static async Task WaitAsync(Func<bool> condition, string what)
    {
        long deadline = Environment.TickCount64 + (long)s_deadline.TotalMilliseconds;
        while (!condition())
        {
            if (Environment.TickCount64 > deadline)
            {
                throw new TimeoutException($"Benchmark viewer did not complete {what} within {s_deadline.TotalSeconds} s.");
            }

            await Task.Delay(5);
        }
    }

    private static byte[] BindingRequest(ViewerSession session)
    {
        var buffer = new byte[512];
        var writer = new StunMessageWriter(buffer);
        bool ok = writer.TryWriteHeader(StunMessageType.BindingRequest, RandomNumberGenerator.GetBytes(12))
            && writer.TryWriteAttribute(StunAttributeType.Username, Encoding.UTF8.GetBytes(session.Ice.Local.Ufrag + ":" + BrowserUfrag))
            && writer.TryWriteUInt32Attribute(StunAttributeType.Priority, 0x6e0001ff)
            && writer.TryWriteUInt64Attribute(StunAttributeType.IceControlling, 0x0123456789ABCDEF)
            && writer.TryWriteAttribute(StunAttributeType.UseCandidate, default)
            && writer.TryWriteMessageIntegrity(Encoding.UTF8.GetBytes(session.Ice.Local.Password))
            && writer.TryWriteFingerprint();
        return ok ? writer.WrittenSpan.ToArray() : throw new InvalidOperationException("Binding request did not fit.");
    }

    /// <summary>A minimal Chromium-shaped recvonly video offer (BUNDLE, rtcp-mux, H.264 packetization-mode 1, NACK/PLI).</summary>
    private static string Offer(string fingerprint) => string.Join("\r\n",
        "v=0",
        "o=- 4611731400430051336 2 IN IP4 127.0.0.1",
        "s=-",
        "t=0 0",
        "a=group:BUNDLE 0",
        "a=msid-semantic: WMS",
        "m=video 9 UDP/TLS/RTP/SAVPF 102",
        "c=IN IP4 0.0.0.0",
        "a=rtcp:9 IN IP4 0.0.0.0",
        "a=ice-ufrag:" + BrowserUfrag,
        "a=ice-pwd:" + BrowserPassword,
        "a=ice-options:trickle",
        string.Create(CultureInfo.InvariantCulture, $"a=fingerprint:sha-256 {fingerprint}"),
        "a=setup:actpass",
        "a=mid:0",
        "a=recvonly",
        "a=rtcp-mux",
        "a=rtcp-rsize",
        "a=rtpmap:102 H264/90000",
        "a=rtcp-fb:102 nack",
        "a=rtcp-fb:102 nack pli",
        "a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f",
        "");
}
