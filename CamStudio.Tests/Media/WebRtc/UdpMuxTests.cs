using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;
using CamStudio.Media.Ice;
using CamStudio.Media.Stun;
using CamStudio.Media.WebRtc;
using CamStudio.Tests.Media.Ice;
using Microsoft.Extensions.Logging.Abstractions;

namespace CamStudio.Tests.Media.WebRtc;

public sealed class UdpMuxTests : IAsyncLifetime
{
    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(10);
    private static readonly byte[] s_dtlsClientHello = [22, 0xFE, 0xFD, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1];
    private static readonly byte[] s_rtcpReceiverReport = [0x81, 201, 0, 7, 1, 2, 3, 4, 5, 6, 7, 8];

    private readonly ManualTimeProvider _time = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Socket> _clients = [];
    private UdpMux _mux = null!;
    private Task _run = Task.CompletedTask;

    public Task InitializeAsync()
    {
        _mux = new UdpMux(new IPEndPoint(IPAddress.Loopback, 0), NullLogger<UdpMux>.Instance, _time, TimeSpan.FromSeconds(30));
        _run = _mux.RunAsync(_stop.Token);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await _run.WaitAsync(s_deadline);
        await _mux.DisposeAsync();
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        _stop.Dispose();
    }

    [Fact]
    public async Task ValidBindingRequest_IsAnswered_ThenDtlsAndRtcpReachTheSession()
    {
        var session = Register();
        var client = NewClient();

        var response = await CheckAsync(client, session, useCandidate: true);

        response.Type.Should().Be(StunMessageType.BindingSuccessResponse);
        response.Mapped.Should().Be(client.LocalEndPoint);
        response.IntegrityOk.Should().BeTrue();
        (await session.Selected.Task.WaitAsync(s_deadline)).ToIPEndPoint().Should().Be(client.LocalEndPoint);
        session.Ice.IsNominated.Should().BeTrue();

        SendTo(client, s_dtlsClientHello);
        SendTo(client, s_rtcpReceiverReport);

        (await session.Dtls.Reader.ReadAsync().AsTask().WaitAsync(s_deadline)).Should().Equal(s_dtlsClientHello);
        (await session.Rtcp.Reader.ReadAsync().AsTask().WaitAsync(s_deadline)).Should().Equal(s_rtcpReceiverReport);
        _mux.Counters.StunAnswered.Should().Be(1);
        _mux.Counters.Dtls.Should().Be(1);
        _mux.Counters.Rtcp.Should().Be(1);
    }

    [Fact]
    public async Task Send_ReachesTheSelectedRemote()
    {
        var session = Register();
        var client = NewClient();
        await CheckAsync(client, session);
        var selected = await session.Selected.Task.WaitAsync(s_deadline);

        _mux.Send(s_rtcpReceiverReport, selected);

        (await ReceiveAsync(client)).Should().Equal(s_rtcpReceiverReport);
        _mux.Counters.SendErrors.Should().Be(0);
    }

    [Fact]
    public async Task UnvalidatedEndpoint_NeverReachesASession_AndIsCounted()
    {
        var session = Register();
        var validated = NewClient();
        var intruder = NewClient();
        await CheckAsync(validated, session);

        // An intruder that knows the ufrag but not the password: no answer, no validation.
        SendTo(intruder, BindingRequests.Create(session.Ice.Local.Ufrag + ":" + session.Ice.RemoteUfrag, "AAAAAAAAAAAAAAAAAAAAAAAA"));
        SendTo(intruder, s_dtlsClientHello);
        SendTo(intruder, s_rtcpReceiverReport);

        await WaitUntilAsync(() => _mux.Counters.DroppedUnknownEndpoint == 2 && _mux.Counters.DroppedBadStun == 1, "the intruder's datagrams are processed");
        session.Dtls.Reader.TryRead(out _).Should().BeFalse();
        session.Rtcp.Reader.TryRead(out _).Should().BeFalse();
        _mux.Counters.StunErrorsSent.Should().Be(0, "a failed check from an unknown endpoint is not answered");
        intruder.Available.Should().Be(0);

        // The validated client is unaffected.
        SendTo(validated, s_dtlsClientHello);
        (await session.Dtls.Reader.ReadAsync().AsTask().WaitAsync(s_deadline)).Should().Equal(s_dtlsClientHello);
    }

    [Fact]
    public async Task Garbage_IsCounted_AndTheMuxKeepsServing()
    {
        var session = Register();
        var noisy = NewClient();
        var client = NewClient();

        SendTo(noisy, [0x42, 1, 2, 3]); // 64-79 is TURN channel data: not ours
        SendTo(noisy, [0xFF]);
        SendTo(noisy, [10, 0, 0, 0]); // ZRTP-ish
        SendTo(noisy, [0, 1, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]); // STUN range, no magic cookie
        await WaitUntilAsync(() => _mux.Counters.DroppedGarbage == 3 && _mux.Counters.DroppedBadStun == 1, "garbage processed");

        var response = await CheckAsync(client, session);

        response.Type.Should().Be(StunMessageType.BindingSuccessResponse);
        _mux.Counters.Received.Should().Be(5);
    }

