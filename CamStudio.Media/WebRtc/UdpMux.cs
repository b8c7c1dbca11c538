using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using CamStudio.Media.Ice;
using CamStudio.Media.Net;
using CamStudio.Media.Stun;
using Microsoft.Extensions.Logging;

namespace CamStudio.Media.WebRtc;

/// <summary>
/// The one UDP socket every viewer shares (the mediasoup WebRtcServer / pion udp_mux idea). Datagrams are
/// demultiplexed by first byte (RFC 7983) and routed by remote endpoint. An endpoint becomes known only
/// through a Binding request whose USERNAME names a registered session and whose MESSAGE-INTEGRITY verifies
/// with that session's ice-pwd; DTLS and RTCP from any other endpoint are dropped, which also stops a third
/// party from starting a DTLS handshake in a viewer's name. A periodic sweep ends sessions whose consent
/// (RFC 7675) expired.
/// </summary>
public sealed class UdpMux : IAsyncDisposable
{
    /// <summary>RFC 7675 §5.1 consent timeout.</summary>
    public static readonly TimeSpan DefaultConsentTimeout = TimeSpan.FromSeconds(30);

    /// <summary>How often the consent sweep runs.</summary>
    public static readonly TimeSpan ConsentSweepInterval = TimeSpan.FromSeconds(1);

    // Larger than any UDP payload, so nothing is ever truncated; allocated once per mux.
    private const int ReceiveBufferLength = 65536;
    private const int SocketBufferBytes = 4 * 1024 * 1024;
    private const int MaxUfragLength = IceCredentials.MaxLength;

    private readonly Socket _socket;
    private readonly UdpReceiveThread _receiver;
    private readonly ILogger<UdpMux> _logger;
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _consentTimeout;
    private readonly ConcurrentDictionary<string, IUdpMuxSession> _sessionsByUfrag = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, IUdpMuxSession>.AlternateLookup<ReadOnlySpan<char>> _sessionsByUfragSpan;
    private readonly ConcurrentDictionary<SocketAddress, IUdpMuxSession> _sessionsByEndpoint = new(UdpMuxAddressComparer.Instance);
    private readonly byte[] _responseBuffer = new byte[IceLiteAgent.MaxResponseLength];
    private readonly CancellationTokenSource _disposeCts = new();
    private readonly Lock _runGate = new();
    private Task? _runTask;
    private int _disposed;

    public UdpMux(IPEndPoint bindEndPoint, ILogger<UdpMux> logger, TimeProvider timeProvider, TimeSpan consentTimeout)
    {
        ArgumentNullException.ThrowIfNull(bindEndPoint);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(consentTimeout, TimeSpan.Zero);
        _logger = logger;
        _timeProvider = timeProvider;
        _consentTimeout = consentTimeout;
        _sessionsByUfragSpan = _sessionsByUfrag.GetAlternateLookup<ReadOnlySpan<char>>();

        _socket = new Socket(bindEndPoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            if (bindEndPoint.AddressFamily == AddressFamily.InterNetworkV6 && bindEndPoint.Address.Equals(IPAddress.IPv6Any))
            {
                _socket.DualMode = true;
            }

            // A keyframe burst to many viewers leaves in one go; the kernel caps these at net.core.[rw]mem_max.
            _socket.SendBufferSize = SocketBufferBytes;
            _socket.ReceiveBufferSize = SocketBufferBytes;
            _socket.Bind(bindEndPoint);
        }
        catch
        {
            _socket.Dispose();
            throw;
        }

        LocalEndPoint = (IPEndPoint)_socket.LocalEndPoint!;

        // A dedicated thread with a blocking receive, not ReceiveFromAsync: while an async receive is pending, .NET's
        // socket engine wakes on every send to the same socket (EPOLLOUT), costing a thread-pool work item every few
        // dozen packets on the hot fan-out path. A blocking receive keeps the socket out of that engine.
        _receiver = new UdpReceiveThread(_socket, ReceiveBufferLength, "CamStudio UDP mux", OnReceived, logger,
            _ => Counters.IncrementReceiveErrors());
    }

    public UdpMux(IPEndPoint bindEndPoint, ILogger<UdpMux> logger, TimeProvider timeProvider)
        : this(bindEndPoint, logger, timeProvider, DefaultConsentTimeout)
    {
    }

    /// <summary>The bound address, with the real port when 0 was asked for.</summary>
    public IPEndPoint LocalEndPoint { get; }

