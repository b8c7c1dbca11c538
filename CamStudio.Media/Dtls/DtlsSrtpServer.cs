using CryptographicOperations = System.Security.Cryptography.CryptographicOperations;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace CamStudio.Media.Dtls;

/// <summary>
/// The BouncyCastle server policy for WebRTC: DTLS 1.2 only, ECDHE_ECDSA AEAD suites, extended master secret,
/// a mandatory client certificate pinned by the SDP fingerprint, and use_srtp with keys exported on completion.
/// One instance per handshake.
/// </summary>
internal sealed class DtlsSrtpServer : DefaultTlsServer
{
    // Server preference order; GCM first because it needs no separate HMAC pass per packet.
    private static readonly int[] s_srtpProfilePreference =
    [
        SrtpProtectionProfile.SRTP_AEAD_AES_128_GCM,
        SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80,
    ];

    private static readonly int[] s_cipherSuites =
    [
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
    ];

    // RFC 5764 §4.2 exporter label.
    private const string SrtpExporterLabel = "EXTRACTOR-dtls_srtp";

    private readonly DtlsCertificate _certificate;
    private readonly byte[] _expectedClientFingerprint;
    private readonly int _handshakeTimeoutMillis;
    private int _selectedSrtpProfile = -1;

    public DtlsSrtpServer(DtlsCertificate certificate, byte[] expectedClientFingerprint, int handshakeTimeoutMillis)
        : base(new BcTlsCrypto())
    {
        _certificate = certificate;
        _expectedClientFingerprint = expectedClientFingerprint;
        _handshakeTimeoutMillis = handshakeTimeoutMillis;
    }

    /// <summary>Keys exported inside <see cref="NotifyHandshakeComplete"/>; null until then.</summary>
    public DtlsSrtpKeys? Keys { get; private set; }

    /// <summary>Negotiated cipher suite, for logs; null until the handshake completed.</summary>
    public string? CipherSuiteName { get; private set; }

    /// <summary>Human-readable reason for the last handshake failure we decided ourselves (null for BouncyCastle's own).</summary>
    public string? FailureReason { get; private set; }

    /// <summary>Raised on the DTLS thread for every alert the peer sends (level, description).</summary>
    public event Action<short, short>? AlertReceived;

    /// <summary>Raised on the DTLS thread for every alert we send (level, description, message, cause).</summary>
    public event Action<short, short, string?, Exception?>? AlertRaised;

    public override int GetHandshakeTimeoutMillis() => _handshakeTimeoutMillis;

    public override bool RequiresExtendedMasterSecret() => true;

    // RFC 6347 §4.1.2.7: invalid records SHOULD be silently discarded; one forged datagram must not end the session.
    public override bool IgnoreCorruptDtlsRecords => true;

    protected override ProtocolVersion[] GetSupportedVersions() => ProtocolVersion.DTLSv12.Only();

    protected override int[] GetSupportedCipherSuites() => TlsUtilities.GetSupportedCipherSuites(Crypto, s_cipherSuites);

    protected override bool PreferLocalCipherSuites() => true;

    public override void ProcessClientExtensions(IDictionary<int, byte[]> clientExtensions)
    {
        base.ProcessClientExtensions(clientExtensions);

        UseSrtpData? offered = clientExtensions is null ? null : TlsSrtpUtilities.GetUseSrtpExtension(clientExtensions);
        if (offered is null)
        {
            throw Fail(AlertDescription.handshake_failure, "The client did not offer the use_srtp extension (RFC 5764).");
        }

        foreach (int profile in s_srtpProfilePreference)
        {
            if (Array.IndexOf(offered.ProtectionProfiles, profile) >= 0)
            {
                _selectedSrtpProfile = profile;
                return;
            }
        }

        throw Fail(AlertDescription.handshake_failure, "The client offered no supported SRTP protection profile.");
    }

    public override IDictionary<int, byte[]> GetServerExtensions()
    {
        IDictionary<int, byte[]> extensions = base.GetServerExtensions();

        // RFC 5764 §4.1.1: exactly one profile; an empty MKI because we do not use MKIs.
        TlsSrtpUtilities.AddUseSrtpExtension(extensions, new UseSrtpData([_selectedSrtpProfile], TlsUtilities.EmptyBytes));
        return extensions;
    }

    public override CertificateRequest GetCertificateRequest()
    {
        // Chrome >= 124 aborts without a CertificateRequest; the client's certificate is what the SDP fingerprint pins.
        short[] certificateTypes = [ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign];
        IList<SignatureAndHashAlgorithm> signatureAlgorithms = TlsUtilities.GetDefaultSupportedSignatureAlgorithms(m_context);
        return new CertificateRequest(certificateTypes, signatureAlgorithms, null);
    }

    public override void NotifyClientCertificate(Certificate clientCertificate)
    {
        if (clientCertificate is null || clientCertificate.IsEmpty)
        {
            throw Fail(AlertDescription.bad_certificate, "The client sent no certificate; its SDP fingerprint cannot be verified.");
        }

        byte[] actual = DtlsFingerprint.ComputeSha256(clientCertificate.GetCertificateAt(0).GetEncoded());
        if (!CryptographicOperations.FixedTimeEquals(actual, _expectedClientFingerprint))
        {
            throw Fail(
                AlertDescription.bad_certificate,
                "The client certificate's SHA-256 fingerprint " + DtlsFingerprint.Format(actual)
                + " does not match the a=fingerprint from the SDP offer.");
        }
    }

    protected override TlsCredentialedSigner GetECDsaSignerCredentials()
    {
        var crypto = (BcTlsCrypto)Crypto;
        var certificate = new Certificate([crypto.CreateCertificate(_certificate.Der.ToArray())]);
        return new BcDefaultTlsCredentialedSigner(
            new TlsCryptoParameters(m_context),
            crypto,
            _certificate.PrivateKey,
            certificate,
            new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
    }

    public override void NotifyHandshakeComplete()
    {
        base.NotifyHandshakeComplete();

        // Must happen here: DtlsServerProtocol.Accept clears the security parameters (master secret) before returning.
        ushort profile = checked((ushort)_selectedSrtpProfile);
        int length = 2 * (DtlsSrtpProfiles.MasterKeyLength + DtlsSrtpProfiles.GetMasterSaltLength(profile));
        byte[] material = m_context.ExportKeyingMaterial(SrtpExporterLabel, null, length);
        try
        {
            Keys = DtlsSrtpProfiles.Split(profile, material);
            CipherSuiteName = CipherSuiteToString(m_context.SecurityParameters.CipherSuite);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(material);
        }
    }

    public override void NotifyAlertRaised(short alertLevel, short alertDescription, string message, Exception cause)
        => AlertRaised?.Invoke(alertLevel, alertDescription, message, cause);

    public override void NotifyAlertReceived(short alertLevel, short alertDescription)
        => AlertReceived?.Invoke(alertLevel, alertDescription);

    private static string CipherSuiteToString(int cipherSuite) => cipherSuite switch
    {
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 => "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 => "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 => "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
        _ => "0x" + cipherSuite.ToString("X4", System.Globalization.CultureInfo.InvariantCulture),
    };

    private TlsFatalAlert Fail(short alertDescription, string reason)
    {
        FailureReason = reason;
        return new TlsFatalAlert(alertDescription, reason);
    }
}
