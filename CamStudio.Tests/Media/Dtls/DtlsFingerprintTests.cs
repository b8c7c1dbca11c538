using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using CamStudio.Media.Dtls;
using Microsoft.Extensions.Logging.Abstractions;

namespace CamStudio.Tests.Media.Dtls;

public class DtlsFingerprintTests
{
    [Fact]
    public void Rfc8122_5_Format_Sha256Is95UpperCaseHexCharsWithColons()
    {
        byte[] digest = Enumerable.Range(0, 32).Select(i => (byte)(i * 8 + 0x0A)).ToArray();

        string text = DtlsFingerprint.Format(digest);

        text.Should().HaveLength(95).And.HaveLength(DtlsFingerprint.Sha256TextLength);
        text.Should().MatchRegex("^([0-9A-F]{2}:){31}[0-9A-F]{2}$");
        text.Should().StartWith("0A:12:1A:22:");
        text.Should().EndWith(":FA:02");
    }

    [Fact]
    public void Certificate_FingerprintIsSha256OfTheDer()
    {
        DtlsCertificate certificate = DtlsLoopback.ServerCertificate;

        byte[] expected = SHA256.HashData(certificate.Der.Span);

        certificate.Fingerprint.Should().Be(string.Join(':', expected.Select(b => b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture))));
        Regex.IsMatch(certificate.Fingerprint, "^([0-9A-F]{2}:){31}[0-9A-F]{2}$").Should().BeTrue();
    }

    [Fact]
    public void Certificate_IsSelfSignedEcdsaP256WithSha256_ValidFromYesterdayFor30Days()
    {
        using var certificate = DtlsCertificate.Create();
        using X509Certificate2 parsed = X509CertificateLoader.LoadCertificate(certificate.Der.Span);

        parsed.SignatureAlgorithm.Value.Should().Be("1.2.840.10045.4.3.2"); // ecdsa-with-SHA256
        using ECDsa? publicKey = parsed.GetECDsaPublicKey();
        publicKey.Should().NotBeNull();
        publicKey!.ExportParameters(false).Curve.Oid.Value.Should().Be("1.2.840.10045.3.1.7"); // P-256
        parsed.Subject.Should().Be(parsed.Issuer);
        parsed.NotBefore.ToUniversalTime().Should().BeCloseTo(DateTime.UtcNow.AddDays(-1), TimeSpan.FromMinutes(1));
        parsed.NotAfter.ToUniversalTime().Should().BeCloseTo(DateTime.UtcNow.AddDays(30), TimeSpan.FromMinutes(1));
        certificate.NotAfter.Should().Be(parsed.NotAfter.ToUniversalTime());
        certificate.Fingerprint.Should().NotBe(DtlsLoopback.ServerCertificate.Fingerprint, "every certificate has its own key");
    }

    [Theory]
    [InlineData("ab:cd:ef:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:AB:CD:EF:01:23:45:67:89")]
    [InlineData(" AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89 ")]
    public void TryParse_AcceptsEitherCase(string text)
    {
        DtlsFingerprint.TryParse(text, 32, out byte[] digest).Should().BeTrue();

        DtlsFingerprint.Format(digest).Should().Be(text.Trim().ToUpperInvariant());
    }

    [Theory]
    [InlineData("")]
    [InlineData("AB:CD")]
    [InlineData("AB-CD-EF-01-23-45-67-89-AB-CD-EF-01-23-45-67-89-AB-CD-EF-01-23-45-67-89-AB-CD-EF-01-23-45-67-89")]
    [InlineData("GB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89")]
    [InlineData("AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:00")]
    public void TryParse_RejectsMalformed(string text) => DtlsFingerprint.TryParse(text, 32, out _).Should().BeFalse();

    [Fact]
    public void TryParse_RandomInput_NeverThrows()
    {
        var random = new Random(8122);
        const string alphabet = "0123456789abcdefABCDEFxyz: -";
        for (int i = 0; i < 20_000; i++)
        {
            int length = random.Next(0, 2) == 0 ? 95 : random.Next(0, 120);
            string text = new(Enumerable.Range(0, length).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
            bool parsed = DtlsFingerprint.TryParse(text, 32, out byte[] digest);
            if (parsed)
            {
                digest.Should().HaveCount(32);
            }
        }
    }

    [Theory]
    [InlineData("not a fingerprint")]
    [InlineData("AB:CD:EF")]
    public void Session_RejectsMalformedRemoteFingerprint(string fingerprint)
    {
        Action create = () => new DtlsServerSession(DtlsLoopback.ServerCertificate, fingerprint, _ => { }, NullLogger.Instance);

        create.Should().Throw<ArgumentException>().WithParameterName("remoteFingerprintSha256");
    }

    [Fact]
    public async Task Session_AcceptsLowerCaseFingerprintWithAlgorithmPrefix()
    {
        // Browsers write a=fingerprint:sha-256 in upper case, but the grammar (RFC 8122 §5) allows either case.
        string remote = "sha-256 " + DtlsLoopback.ClientCertificate.Fingerprint.ToLowerInvariant();
        using var loopback = new DtlsLoopback(expectedClientFingerprint: remote);
        var client = new TestDtlsClient(DtlsLoopback.ClientCertificate, DtlsLoopback.ServerCertificate.Fingerprint, 1);

        Task<DtlsSrtpKeys> server = loopback.Server.HandshakeAsync(CancellationToken.None);
        await loopback.ConnectAsync(client).WaitAsync(DtlsLoopback.Deadline);
        (await server.WaitAsync(DtlsLoopback.Deadline)).ProtectionProfile.Should().Be(DtlsSrtpProfiles.Aes128CmHmacSha1_80);
    }
}
