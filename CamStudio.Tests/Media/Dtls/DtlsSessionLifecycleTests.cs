using CamStudio.Media.Dtls;
using Org.BouncyCastle.Tls;

namespace CamStudio.Tests.Media.Dtls;

/// <summary>Loss, close, timeouts and hostile input around <see cref="DtlsServerSession"/>.</summary>
public class DtlsSessionLifecycleTests
{
    private const int AesCm = SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80;
    private const int Gcm = SrtpProtectionProfile.SRTP_AEAD_AES_128_GCM;

    private static TestDtlsClient NewClient() =>
        new(DtlsLoopback.ClientCertificate, DtlsLoopback.ServerCertificate.Fingerprint, AesCm, Gcm);

    private static async Task<(DtlsSrtpKeys Keys, DtlsTransport Client)> HandshakeAsync(DtlsLoopback loopback, TestDtlsClient client)
    {
        Task<DtlsSrtpKeys> server = loopback.Server.HandshakeAsync(CancellationToken.None);
        DtlsTransport clientTransport = await loopback.ConnectAsync(client).WaitAsync(DtlsLoopback.Deadline);
        return (await server.WaitAsync(DtlsLoopback.Deadline), clientTransport);
    }

    [Fact]
    public async Task Rfc6347_4_2_4_LostClientHello_IsRetransmittedAndHandshakeCompletes()
    {
        using var loopback = new DtlsLoopback();
        int dropped = 0;
        loopback.ClientTransport.DropOutgoing = d => DtlsRecords.IsClientHello(d) && Interlocked.Exchange(ref dropped, 1) == 0;
        var client = NewClient();

        (DtlsSrtpKeys keys, _) = await HandshakeAsync(loopback, client);

        loopback.ClientTransport.DroppedOutgoing.Should().Be(1);
        keys.ClientMasterKey.Should().Equal(client.ExportedKeyingMaterial![..16]);
    }

    [Fact]
    public async Task Rfc6347_4_2_4_LostServerHelloFlight_IsRetransmittedByTheServer()
    {
        using var loopback = new DtlsLoopback();
        int dropped = 0;
        loopback.DropServerToClient = d => DtlsRecords.IsServerHello(d) && Interlocked.Exchange(ref dropped, 1) == 0;
        var client = NewClient();

        (DtlsSrtpKeys keys, _) = await HandshakeAsync(loopback, client);

        dropped.Should().Be(1);
        loopback.ServerSent.Count(DtlsRecords.IsServerHello).Should().BeGreaterThanOrEqualTo(2);
        keys.ServerMasterKey.Should().Equal(client.ExportedKeyingMaterial![16..32]);
    }

    [Fact]
    public async Task Rfc6347_4_2_4_LostFinalServerFlight_IsRetransmittedAfterServerHandshakeCompleted()
    {
        // The server has finished when it sends ChangeCipherSpec+Finished; only the session's post-handshake reader
        // can answer the client's retransmitted flight by resending them.
        using var loopback = new DtlsLoopback();
        int changeCipherSpecs = 0;
        loopback.DropServerToClient = d =>
        {
            if (DtlsRecords.ContentType(d) == DtlsRecords.ChangeCipherSpec)
            {
                Interlocked.Increment(ref changeCipherSpecs);
            }

            bool finalFlight = DtlsRecords.ContentType(d) == DtlsRecords.ChangeCipherSpec || DtlsRecords.Epoch(d) == 1;
            return finalFlight && Volatile.Read(ref changeCipherSpecs) == 1;
        };
        var client = NewClient();

        Task<DtlsSrtpKeys> server = loopback.Server.HandshakeAsync(CancellationToken.None);
        Task<DtlsTransport> clientHandshake = loopback.ConnectAsync(client);
        await server.WaitAsync(DtlsLoopback.Deadline);
        await clientHandshake.WaitAsync(DtlsLoopback.Deadline);

        changeCipherSpecs.Should().BeGreaterThanOrEqualTo(2);
        loopback.Server.IsConnected.Should().BeTrue();
    }

