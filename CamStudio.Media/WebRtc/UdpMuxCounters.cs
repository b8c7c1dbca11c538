namespace CamStudio.Media.WebRtc;

/// <summary>Monotonic counters of the shared UDP socket; updated with <see cref="Interlocked"/>, readable from any thread.</summary>
public sealed class UdpMuxCounters
{
    private long _received;
    private long _stunAnswered;
    private long _stunErrorsSent;
    private long _droppedUnknownEndpoint;
    private long _droppedBadStun;
    private long _droppedGarbage;
    private long _dtls;
    private long _rtcp;
    private long _sendErrors;
    private long _receiveErrors;
    private long _handlerErrors;
    private long _consentExpired;
    private long _consentSweeps;

    /// <summary>Every datagram read from the socket.</summary>
    public long Received => Interlocked.Read(ref _received);

    /// <summary>Binding success responses sent.</summary>
    public long StunAnswered => Interlocked.Read(ref _stunAnswered);

    /// <summary>Binding error responses (400/401/420/487) sent.</summary>
    public long StunErrorsSent => Interlocked.Read(ref _stunErrorsSent);

    /// <summary>DTLS or RTP/RTCP from an endpoint no valid check has vouched for.</summary>
    public long DroppedUnknownEndpoint => Interlocked.Read(ref _droppedUnknownEndpoint);

    /// <summary>STUN that is malformed, not a Binding request, for an unknown ufrag, or fails authentication from a new endpoint.</summary>
    public long DroppedBadStun => Interlocked.Read(ref _droppedBadStun);

    /// <summary>Datagrams outside the RFC 7983 ranges we serve.</summary>
    public long DroppedGarbage => Interlocked.Read(ref _droppedGarbage);

    /// <summary>DTLS datagrams handed to a session.</summary>
    public long Dtls => Interlocked.Read(ref _dtls);

    /// <summary>RTP/RTCP datagrams handed to a session.</summary>
    public long Rtcp => Interlocked.Read(ref _rtcp);

    public long SendErrors => Interlocked.Read(ref _sendErrors);

    public long ReceiveErrors => Interlocked.Read(ref _receiveErrors);

    /// <summary>Exceptions thrown by session callbacks (caught, logged).</summary>
    public long HandlerErrors => Interlocked.Read(ref _handlerErrors);

    /// <summary>Sessions removed because consent expired.</summary>
    public long ConsentExpired => Interlocked.Read(ref _consentExpired);

    /// <summary>Completed consent sweeps (lets tests and diagnostics see that the sweep is alive).</summary>
    public long ConsentSweeps => Interlocked.Read(ref _consentSweeps);

    internal void IncrementReceived() => Interlocked.Increment(ref _received);

    internal void IncrementStunAnswered() => Interlocked.Increment(ref _stunAnswered);

    internal void IncrementStunErrorsSent() => Interlocked.Increment(ref _stunErrorsSent);

    internal void IncrementDroppedUnknownEndpoint() => Interlocked.Increment(ref _droppedUnknownEndpoint);

    internal void IncrementDroppedBadStun() => Interlocked.Increment(ref _droppedBadStun);

    internal void IncrementDroppedGarbage() => Interlocked.Increment(ref _droppedGarbage);

    internal void IncrementDtls() => Interlocked.Increment(ref _dtls);

    internal void IncrementRtcp() => Interlocked.Increment(ref _rtcp);

    internal void IncrementSendErrors() => Interlocked.Increment(ref _sendErrors);

    internal void IncrementReceiveErrors() => Interlocked.Increment(ref _receiveErrors);

    internal void IncrementHandlerErrors() => Interlocked.Increment(ref _handlerErrors);

    internal void IncrementConsentExpired() => Interlocked.Increment(ref _consentExpired);

    internal void IncrementConsentSweeps() => Interlocked.Increment(ref _consentSweeps);
}
