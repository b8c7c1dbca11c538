using CamStudio.Media.Dtls;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace CamStudio.Benchmarks.Harness;

/// <summary>
/// The browser's side of DTLS-SRTP on BouncyCastle's DTLS client: DTLS 1.2, ECDHE_ECDSA with a client certificate,
/// use_srtp offering exactly one profile (so the benchmark chooses which one the session negotiates), and the server
/// certificate pinned by its SDP fingerprint.
/// </summary>
internal sealed class BenchDtlsClient(DtlsCertificate clientCertificate, string expectedServerFingerprint, int srtpProfile)
    : DefaultTlsClient(new BcTlsCrypto())
{
    public override int GetHandshakeTimeoutMillis() => 10_000;

    protected override ProtocolVersion[] GetSupportedVersions() => ProtocolVersion.DTLSv12.Only();

    protected override int[] GetSupportedCipherSuites() => [CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256];

    public override IDictionary<int, byte[]> GetClientExtensions()
    {
        IDictionary<int, byte[]> extensions = TlsExtensionsUtilities.EnsureExtensionsInitialised(base.GetClientExtensions());
        TlsSrtpUtilities.AddUseSrtpExtension(extensions, new UseSrtpData([srtpProfile], TlsUtilities.EmptyBytes));
        return extensions;
    }

    public override TlsAuthentication GetAuthentication() => new Authentication(this);

    private sealed class Authentication(BenchDtlsClient client) : TlsAuthentication
    {
        public void NotifyServerCertificate(TlsServerCertificate serverCertificate)
        {
            byte[] der = serverCertificate.Certificate.GetCertificateAt(0).GetEncoded();
            string actual = DtlsFingerprint.Format(DtlsFingerprint.ComputeSha256(der));
            if (!string.Equals(actual, client.ExpectedServerFingerprint, StringComparison.OrdinalIgnoreCase))
            {
                throw new TlsFatalAlert(AlertDescription.bad_certificate);
            }
        }

        public TlsCredentials GetClientCredentials(CertificateRequest certificateRequest)
        {
            var crypto = (BcTlsCrypto)client.Crypto;
            var chain = new Certificate([crypto.CreateCertificate(client.ClientCertificate.Der.ToArray())]);
            return new BcDefaultTlsCredentialedSigner(
                new TlsCryptoParameters(client.Context),
                crypto,
                client.ClientCertificate.PrivateKey,
                chain,
                new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
        }
    }

    private DtlsCertificate ClientCertificate => clientCertificate;

    private string ExpectedServerFingerprint => expectedServerFingerprint;

    private TlsClientContext Context => m_context;
}