    public UdpMuxCounters Counters { get; } = new();

    public int SessionCount => _sessionsByUfrag.Count;

    /// <summary>Makes a viewer reachable by its local ufrag. Throws if that ufrag is already registered.</summary>
    public void Register(IUdpMuxSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (!_sessionsByUfrag.TryAdd(session.Ice.Local.Ufrag, session))
        {
            throw new InvalidOperationException("A session with this ICE ufrag is already registered.");
        }
    }

    /// <summary>Removes a viewer and forgets every endpoint bound to it. Safe to call twice.</summary>
    public void Unregister(IUdpMuxSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        _sessionsByUfrag.TryRemove(new KeyValuePair<string, IUdpMuxSession>(session.Ice.Local.Ufrag, session));
        foreach (var entry in _sessionsByEndpoint)
        {
            if (ReferenceEquals(entry.Value, session))
            {
                _sessionsByEndpoint.TryRemove(entry);
            }
        }
    }

    /// <summary>
    /// Sends one datagram. Thread-safe (a UDP send is one system call); never throws: failures, including a
    /// disposed socket, are counted in <see cref="UdpMuxCounters.SendErrors"/>.
    /// </summary>
    public void Send(ReadOnlySpan<byte> datagram, SocketAddress remote)
    {
        try
        {
            _socket.SendTo(datagram, SocketFlags.None, remote);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or ArgumentException)
        {
            Counters.IncrementSendErrors();
        }
    }

    /// <summary>Runs the receive loop and the consent sweep until cancelled or disposed; then returns normally.</summary>
    public Task RunAsync(CancellationToken cancellationToken)
    {
        lock (_runGate)
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            if (_runTask is not null)
            {
                throw new InvalidOperationException("The UDP mux is already running.");
            }

            _runTask = RunCoreAsync(cancellationToken);
            return _runTask;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _disposeCts.CancelAsync().ConfigureAwait(false);

        // Wakes and joins the receive thread, then closes the socket (later sends are counted as errors).
        _receiver.Dispose();
        Task? run;
        lock (_runGate)
        {
            run = _runTask;
        }

        if (run is not null)
        {
            await run.ConfigureAwait(false);
        }

        _disposeCts.Dispose();
    }