    [Fact]
    public async Task TwoSessions_AreRoutedIndependently()
    {
        var first = Register();
        var second = Register();
        var firstClient = NewClient();
        var secondClient = NewClient();
        await CheckAsync(firstClient, first);
        await CheckAsync(secondClient, second);

        byte[] toFirst = [23, 0xFE, 0xFD, 1];
        byte[] toSecond = [23, 0xFE, 0xFD, 2];
        SendTo(secondClient, toSecond);
        SendTo(firstClient, toFirst);

        (await first.Dtls.Reader.ReadAsync().AsTask().WaitAsync(s_deadline)).Should().Equal(toFirst);
        (await second.Dtls.Reader.ReadAsync().AsTask().WaitAsync(s_deadline)).Should().Equal(toSecond);
        first.Dtls.Reader.TryRead(out _).Should().BeFalse();
        second.Dtls.Reader.TryRead(out _).Should().BeFalse();
        _mux.SessionCount.Should().Be(2);

        // A check for the second session signed with the first one's password is refused; answered with 401
        // only because this endpoint is already validated... for the first session, not this one: so dropped.
        SendTo(firstClient, BindingRequests.Create(second.Ice.Local.Ufrag + ":" + second.Ice.RemoteUfrag, first.Ice.Local.Password));
        await WaitUntilAsync(() => _mux.Counters.DroppedBadStun == 1, "cross-session check processed");
        SendTo(firstClient, toFirst);
        (await first.Dtls.Reader.ReadAsync().AsTask().WaitAsync(s_deadline)).Should().Equal(toFirst);
    }

    [Fact]
    public async Task FailedCheck_FromValidatedEndpoint_Gets401()
    {
        var session = Register();
        var client = NewClient();
        await CheckAsync(client, session);

        SendTo(client, BindingRequests.Create(session.Ice.Local.Ufrag + ":" + session.Ice.RemoteUfrag, "AAAAAAAAAAAAAAAAAAAAAAAA"));

        StunMessage.TryRead(await ReceiveAsync(client), out var response, out _).Should().BeTrue();
        response.TryGetErrorCode(out int code, out _).Should().BeTrue();
        code.Should().Be(401);
        _mux.Counters.StunErrorsSent.Should().Be(1);
    }

    [Fact]
    public async Task SessionThatThrows_IsCounted_AndTheLoopSurvives()
    {
        var session = Register(throwOnDtls: true);
        var client = NewClient();
        await CheckAsync(client, session);

        SendTo(client, s_dtlsClientHello);
        await WaitUntilAsync(() => _mux.Counters.HandlerErrors == 1, "the handler error is counted");

        (await CheckAsync(client, session)).Type.Should().Be(StunMessageType.BindingSuccessResponse);
    }

    [Fact]
    public async Task ConsentExpiry_NotifiesAndForgetsTheSession()
    {
        var session = Register();
        var client = NewClient();
        await CheckAsync(client, session);

        _time.Advance(TimeSpan.FromSeconds(20));
        await WaitUntilAsync(() => _mux.Counters.ConsentSweeps >= 1, "a sweep ran");
        _mux.SessionCount.Should().Be(1, "20 s without a check is within the 30 s timeout");

        _time.Advance(TimeSpan.FromSeconds(11));
        await session.Expired.Task.WaitAsync(s_deadline);

        _mux.SessionCount.Should().Be(0);
        _mux.Counters.ConsentExpired.Should().Be(1);
        SendTo(client, s_dtlsClientHello);
        await WaitUntilAsync(() => _mux.Counters.DroppedUnknownEndpoint == 1, "the endpoint was forgotten with the session");
        session.Dtls.Reader.TryRead(out _).Should().BeFalse();
    }

    [Fact]
    public async Task Unregister_ForgetsTheEndpoints()
    {
        var session = Register();
        var client = NewClient();
        await CheckAsync(client, session);

        _mux.Unregister(session);
        SendTo(client, s_dtlsClientHello);

        await WaitUntilAsync(() => _mux.Counters.DroppedUnknownEndpoint == 1, "DTLS after unregister is dropped");
        session.Dtls.Reader.TryRead(out _).Should().BeFalse();
        _mux.SessionCount.Should().Be(0);
    }

