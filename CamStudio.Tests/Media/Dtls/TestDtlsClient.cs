using CamStudio.Media.Dtls;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace CamStudio.Tests.Media.Dtls;

/// <summary>
/// A browser stand-in built on BouncyCastle's own DTLS client: DTLS 1.2, ECDHE_ECDSA, an ECDSA client certificate,
/// use_srtp with the given profiles, and the server certificate pinned by its SDP fingerprint.
/// </summary>
internal sealed class TestDtlsClient : DefaultTlsClient
{
    private readonly DtlsCertificate? _clientCertificate;
    private readonly string _expectedServerFingerprint;
    private readonly int[]? _srtpProfiles;

    public TestDtlsClient(DtlsCertificate? clientCertificate, string expectedServerFingerprint, params int[]? srtpProfiles)
        : base(new BcTlsCrypto())
    {
        _clientCertificate = clientCertificate;
        _expectedServerFingerprint = expectedServerFingerprint;
        _srtpProfiles = srtpProfiles;
    }

    public int HandshakeTimeoutMillis { get; init; } = 10_000;

    /// <summary>Bytes of RFC 7685 padding added to the ClientHello to force fragmentation.</summary>
    public int ClientHelloPadding { get; init; }

    public ProtocolVersion? NegotiatedVersion { get; private set; }

    public int CipherSuite { get; private set; } = -1;

    public bool ExtendedMasterSecret { get; private set; }

    public int SelectedSrtpProfile { get; private set; } = -1;

    public byte[]? ExportedKeyingMaterial { get; private set; }

    public bool ServerFingerprintMatched { get; private set; }

    public System.Collections.Concurrent.ConcurrentQueue<(short Level, short Description)> AlertsReceived { get; } = new();

    public override int GetHandshakeTimeoutMillis() => HandshakeTimeoutMillis;

    protected override ProtocolVersion[] GetSupportedVersions() => ProtocolVersion.DTLSv12.Only();

    protected override int[] GetSupportedCipherSuites() =>
    [
        Org.BouncyCastle.Tls.CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        Org.BouncyCastle.Tls.CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
    ];

    public override IDictionary<int, byte[]> GetClientExtensions()
    {
        IDictionary<int, byte[]> extensions = TlsExtensionsUtilities.EnsureExtensionsInitialised(base.GetClientExtensions());
        if (_srtpProfiles is not null)
        {
            TlsSrtpUtilities.AddUseSrtpExtension(extensions, new UseSrtpData(_srtpProfiles, TlsUtilities.EmptyBytes));
        }

        if (ClientHelloPadding > 0)
        {
            TlsExtensionsUtilities.AddPaddingExtension(extensions, ClientHelloPadding);
        }

        return extensions;
    }

    public override void ProcessServerExtensions(IDictionary<int, byte[]> serverExtensions)
    {
        base.ProcessServerExtensions(serverExtensions);
        UseSrtpData? selected = serverExtensions is null ? null : TlsSrtpUtilities.GetUseSrtpExtension(serverExtensions);
        if (selected is null || selected.ProtectionProfiles.Length != 1
            || _srtpProfiles is null || Array.IndexOf(_srtpProfiles, selected.ProtectionProfiles[0]) < 0)
        {
            throw new TlsFatalAlert(AlertDescription.illegal_parameter);
        }

        SelectedSrtpProfile = selected.ProtectionProfiles[0];
    }

    public override TlsAuthentication GetAuthentication() => new Authentication(this);

    public override void NotifyHandshakeComplete()
    {
        base.NotifyHandshakeComplete();
        SecurityParameters parameters = m_context.SecurityParameters;
        NegotiatedVersion = parameters.NegotiatedVersion;
        CipherSuite = parameters.CipherSuite;
        ExtendedMasterSecret = parameters.IsExtendedMasterSecret;
        ushort profile = checked((ushort)SelectedSrtpProfile);
        int length = 2 * (DtlsSrtpProfiles.MasterKeyLength + DtlsSrtpProfiles.GetMasterSaltLength(profile));
        ExportedKeyingMaterial = m_context.ExportKeyingMaterial("EXTRACTOR-dtls_srtp", null, length);
    }

    public override void NotifyAlertReceived(short alertLevel, short alertDescription) =>
        AlertsReceived.Enqueue((alertLevel, alertDescription));

    private sealed class Authentication(TestDtlsClient client) : TlsAuthentication
    {
        public void NotifyServerCertificate(TlsServerCertificate serverCertificate)
        {
            byte[] der = serverCertificate.Certificate.GetCertificateAt(0).GetEncoded();
            string actual = DtlsFingerprint.Format(DtlsFingerprint.ComputeSha256(der));
            if (!string.Equals(actual, client._expectedServerFingerprint, StringComparison.OrdinalIgnoreCase))
            {
                throw new TlsFatalAlert(AlertDescription.bad_certificate);
            }

            client.ServerFingerprintMatched = true;
        }

        public TlsCredentials? GetClientCredentials(CertificateRequest certificateRequest)
        {
            if (client._clientCertificate is null)
            {
                return null;
            }

            var crypto = (BcTlsCrypto)client.Crypto;
            var chain = new Certificate([crypto.CreateCertificate(client._clientCertificate.Der.ToArray())]);
            return new BcDefaultTlsCredentialedSigner(
                new TlsCryptoParameters(client.m_context),
                crypto,
                client._clientCertificate.PrivateKey,
                chain,
                new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
        }
    }
}
