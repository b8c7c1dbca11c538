using Microsoft.Extensions.Logging;

namespace CamStudio.Media.Dtls;

// Source-generated log messages of DtlsServerSession (kept apart so the session file reads as the protocol flow).
public sealed partial class DtlsServerSession
{
    [LoggerMessage(Level = LogLevel.Information, Message = "DTLS handshake completed: SRTP profile 0x{Profile:X4}, {CipherSuite}")]
    private partial void LogHandshakeCompleted(ushort profile, string? cipherSuite);

    [LoggerMessage(Level = LogLevel.Warning, Message = "DTLS handshake failed: {Reason}")]
    private partial void LogHandshakeFailed(string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "DTLS alert sent: {Level} {Description} {Detail}")]
    private partial void LogAlertRaised(string level, string description, string? detail);

    [LoggerMessage(Level = LogLevel.Debug, Message = "DTLS alert received: {Level} {Description}")]
    private partial void LogAlertReceived(string level, string description);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Dropped an incoming DTLS datagram of {Length} bytes")]
    private partial void LogDatagramDropped(int length);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Ignored {Length} bytes of DTLS application data")]
    private partial void LogApplicationDataIgnored(int length);

    [LoggerMessage(Level = LogLevel.Information, Message = "DTLS session closed by the peer (close_notify)")]
    private partial void LogPeerClosed();

    [LoggerMessage(Level = LogLevel.Debug, Message = "DTLS session closed locally")]
    private partial void LogClosedLocally();

    [LoggerMessage(Level = LogLevel.Warning, Message = "DTLS session ended: {Reason}")]
    private partial void LogTransportFailed(string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Sending close_notify failed")]
    private partial void LogCloseFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unexpected error in the DTLS session")]
    private partial void LogUnexpected(Exception exception);
}
