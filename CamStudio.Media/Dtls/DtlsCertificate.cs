using Org.BouncyCastle.Asn1.Sec;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;

namespace CamStudio.Media.Dtls;

/// <summary>
/// The server's self-signed ECDSA P-256 certificate. WebRTC peers never check the chain or the dates: the browser
/// trusts it only because its SHA-256 <see cref="Fingerprint"/> travels in the signalled SDP answer (RFC 8827 §6.5).
/// Create one per process and share it between sessions; generating a key per viewer would only cost CPU.
/// </summary>
public sealed class DtlsCertificate : IDisposable
{
    /// <summary>Default validity after creation; callers running longer should rotate with a fresh certificate.</summary>
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromDays(30);

    private readonly byte[] _der;
    private AsymmetricKeyParameter? _privateKey;

    private DtlsCertificate(byte[] der, AsymmetricKeyParameter privateKey, DateTime notBefore, DateTime notAfter)
    {
        _der = der;
        _privateKey = privateKey;
        NotBefore = notBefore;
        NotAfter = notAfter;
        Fingerprint = DtlsFingerprint.Format(DtlsFingerprint.ComputeSha256(der));
    }

    /// <summary>SHA-256 of the DER certificate as <c>AB:CD:…</c>: the SDP <c>a=fingerprint:sha-256</c> value.</summary>
    public string Fingerprint { get; }

    /// <summary>Start of validity (UTC). Backdated one day so a peer with a slow clock does not see a future cert.</summary>
    public DateTime NotBefore { get; }

    /// <summary>End of validity (UTC).</summary>
    public DateTime NotAfter { get; }

    /// <summary>The DER-encoded X.509 certificate.</summary>
    public ReadOnlyMemory<byte> Der => _der;

    internal AsymmetricKeyParameter PrivateKey =>
        _privateKey ?? throw new ObjectDisposedException(nameof(DtlsCertificate));

    /// <summary>Creates a certificate valid from one day ago for <see cref="DefaultLifetime"/>.</summary>
    public static DtlsCertificate Create() => Create(DefaultLifetime);

    /// <summary>Creates a certificate valid from one day ago for <paramref name="lifetime"/>.</summary>
    public static DtlsCertificate Create(TimeSpan lifetime)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lifetime, TimeSpan.Zero);

        var random = new SecureRandom();
        var keyGenerator = new ECKeyPairGenerator("EC");
        keyGenerator.Init(new ECKeyGenerationParameters(SecObjectIdentifiers.SecP256r1, random));
        AsymmetricCipherKeyPair keyPair = keyGenerator.GenerateKeyPair();

        // Whole seconds: X.509 UTCTime has no fractions, and exposing the truncated value keeps NotBefore/NotAfter honest.
        DateTime now = DateTime.UtcNow;
        now = new DateTime(now.Ticks - (now.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);
        DateTime notBefore = now.AddDays(-1);
        DateTime notAfter = now.Add(lifetime);

        // RFC 5280 §4.1.2.2: positive serial of at most 20 octets; 64 random bits are plenty for a throwaway cert.
        var name = new X509Name("CN=CamStudio");
        var generator = new X509V3CertificateGenerator();
        generator.SetSerialNumber(new BigInteger(64, random).Add(BigInteger.One));
        generator.SetIssuerDN(name);
        generator.SetSubjectDN(name);
        generator.SetNotBefore(notBefore);
        generator.SetNotAfter(notAfter);
        generator.SetPublicKey(keyPair.Public);
        X509Certificate certificate = generator.Generate(
            new Asn1SignatureFactory("SHA256WITHECDSA", keyPair.Private, random));

        return new DtlsCertificate(certificate.GetEncoded(), keyPair.Private, notBefore, notAfter);
    }

    /// <summary>Drops the private key; sessions created afterwards fail their handshake.</summary>
    public void Dispose() => _privateKey = null;
}
