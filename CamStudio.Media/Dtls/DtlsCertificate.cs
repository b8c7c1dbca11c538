using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Asn1.Sec;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Parameters;

namespace CamStudio.Media.Dtls;

/// <summary>
/// The server's self-signed ECDSA P-256 certificate. WebRTC peers never check the chain or the dates: the browser
/// trusts it only because its SHA-256 <see cref="Fingerprint"/> travels in the signalled SDP answer (RFC 8827 §6.5).
/// Create one per process and share it between sessions; generating a key per viewer would only cost CPU.
/// </summary>
/// <remarks>
/// The key and certificate are made with .NET's own cryptography (already loaded for Data Protection), and the
/// BouncyCastle form of the key that the DTLS stack signs with is derived on the first handshake. An idle server
/// therefore never loads BouncyCastle: on a Raspberry Pi that is ~6 MiB of mapped image and its JIT'd code kept out of
/// the resident set until somebody actually watches a camera.
/// </remarks>
public sealed class DtlsCertificate : IDisposable
{
    /// <summary>Default validity after creation; callers running longer should rotate with a fresh certificate.</summary>
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromDays(30);

    private readonly byte[] _der;
    private readonly Lock _keyLock = new();
    private ECDsa? _key;
    private object? _bouncyCastleKey;

    private DtlsCertificate(byte[] der, ECDsa key, DateTime notBefore, DateTime notAfter)
    {
        _der = der;
        _key = key;
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

    /// <summary>The private key in BouncyCastle's form, derived once on first use (the first DTLS handshake).</summary>
    internal AsymmetricKeyParameter PrivateKey
    {
        get
        {
            lock (_keyLock)
            {
                ECDsa key = _key ?? throw new ObjectDisposedException(nameof(DtlsCertificate));
                _bouncyCastleKey ??= ToBouncyCastle(key);
                return (AsymmetricKeyParameter)_bouncyCastleKey;
            }
        }
    }

    /// <summary>Creates a certificate valid from one day ago for <see cref="DefaultLifetime"/>.</summary>
    public static DtlsCertificate Create() => Create(DefaultLifetime);

    /// <summary>Creates a certificate valid from one day ago for <paramref name="lifetime"/>.</summary>
    public static DtlsCertificate Create(TimeSpan lifetime)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lifetime, TimeSpan.Zero);

        ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        try
        {
            // Whole seconds: X.509 UTCTime has no fractions, and exposing the truncated value keeps NotBefore/NotAfter honest.
            DateTime now = DateTime.UtcNow;
            now = new DateTime(now.Ticks - (now.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);
            DateTime notBefore = now.AddDays(-1);
            DateTime notAfter = now.Add(lifetime);

            // RFC 5280 §4.1.2.2: a positive, non-zero serial of at most 20 octets; 62 random bits are plenty for a
            // throwaway cert. Clearing the top bit keeps the DER INTEGER positive without a padding octet; setting
            // the lowest bit of the first octet keeps it from being zero or shrinking.
            byte[] serial = RandomNumberGenerator.GetBytes(8);
            serial[0] = (byte)((serial[0] & 0x7F) | 0x01);

            var request = new CertificateRequest("CN=CamStudio", key, HashAlgorithmName.SHA256);
            using X509Certificate2 certificate = request.Create(
                request.SubjectName,
                X509SignatureGenerator.CreateForECDsa(key),
                new DateTimeOffset(notBefore),
                new DateTimeOffset(notAfter),
                serial);
            return new DtlsCertificate(certificate.RawData, key, notBefore, notAfter);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <summary>Drops the private key; sessions created afterwards fail their handshake.</summary>
    public void Dispose()
    {
        lock (_keyLock)
        {
            _key?.Dispose();
            _key = null;
            _bouncyCastleKey = null;
        }
    }

    // Kept out of line so that merely loading this class (at start-up) does not pull BouncyCastle's types in.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static object ToBouncyCastle(ECDsa key)
    {
        ECParameters parameters = key.ExportParameters(includePrivateParameters: true);
        try
        {
            return new ECPrivateKeyParameters(
                "EC", new Org.BouncyCastle.Math.BigInteger(1, parameters.D), SecObjectIdentifiers.SecP256r1);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(parameters.D);
        }
    }
}
