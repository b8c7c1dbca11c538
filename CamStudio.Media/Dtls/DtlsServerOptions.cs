namespace CamStudio.Media.Dtls;

/// <summary>Tunables of a <see cref="DtlsServerSession"/>. The defaults suit WebRTC over a 1280-byte path MTU.</summary>
public sealed class DtlsServerOptions
{
    /// <summary>
    /// Longest time from <see cref="DtlsServerSession.HandshakeAsync"/> to a finished handshake, including the wait for
    /// the first ClientHello. A browser that vanished after ICE must not pin a thread.
    /// </summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Largest datagram we send (whole DTLS datagram incl. record headers); BouncyCastle fragments to it.</summary>
    public int SendLimit { get; init; } = 1200;

    /// <summary>
    /// Largest datagram we accept. Larger than <see cref="SendLimit"/> because we do not control the peer's PMTU guess
    /// and a truncated record would be dropped as corrupt.
    /// </summary>
    public int ReceiveLimit { get; init; } = 1500;

    /// <summary>Datagrams buffered between the UDP receive thread and the DTLS thread; more are dropped.</summary>
    public int IncomingQueueCapacity { get; init; } = 64;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(HandshakeTimeout, TimeSpan.Zero, nameof(HandshakeTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(SendLimit, 256, nameof(SendLimit));
        ArgumentOutOfRangeException.ThrowIfLessThan(ReceiveLimit, 256, nameof(ReceiveLimit));
        ArgumentOutOfRangeException.ThrowIfLessThan(IncomingQueueCapacity, 1, nameof(IncomingQueueCapacity));
    }
}
