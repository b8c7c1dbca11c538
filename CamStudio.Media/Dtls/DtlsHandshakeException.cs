namespace CamStudio.Media.Dtls;

/// <summary>The DTLS handshake failed for a protocol reason (bad fingerprint, no use_srtp, peer alert, …).</summary>
public sealed class DtlsHandshakeException : Exception
{
    public DtlsHandshakeException()
    {
    }

    public DtlsHandshakeException(string message)
        : base(message)
    {
    }

    public DtlsHandshakeException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    public DtlsHandshakeException(string message, short alertDescription, Exception? innerException)
        : base(message, innerException)
    {
        AlertDescription = alertDescription;
    }

    /// <summary>The TLS alert (RFC 5246 §7.2) that ended the handshake, sent or received, when there was one.</summary>
    public short? AlertDescription { get; }
}
