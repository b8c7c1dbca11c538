using Microsoft.Extensions.Logging;
using Org.BouncyCastle.Tls;

namespace CamStudio.Media.Dtls;

/// <summary>Sends one DTLS datagram to the peer (on the shared UDP socket). Called on the handshake thread, then on
/// whichever thread reads a datagram or closes the session.</summary>
public delegate void DtlsDatagramSender(ReadOnlySpan<byte> datagram);

/// <summary>
/// The DTLS 1.2 server side of one WebRTC peer connection (RFC 5763/5764, RFC 8842 setup:passive). BouncyCastle's DTLS
/// API blocks, so the handshake runs on a dedicated thread. After it the session keeps reading the DTLS transport,
/// because BouncyCastle only retransmits its final flight when the client's retransmission arrives there, and alerts
/// (close_notify) come that way too — but it reads only when a datagram is queued, on the thread pool, so a connected
/// viewer holds no thread (issue 16: before, each viewer parked one thread for its whole life, with its stack and the
/// runtime's per-thread state). The session ends on close_notify, a fatal alert, <see cref="Close"/> or <see cref="Dispose"/>.
/// </summary>
public sealed partial class DtlsServerSession : IDisposable
{
    // A read after the handshake runs only while a datagram is queued; this bounds how long it may wait for the next
    // one (BouncyCastle takes 0 as "forever").
    private const int QueuedReadWaitMillis = 1;

    private readonly DtlsCertificate _certificate;
    private readonly byte[] _expectedClientFingerprint;
    private readonly ILogger _logger;
    private readonly DtlsServerOptions _options;
    private readonly QueuedDatagramTransport _transport;
    private readonly TaskCompletionSource<DtlsSrtpKeys> _handshake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile DtlsTransport? _dtls;
    private int _started;
    private int _closeRequested;
    private volatile bool _peerSentCloseNotify;
    private int _reading; // 1 while a thread-pool read drains the queue after the handshake
    private int _finished;
    private byte[]? _readBuffer;

    /// <param name="certificate">Our certificate, shared by all sessions.</param>
    /// <param name="remoteFingerprintSha256">The browser's <c>a=fingerprint:sha-256</c> value (<c>AB:CD:…</c>, any case).</param>
    /// <param name="send">Sends a datagram to the peer's validated ICE address.</param>
    /// <param name="logger">Session logger.</param>
    public DtlsServerSession(DtlsCertificate certificate, string remoteFingerprintSha256, DtlsDatagramSender send, ILogger logger)
        : this(certificate, remoteFingerprintSha256, send, logger, new DtlsServerOptions())
    {
    }

    /// <summary>Creates a session with explicit <paramref name="options"/>.</summary>
    /// <param name="certificate">Our certificate, shared by all sessions.</param>
    /// <param name="remoteFingerprintSha256">The browser's <c>a=fingerprint:sha-256</c> value (<c>AB:CD:…</c>, any case).</param>
    /// <param name="send">Sends a datagram to the peer's validated ICE address.</param>
    /// <param name="logger">Session logger.</param>
    /// <param name="options">Timeouts and datagram limits.</param>
    public DtlsServerSession(
        DtlsCertificate certificate,
        string remoteFingerprintSha256,
        DtlsDatagramSender send,
        ILogger logger,
        DtlsServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(remoteFingerprintSha256);
        ArgumentNullException.ThrowIfNull(send);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();

        string fingerprint = remoteFingerprintSha256.Trim();
        if (fingerprint.StartsWith("sha-256 ", StringComparison.OrdinalIgnoreCase))
        {
            fingerprint = fingerprint["sha-256 ".Length..];
        }

        if (!DtlsFingerprint.TryParse(fingerprint, DtlsFingerprint.Sha256Length, out byte[] expected))
        {
            throw new ArgumentException(
                "Expected a SHA-256 fingerprint as 32 colon-separated hex pairs.", nameof(remoteFingerprintSha256));
        }

        _certificate = certificate;
        _expectedClientFingerprint = expected;
        _logger = logger;
        _options = options;
        _transport = new QueuedDatagramTransport(send, options.SendLimit, options.ReceiveLimit, options.IncomingQueueCapacity);
    }

    /// <summary>
    /// The peer sent close_notify or a fatal alert, or the transport failed after the handshake. Raised on the DTLS
    /// thread-pool thread that read the datagram, at most once, and not for a local <see cref="Close"/>/<see cref="Dispose"/>.
    /// </summary>
    public event Action? Closed;

    /// <summary>Completes when the session has ended: handshake failed, or closed by either side (never faults).</summary>
    public Task Completion => _completion.Task;

    /// <summary>True once the handshake finished and until the session closed.</summary>
    public bool IsConnected => _dtls is not null && !_transport.IsClosed;

