using System.Collections.Concurrent;
using CamStudio.Media.Dtls;
using Microsoft.Extensions.Logging;
using Org.BouncyCastle.Tls;

namespace CamStudio.Tests.Media.Dtls;

/// <summary>
/// Wires a <see cref="DtlsServerSession"/> to BouncyCastle's DTLS client through in-memory queues (no sockets), with
/// optional loss in either direction.
/// </summary>
internal sealed class DtlsLoopback : IDisposable
{
    // Key generation is the slow part; one pair serves every test, exactly as one server cert serves every viewer.
    public static readonly DtlsCertificate ServerCertificate = DtlsCertificate.Create();
    public static readonly DtlsCertificate ClientCertificate = DtlsCertificate.Create();

    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    public DtlsLoopback(DtlsServerOptions? options = null, string? expectedClientFingerprint = null, int clientSendLimit = 1200)
    {
        ClientTransport = new TestDatagramTransport(clientSendLimit);
        Server = new DtlsServerSession(
            ServerCertificate,
            expectedClientFingerprint ?? ClientCertificate.Fingerprint,
            SendToClient,
            Logger,
            options ?? new DtlsServerOptions());
        ClientTransport.Outgoing = datagram => Server.EnqueueIncoming(datagram);
    }

    public ListLogger Logger { get; } = new();

    public TestDatagramTransport ClientTransport { get; }

    public DtlsServerSession Server { get; }

    /// <summary>Return true to drop a datagram the server sends.</summary>
    public Func<byte[], bool>? DropServerToClient { get; set; }

    public ConcurrentQueue<byte[]> ServerSent { get; } = new();

    public Task<DtlsTransport> ConnectAsync(TestDtlsClient client) =>
        Task.Factory.StartNew(
            () => new DtlsClientProtocol().Connect(client, ClientTransport),
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);

    public void Dispose()
    {
        Server.Dispose();
        ClientTransport.Close();
    }

    private void SendToClient(ReadOnlySpan<byte> datagram)
    {
        byte[] copy = datagram.ToArray();
        ServerSent.Enqueue(copy);
        if (DropServerToClient?.Invoke(copy) != true)
        {
            ClientTransport.Deliver(copy);
        }
    }
}

internal sealed class ListLogger : ILogger
{
    public ConcurrentQueue<(LogLevel Level, string Message)> Entries { get; } = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        => Entries.Enqueue((logLevel, formatter(state, exception)));
}