    [Fact]
    public void Register_RejectsADuplicateUfrag()
    {
        var credentials = IceCredentials.CreateRandom();
        _mux.Register(new FakeSession(new IceLiteAgent(credentials, "aaaa", _time)));

        var again = () => _mux.Register(new FakeSession(new IceLiteAgent(credentials, "bbbb", _time)));

        again.Should().Throw<InvalidOperationException>();
    }

    [Fact]
    public async Task DisposeAsync_EndsTheRunLoop_AndLaterSendsAreCountedNotThrown()
    {
        await using var mux = new UdpMux(new IPEndPoint(IPAddress.Loopback, 0), NullLogger<UdpMux>.Instance, TimeProvider.System);
        var run = mux.RunAsync(CancellationToken.None);

        await mux.DisposeAsync();

        await run.WaitAsync(s_deadline);
        run.IsCompletedSuccessfully.Should().BeTrue();
        mux.Send(s_dtlsClientHello, new IPEndPoint(IPAddress.Loopback, 9).Serialize());
        mux.Counters.SendErrors.Should().Be(1);
    }

    [Theory]
    [InlineData(0, UdpMuxPacketKind.Stun)]
    [InlineData(3, UdpMuxPacketKind.Stun)]
    [InlineData(4, UdpMuxPacketKind.Unknown)]
    [InlineData(19, UdpMuxPacketKind.Unknown)]
    [InlineData(20, UdpMuxPacketKind.Dtls)]
    [InlineData(63, UdpMuxPacketKind.Dtls)]
    [InlineData(64, UdpMuxPacketKind.Unknown)]
    [InlineData(127, UdpMuxPacketKind.Unknown)]
    [InlineData(128, UdpMuxPacketKind.Rtp)]
    [InlineData(191, UdpMuxPacketKind.Rtp)]
    [InlineData(192, UdpMuxPacketKind.Unknown)]
    public void Classifier_FollowsRfc7983(byte first, UdpMuxPacketKind expected) =>
        UdpMuxClassifier.Classify([first, 0, 0, 0]).Should().Be(expected);

    private FakeSession Register(bool throwOnDtls = false)
    {
        var session = new FakeSession(new IceLiteAgent(IceCredentials.CreateRandom(), "brws" + _clients.Count, _time), throwOnDtls);
        _mux.Register(session);
        return session;
    }

    private Socket NewClient()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _clients.Add(socket);
        return socket;
    }

    private void SendTo(Socket client, byte[] datagram) => client.SendTo(datagram, _mux.LocalEndPoint);

    private static async Task<byte[]> ReceiveAsync(Socket client)
    {
        using var timeout = new CancellationTokenSource(s_deadline);
        var buffer = new byte[2048];
        var result = await client.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), timeout.Token);
        return buffer.AsSpan(0, result.ReceivedBytes).ToArray();
    }

    private async Task<CheckResult> CheckAsync(Socket client, FakeSession session, bool useCandidate = false)
    {
        byte[] request = BindingRequests.Create(session.Ice.Local.Ufrag + ":" + session.Ice.RemoteUfrag, session.Ice.Local.Password, useCandidate: useCandidate);
        SendTo(client, request);
        byte[] answer = await ReceiveAsync(client);
        StunMessage.TryRead(answer, out var message, out _).Should().BeTrue();
        message.TransactionId.ToArray().Should().Equal(request.AsSpan(8, 12).ToArray());
        message.TryGetXorMappedAddress(out var mapped);
        return new CheckResult(
            message.Type, mapped, message.VerifyMessageIntegrity(Encoding.ASCII.GetBytes(session.Ice.Local.Password)) && message.VerifyFingerprint());
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + s_deadline;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("Timed out waiting until " + what);
            }

            await Task.Delay(5);
        }
    }

    private sealed record CheckResult(StunMessageType Type, IPEndPoint? Mapped, bool IntegrityOk);

    private sealed class FakeSession(IceLiteAgent ice, bool throwOnDtls = false) : IUdpMuxSession
    {
        public IceLiteAgent Ice { get; } = ice;

        public Channel<byte[]> Dtls { get; } = Channel.CreateUnbounded<byte[]>();

        public Channel<byte[]> Rtcp { get; } = Channel.CreateUnbounded<byte[]>();

        public TaskCompletionSource<SocketAddress> Selected { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Expired { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void OnRemoteSelected(SocketAddress remote) => Selected.TrySetResult(remote);

        public void OnDtlsDatagram(ReadOnlySpan<byte> datagram)
        {
            if (throwOnDtls)
            {
                throw new InvalidOperationException("session bug");
            }

            Dtls.Writer.TryWrite(datagram.ToArray());
        }

        public void OnRtcpDatagram(Span<byte> datagram) => Rtcp.Writer.TryWrite(datagram.ToArray());

        public void OnConsentExpired() => Expired.TrySetResult();
    }
}