    /// <summary>Datagrams dropped by <see cref="EnqueueIncoming"/> (queue full, oversized, or after close).</summary>
    public long DroppedDatagrams => _transport.DroppedCount;

    internal int PendingIncoming => _transport.PendingCount;

    /// <summary>
    /// Hands a datagram (first byte 20–63) from the UDP receive thread to the session. Copies it into a bounded queue;
    /// never blocks and never throws.
    /// </summary>
    public void EnqueueIncoming(ReadOnlySpan<byte> datagram)
    {
        try
        {
            if (!_transport.TryEnqueue(datagram))
            {
                LogDatagramDropped(datagram.Length);
            }
            else if (_dtls is not null)
            {
                ScheduleRead();
            }
        }
        catch (Exception e)
        {
            LogUnexpected(e);
        }
    }

    /// <summary>
    /// Runs the handshake on the session's dedicated thread. Completes with the SRTP keys, or faults with
    /// <see cref="DtlsHandshakeException"/> (protocol failure, e.g. fingerprint mismatch or no use_srtp),
    /// <see cref="TimeoutException"/> (<see cref="DtlsServerOptions.HandshakeTimeout"/> elapsed, also when no ClientHello
    /// arrives), <see cref="OperationCanceledException"/> or <see cref="ObjectDisposedException"/>. Call once.
    /// </summary>
    public Task<DtlsSrtpKeys> HandshakeAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException("The DTLS handshake was already started.");
        }

        if (Volatile.Read(ref _closeRequested) != 0)
        {
            _completion.TrySetResult();
            return Task.FromException<DtlsSrtpKeys>(new ObjectDisposedException(nameof(DtlsServerSession)));
        }

        var thread = new Thread(() => Run(cancellationToken))
        {
            IsBackground = true,
            Name = "DTLS server session",
        };
        thread.Start();
        return _handshake.Task;
    }

    /// <summary>Sends close_notify (best effort) and stops the DTLS thread. Safe to call more than once, from any thread.</summary>
    public void Close()
    {
        if (Interlocked.Exchange(ref _closeRequested, 1) != 0)
        {
            return;
        }

        DtlsTransport? dtls = _dtls;
        if (dtls is not null)
        {
            try
            {
                // Sends close_notify, then closes our transport, which wakes the reader thread.
                dtls.Close();
            }
            catch (Exception e)
            {
                LogCloseFailed(e);
            }
        }

        // Also covers a handshake in progress (Accept fails with an IOException) and a session never started.
        _transport.Close();
        if (Volatile.Read(ref _started) == 0)
        {
            _completion.TrySetResult();
        }
        else if (dtls is not null)
        {
            Finish(failure: null); // after the handshake no thread of ours is left to do it
        }
    }

    /// <inheritdoc cref="Close"/>
    public void Dispose() => Close();

    private void Run(CancellationToken cancellationToken)
    {
        try
        {
            if (Handshake(cancellationToken) is not null)
            {
                // What arrived between the end of Accept and _dtls becoming visible to EnqueueIncoming.
                ScheduleRead();
                return;
            }
        }
        catch (Exception e)
        {
            // Nothing may escape a raw thread: it would take the whole process down.
            LogUnexpected(e);
            _handshake.TrySetException(e);
        }
        finally
        {
            // The handshake's garbage is what a burst of joining viewers leaves committed; see the class.
            HandshakeMemoryRelease.Shared.HandshakeEnded(_logger);
        }

        _transport.Close();
        _completion.TrySetResult();
    }

    private DtlsTransport? Handshake(CancellationToken cancellationToken)
    {
        var server = new DtlsSrtpServer(
            _certificate, _expectedClientFingerprint, (int)Math.Ceiling(_options.HandshakeTimeout.TotalMilliseconds));
        server.AlertRaised += (level, description, message, cause) =>
            LogAlertRaised(AlertLevel.GetText(level), AlertDescription.GetText(description), message);
        server.AlertReceived += (level, description) =>
        {
            if (description == AlertDescription.close_notify)
            {
                _peerSentCloseNotify = true;
            }

            LogAlertReceived(AlertLevel.GetText(level), AlertDescription.GetText(description));
        };

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.HandshakeTimeout);
        DtlsTransport dtls;
        try
        {
            // Closing the queue is the only way to interrupt Accept: its blocked Receive then throws an IOException.
            using (timeout.Token.Register(static state => ((QueuedDatagramTransport)state!).Close(), _transport))
            {
                dtls = new DtlsServerProtocol().Accept(server, _transport);
            }
        }
        catch (Exception e)
        {
            Exception failure = ClassifyHandshakeFailure(e, server, timeout, cancellationToken);
            LogHandshakeFailed(failure.Message);
            _handshake.TrySetException(failure);
            return null;
        }

        if (_transport.IsClosed || server.Keys is null)
        {
            // Closed or timed out in the instant between Accept returning and the registration being removed.
            Exception failure = ClassifyHandshakeFailure(
                new IOException("DTLS transport closed."), server, timeout, cancellationToken);
            _handshake.TrySetException(failure);
            return null;
        }

        _dtls = dtls;
        if (Volatile.Read(ref _closeRequested) != 0)
        {
            // Close() ran before _dtls was visible to it; finish its job.
            dtls.Close();
            _handshake.TrySetException(new ObjectDisposedException(nameof(DtlsServerSession)));
            return null;
        }

        LogHandshakeCompleted(server.Keys.ProtectionProfile, server.CipherSuiteName);
        _handshake.TrySetResult(server.Keys);
        return dtls;
    }

    private Exception ClassifyHandshakeFailure(
        Exception e, DtlsSrtpServer server, CancellationTokenSource timeout, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _closeRequested) != 0)
        {
            return new ObjectDisposedException(nameof(DtlsServerSession), "The DTLS session was closed during the handshake.");
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return new OperationCanceledException("The DTLS handshake was canceled.", e, cancellationToken);
        }

        if (timeout.IsCancellationRequested || e is TlsTimeoutException)
        {
            return new TimeoutException(
                "The DTLS handshake did not complete within " + _options.HandshakeTimeout.TotalSeconds.ToString(
                    System.Globalization.CultureInfo.InvariantCulture) + " s.",
                e);
        }

        if (server.FailureReason is not null)
        {
            short alert = e is TlsFatalAlert sent ? sent.AlertDescription : AlertDescription.handshake_failure;
            return new DtlsHandshakeException(server.FailureReason, alert, e);
        }

        return e switch
        {
            TlsFatalAlertReceived received => new DtlsHandshakeException(
                "The DTLS client aborted the handshake with alert " + AlertDescription.GetText(received.AlertDescription) + ".",
                received.AlertDescription,
                e),
            TlsFatalAlert sent => new DtlsHandshakeException(
                "The DTLS handshake failed: " + AlertDescription.GetText(sent.AlertDescription) + " (" + sent.Message + ").",
                sent.AlertDescription,
                e),
            _ => new DtlsHandshakeException("The DTLS handshake failed: " + e.Message, e),
        };
    }

    private void ScheduleRead()
    {
        if (Interlocked.CompareExchange(ref _reading, 1, 0) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static session => session.ReadQueued(), this, preferLocal: false);
        }
    }

    // Feeds BouncyCastle what is queued. WebRTC media goes over SRTP beside DTLS; application data (SCTP data channels)
    // is not supported and is read only to keep BouncyCastle's record layer (alerts, retransmissions) running.
    private void ReadQueued()
    {
        DtlsTransport? dtls = _dtls;
        string? failure = null;
        try
        {
            while (dtls is not null)
            {
                byte[] buffer = _readBuffer ??= new byte[Math.Max(dtls.GetReceiveLimit(), 1)];
                while (_transport.PendingCount > 0 && !_transport.IsClosed)
                {
                    int received = dtls.Receive(buffer, 0, buffer.Length, QueuedReadWaitMillis);
                    if (received > 0)
                    {
                        LogApplicationDataIgnored(received);
                    }
                }

                if (_transport.IsClosed)
                {
                    break; // close_notify or a local Close
                }

                Volatile.Write(ref _reading, 0);

                // A datagram queued after the count was read and before the flag was cleared found the flag set and
                // scheduled nothing: read it now, unless a new read has started for it meanwhile.
                if (_transport.PendingCount == 0 || Interlocked.CompareExchange(ref _reading, 1, 0) != 0)
                {
                    return;
                }
            }
        }
        catch (Exception e)
        {
            failure = e is TlsFatalAlertReceived alert
                ? "the peer sent fatal alert " + AlertDescription.GetText(alert.AlertDescription)
                : e.Message;
        }

        Finish(failure);
    }

    // The end of a connected session, once, whoever gets here first: the reader (peer closed, transport failed) or Close.
    private void Finish(string? failure)
    {
        if (Interlocked.Exchange(ref _finished, 1) != 0)
        {
            return;
        }

        try
        {
            ReportEnd(failure);
        }
        finally
        {
            _transport.Close();
            _completion.TrySetResult();
        }
    }

    private void ReportEnd(string? failure)
    {
        if (Volatile.Read(ref _closeRequested) != 0)
        {
            LogClosedLocally();
            return;
        }

        if (_peerSentCloseNotify)
        {
            LogPeerClosed();
        }
        else
        {
            LogTransportFailed(failure ?? "transport closed");
        }

        try
        {
            Closed?.Invoke();
        }
        catch (Exception e)
        {
            LogUnexpected(e);
        }
    }
}