    [Fact]
    public async Task CloseNotifyFromClient_RaisesClosed_AndEndsTheThread()
    {
        using var loopback = new DtlsLoopback();
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        loopback.Server.Closed += () => closed.TrySetResult();
        (_, DtlsTransport client) = await HandshakeAsync(loopback, NewClient());

        client.Close();

        await closed.Task.WaitAsync(DtlsLoopback.Deadline);
        await loopback.Server.Completion.WaitAsync(DtlsLoopback.Deadline);
        loopback.Server.IsConnected.Should().BeFalse();
    }

    [Fact]
    public async Task FatalAlertFromClient_RaisesClosed()
    {
        using var loopback = new DtlsLoopback();
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        loopback.Server.Closed += () => closed.TrySetResult();
        (_, DtlsTransport client) = await HandshakeAsync(loopback, NewClient());

        // An oversized write makes BouncyCastle's client fail its connection with an encrypted fatal internal_error.
        client.Invoking(c => c.Send(new byte[20_000], 0, 20_000)).Should().Throw<TlsFatalAlert>();

        await closed.Task.WaitAsync(DtlsLoopback.Deadline);
        await loopback.Server.Completion.WaitAsync(DtlsLoopback.Deadline);
        loopback.Server.IsConnected.Should().BeFalse();
        loopback.Logger.Entries.Should().Contain(e => e.Level == Microsoft.Extensions.Logging.LogLevel.Warning
            && e.Message.Contains("peer sent fatal alert internal_error", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Dispose_AfterHandshake_SendsCloseNotify_StopsThread_WithoutClosedEvent()
    {
        using var loopback = new DtlsLoopback();
        bool closedRaised = false;
        loopback.Server.Closed += () => closedRaised = true;
        var client = NewClient();
        (_, DtlsTransport clientTransport) = await HandshakeAsync(loopback, client);

        loopback.Server.Dispose();
        await loopback.Server.Completion.WaitAsync(DtlsLoopback.Deadline);

        // The client's record layer processes the close_notify when it next reads; it then closes its own transport,
        // so the read ends with -1 or an IOException from the closed test pipe.
        try
        {
            clientTransport.Receive(new byte[1500], 0, 1500, 2000).Should().Be(-1);
        }
        catch (IOException)
        {
        }

        client.AlertsReceived.Should().Contain((AlertLevel.warning, AlertDescription.close_notify));
        closedRaised.Should().BeFalse();
        loopback.Server.IsConnected.Should().BeFalse();
    }

    [Fact]
    public async Task Dispose_DuringHandshake_FaultsWithObjectDisposed()
    {
        using var loopback = new DtlsLoopback();
        Task<DtlsSrtpKeys> server = loopback.Server.HandshakeAsync(CancellationToken.None);

        loopback.Server.Dispose();

        await FluentActions.Awaiting(() => server.WaitAsync(DtlsLoopback.Deadline)).Should().ThrowAsync<ObjectDisposedException>();
        await loopback.Server.Completion.WaitAsync(DtlsLoopback.Deadline);
    }

    [Fact]
    public async Task NoClientHello_WithinHandshakeTimeout_FaultsWithTimeout()
    {
        using var loopback = new DtlsLoopback(new DtlsServerOptions { HandshakeTimeout = TimeSpan.FromMilliseconds(300) });

        Task<DtlsSrtpKeys> server = loopback.Server.HandshakeAsync(CancellationToken.None);

        await FluentActions.Awaiting(() => server.WaitAsync(DtlsLoopback.Deadline)).Should().ThrowAsync<TimeoutException>();
        await loopback.Server.Completion.WaitAsync(DtlsLoopback.Deadline);
    }

    [Fact]
    public async Task Cancellation_FaultsWithOperationCanceled()
    {
        using var loopback = new DtlsLoopback();
        using var cts = new CancellationTokenSource();
        Task<DtlsSrtpKeys> server = loopback.Server.HandshakeAsync(cts.Token);

        await cts.CancelAsync();

        await FluentActions.Awaiting(() => server.WaitAsync(DtlsLoopback.Deadline)).Should().ThrowAsync<OperationCanceledException>();
        await loopback.Server.Completion.WaitAsync(DtlsLoopback.Deadline);
    }

    [Fact]
    public async Task HandshakeAsync_SecondCall_Throws()
    {
        using var loopback = new DtlsLoopback();
        _ = loopback.Server.HandshakeAsync(CancellationToken.None);

        Action second = () => loopback.Server.HandshakeAsync(CancellationToken.None);
        second.Should().Throw<InvalidOperationException>();
        loopback.Server.Dispose();
        await loopback.Server.Completion.WaitAsync(DtlsLoopback.Deadline);
    }

    [Fact]
    public async Task GarbageDatagrams_BeforeAndAfterHandshake_NeverThrow_AndSessionSurvives()
    {
        var random = new Random(5764);
        using var loopback = new DtlsLoopback();
        DtlsServerSession server = loopback.Server;

        // Before the handshake starts: floods the bounded queue (most are dropped), none may throw.
        for (int i = 0; i < 2000; i++)
        {
            server.EnqueueIncoming(RandomDatagram(random));
        }

        server.EnqueueIncoming([]);
        server.EnqueueIncoming(new byte[70_000]);
        server.DroppedDatagrams.Should().BeGreaterThan(1900);

        // BouncyCastle discards what it cannot parse while waiting for a real ClientHello.
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.Closed += () => closed.TrySetResult();
        (_, DtlsTransport client) = await HandshakeAsync(loopback, NewClient());

        for (int i = 0; i < 2000; i++)
        {
            server.EnqueueIncoming(RandomDatagram(random));
        }

        WaitUntilDrained(server);

        // Well-formed epoch-1 records with a bad tag are read and dropped, not fatal (RFC 6347 §4.1.2.7).
        long droppedBefore = server.DroppedDatagrams;
        for (int i = 0; i < 50; i++)
        {
            server.EnqueueIncoming(ForgedApplicationDataRecord(random));
        }

        server.DroppedDatagrams.Should().Be(droppedBefore, "50 fit into the queue and must reach BouncyCastle");
        WaitUntilDrained(server);
        server.IsConnected.Should().BeTrue();

        // The session is still alive: a real close_notify from the client still gets through and is reported.
        client.Close();
        await closed.Task.WaitAsync(DtlsLoopback.Deadline);
        await server.Completion.WaitAsync(DtlsLoopback.Deadline);
        loopback.Logger.Entries.Should().Contain(e => e.Message.Contains("close_notify", StringComparison.Ordinal));
        loopback.Logger.Entries.Should().NotContain(e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Warning);
        server.Invoking(s => s.EnqueueIncoming(RandomDatagram(random))).Should().NotThrow();
    }

    private static void WaitUntilDrained(DtlsServerSession server) =>
        SpinWait.SpinUntil(() => server.PendingIncoming == 0, DtlsLoopback.Deadline).Should().BeTrue();

    private static byte[] ForgedApplicationDataRecord(Random? random = null)
    {
        // RFC 6347 §4.1 header: application_data, DTLS 1.2, epoch 1, sequence 100 + i, then 48 bytes of junk ciphertext.
        var record = new byte[13 + 48];
        (random ?? Random.Shared).NextBytes(record.AsSpan(13));
        record[0] = 23;
        record[1] = 0xFE;
        record[2] = 0xFD;
        record[4] = 1;
        record[10] = (byte)(random?.Next(50, 250) ?? 100);
        record[12] = 48;
        return record;
    }

    private static byte[] RandomDatagram(Random random, int? length = null)
    {
        var datagram = new byte[length ?? random.Next(1, 1400)];
        random.NextBytes(datagram);
        if (random.Next(2) == 0)
        {
            datagram[0] = (byte)random.Next(20, 64); // looks like DTLS to the RFC 7983 demultiplexer
        }

        return datagram;
    }
}