    private async Task RunCoreAsync(CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposeCts.Token);
        UdpMuxLog.Listening(_logger, LocalEndPoint);
        var sweep = SweepLoopAsync(linked.Token);
        try
        {
            await _receiver.Start(linked.Token).ConfigureAwait(false);
        }
        finally
        {
            await linked.CancelAsync().ConfigureAwait(false);
            await sweep.ConfigureAwait(false);
        }
    }

    private void OnReceived(Span<byte> datagram, SocketAddress remote)
    {
        Counters.IncrementReceived();
        OnDatagram(datagram, remote);
    }

    /// <summary>Dispatches one received datagram; internal so tests can measure the hot path without a socket.</summary>
    internal void OnDatagram(Span<byte> datagram, SocketAddress remote)
    {
        switch (UdpMuxClassifier.Classify(datagram))
        {
            case UdpMuxPacketKind.Stun:
                OnStun(datagram, remote);
                break;
            case UdpMuxPacketKind.Dtls:
                if (_sessionsByEndpoint.TryGetValue(remote, out var dtlsSession))
                {
                    Counters.IncrementDtls();
                    try
                    {
                        dtlsSession.OnDtlsDatagram(datagram);
                    }
                    catch (Exception ex)
                    {
                        HandlerFailed(dtlsSession, nameof(IUdpMuxSession.OnDtlsDatagram), ex);
                    }
                }
                else
                {
                    Counters.IncrementDroppedUnknownEndpoint();
                }

                break;
            case UdpMuxPacketKind.Rtp:
                if (_sessionsByEndpoint.TryGetValue(remote, out var rtcpSession))
                {
                    Counters.IncrementRtcp();
                    try
                    {
                        rtcpSession.OnRtcpDatagram(datagram);
                    }
                    catch (Exception ex)
                    {
                        HandlerFailed(rtcpSession, nameof(IUdpMuxSession.OnRtcpDatagram), ex);
                    }
                }
                else
                {
                    Counters.IncrementDroppedUnknownEndpoint();
                }

                break;
            default:
                Counters.IncrementDroppedGarbage();
                break;
        }
    }

    private void OnStun(ReadOnlySpan<byte> datagram, SocketAddress remote)
    {
        // Route by the ufrag the browser names (ours, before the colon), not by endpoint: that is how a new
        // endpoint gets in, and a reused endpoint moves to whichever session it now authenticates with.
        if (!StunClassifier.IsStun(datagram) || !TryFindSessionByUsername(datagram, out var session))
        {
            Counters.IncrementDroppedBadStun();
            return;
        }

        var outcome = session.Ice.HandleBindingRequest(datagram, remote, _responseBuffer, out int responseLength, out bool selectedChanged);
        bool knownForSession = _sessionsByEndpoint.TryGetValue(remote, out var bound) && ReferenceEquals(bound, session);
        switch (outcome)
        {
            case IceCheckOutcome.Success:
                if (!knownForSession)
                {
                    _sessionsByEndpoint[remote.Clone()] = session;
                }

                Counters.IncrementStunAnswered();
                Send(_responseBuffer.AsSpan(0, responseLength), remote);
                if (selectedChanged && session.Ice.SelectedRemote is { } selected)
                {
                    NotifyRemoteSelected(session, selected.Clone());
                }

                break;

            // A request that fails authentication from an endpoint we have never validated is dropped without
            // an answer (RFC 8445 §7.3 leaves it to us): no oracle for guessing, no reflection off our port.
            case IceCheckOutcome.Unauthorized when !knownForSession:
            case IceCheckOutcome.Dropped:
            case IceCheckOutcome.NotBindingRequest:
                Counters.IncrementDroppedBadStun();
                break;
            default:
                if (responseLength > 0)
                {
                    // Counted before the send, so a peer that has the response never reads a counter without it.
                    Counters.IncrementStunErrorsSent();
                    Send(_responseBuffer.AsSpan(0, responseLength), remote);
                }

                break;
        }
    }

    private bool TryFindSessionByUsername(ReadOnlySpan<byte> datagram, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IUdpMuxSession? session)
    {
        session = null;
        if (!StunMessage.TryRead(datagram, out var message, out _)
            || message.Type != StunMessageType.BindingRequest
            || !message.TryGetUsername(out var username))
        {
            return false;
        }

        int colon = username.IndexOf((byte)':');
        if (colon <= 0 || colon > MaxUfragLength)
        {
            return false;
        }

        // ice-chars are ASCII, so a byte-to-char widening is the whole decoding; anything else cannot match.
        Span<char> ufrag = stackalloc char[MaxUfragLength];
        for (int i = 0; i < colon; i++)
        {
            if (username[i] > 0x7F)
            {
                return false;
            }

            ufrag[i] = (char)username[i];
        }

        return _sessionsByUfragSpan.TryGetValue(ufrag[..colon], out session);
    }

    private void NotifyRemoteSelected(IUdpMuxSession session, SocketAddress selected)
    {
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            UdpMuxLog.RemoteSelected(_logger, session.Ice.Local.Ufrag, selected.ToIPEndPoint());
        }

        try
        {
            session.OnRemoteSelected(selected);
        }
        catch (Exception ex)
        {
            HandlerFailed(session, nameof(IUdpMuxSession.OnRemoteSelected), ex);
        }
    }

    private async Task SweepLoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(ConsentSweepInterval, _timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    SweepExpiredSessions();
                }
                catch (Exception ex)
                {
                    UdpMuxLog.SweepFailed(_logger, ex);
                }

                Counters.IncrementConsentSweeps();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Ends every session whose last valid check is older than the consent timeout; returns how many.</summary>
    internal int SweepExpiredSessions()
    {
        int expired = 0;
        foreach (var entry in _sessionsByUfrag)
        {
            var session = entry.Value;
            if (!session.Ice.IsConsentExpired(_consentTimeout))
            {
                continue;
            }

            Unregister(session);
            expired++;
            Counters.IncrementConsentExpired();
            UdpMuxLog.ConsentExpired(_logger, session.Ice.Local.Ufrag);
            try
            {
                session.OnConsentExpired();
            }
            catch (Exception ex)
            {
                HandlerFailed(session, nameof(IUdpMuxSession.OnConsentExpired), ex);
            }
        }

        return expired;
    }

    private void HandlerFailed(IUdpMuxSession session, string callback, Exception exception)
    {
        Counters.IncrementHandlerErrors();
        UdpMuxLog.HandlerFailed(_logger, session.Ice.Local.Ufrag, callback, exception);
    }
}
