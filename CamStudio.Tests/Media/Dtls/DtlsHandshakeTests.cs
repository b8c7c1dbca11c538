using CamStudio.Media.Dtls;
using Org.BouncyCastle.Tls;

namespace CamStudio.Tests.Media.Dtls;

/// <summary>Handshakes of <see cref="DtlsServerSession"/> against BouncyCastle's own DTLS 1.2 client.</summary>
public class DtlsHandshakeTests
{
    private const int AesCm = SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80;
    private const int Gcm = SrtpProtectionProfile.SRTP_AEAD_AES_128_GCM;

    [Theory]
    [InlineData(new[] { AesCm, Gcm }, Gcm)] // server preference wins over the client's order
    [InlineData(new[] { Gcm, AesCm }, Gcm)]
    [InlineData(new[] { AesCm }, AesCm)]
    [InlineData(new[] { Gcm }, Gcm)]
    public async Task Rfc5764_4_2_BothSidesExportIdenticalSrtpKeys(int[] offeredProfiles, int expectedProfile)
    {
        using var loopback = new DtlsLoopback();
        var client = new TestDtlsClient(DtlsLoopback.ClientCertificate, DtlsLoopback.ServerCertificate.Fingerprint, offeredProfiles);

        Task<DtlsSrtpKeys> serverHandshake = loopback.Server.HandshakeAsync(CancellationToken.None);
        DtlsTransport clientTransport = await loopback.ConnectAsync(client).WaitAsync(DtlsLoopback.Deadline);
        DtlsSrtpKeys keys = await serverHandshake.WaitAsync(DtlsLoopback.Deadline);

        client.ServerFingerprintMatched.Should().BeTrue();
        client.SelectedSrtpProfile.Should().Be(expectedProfile);
        keys.ProtectionProfile.Should().Be((ushort)expectedProfile);

        int saltLength = expectedProfile == Gcm ? 12 : 14;
        keys.ClientMasterKey.Should().HaveCount(16);
        keys.ServerMasterKey.Should().HaveCount(16);
        keys.ClientMasterSalt.Should().HaveCount(saltLength);
        keys.ServerMasterSalt.Should().HaveCount(saltLength);
        keys.ClientMasterKey.Should().NotEqual(keys.ServerMasterKey);

        // The client computed the same exporter output independently; our layout must match RFC 5764 §4.2.
        byte[] material = client.ExportedKeyingMaterial!;
        material.Should().HaveCount(2 * (16 + saltLength));
        keys.ClientMasterKey.Should().Equal(material[..16]);
        keys.ServerMasterKey.Should().Equal(material[16..32]);
        keys.ClientMasterSalt.Should().Equal(material[32..(32 + saltLength)]);
        keys.ServerMasterSalt.Should().Equal(material[(32 + saltLength)..]);

        loopback.Server.IsConnected.Should().BeTrue();
        clientTransport.Close();
    }

    [Fact]
    public async Task Two_sessions_with_the_same_certificates_never_share_srtp_keys()
    {
        // The certificate lives as long as the process; the keys must not: fresh randoms and ECDHE per handshake.
        DtlsSrtpKeys first = await HandshakeKeysAsync();
        DtlsSrtpKeys second = await HandshakeKeysAsync();

        second.ServerMasterKey.Should().NotEqual(first.ServerMasterKey);
        second.ClientMasterKey.Should().NotEqual(first.ClientMasterKey);
        second.ServerMasterSalt.Should().NotEqual(first.ServerMasterSalt);
    }

    private static async Task<DtlsSrtpKeys> HandshakeKeysAsync()
    {
        using var loopback = new DtlsLoopback();
        var client = new TestDtlsClient(DtlsLoopback.ClientCertificate, DtlsLoopback.ServerCertificate.Fingerprint, [Gcm]);
        Task<DtlsSrtpKeys> serverHandshake = loopback.Server.HandshakeAsync(CancellationToken.None);
        DtlsTransport clientTransport = await loopback.ConnectAsync(client).WaitAsync(DtlsLoopback.Deadline);
        DtlsSrtpKeys keys = await serverHandshake.WaitAsync(DtlsLoopback.Deadline);
        clientTransport.Close();
        return keys;
    }

    [Fact]
    public async Task Handshake_NegotiatesDtls12WithEcdheEcdsaAndExtendedMasterSecret()
    {
        using var loopback = new DtlsLoopback();
        var client = new TestDtlsClient(DtlsLoopback.ClientCertificate, DtlsLoopback.ServerCertificate.Fingerprint, AesCm, Gcm);

        Task<DtlsSrtpKeys> serverHandshake = loopback.Server.HandshakeAsync(CancellationToken.None);
        await loopback.ConnectAsync(client).WaitAsync(DtlsLoopback.Deadline);
        await serverHandshake.WaitAsync(DtlsLoopback.Deadline);

        client.NegotiatedVersion.Should().Be(ProtocolVersion.DTLSv12);
        client.CipherSuite.Should().Be(CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256);
        client.ExtendedMasterSecret.Should().BeTrue();
    }

    [Fact]
    public async Task Handshake_ServerRespectsItsSendLimit()
    {
        using var loopback = new DtlsLoopback(new DtlsServerOptions { SendLimit = 300 });
        var client = new TestDtlsClient(DtlsLoopback.ClientCertificate, DtlsLoopback.ServerCertificate.Fingerprint, AesCm, Gcm);

        Task<DtlsSrtpKeys> serverHandshake = loopback.Server.HandshakeAsync(CancellationToken.None);
        await loopback.ConnectAsync(client).WaitAsync(DtlsLoopback.Deadline);
        await serverHandshake.WaitAsync(DtlsLoopback.Deadline);

        // The certificate alone is larger than 300 bytes, so the flight had to be fragmented to fit.
        loopback.ServerSent.Should().OnlyContain(d => d.Length <= 300);
        loopback.ServerSent.Count.Should().BeGreaterThan(4);
    }

    [Fact]
    public async Task Handshake_LargeFragmentedClientHelloIsReassembled()
    {
        // Firefox's post-quantum key share makes its ClientHello larger than one datagram; padding does the same here.
        using var loopback = new DtlsLoopback();
        var client = new TestDtlsClient(DtlsLoopback.ClientCertificate, DtlsLoopback.ServerCertificate.Fingerprint, AesCm, Gcm)
        {
            ClientHelloPadding = 3000,
        };

        Task<DtlsSrtpKeys> serverHandshake = loopback.Server.HandshakeAsync(CancellationToken.None);
        await loopback.ConnectAsync(client).WaitAsync(DtlsLoopback.Deadline);
        DtlsSrtpKeys keys = await serverHandshake.WaitAsync(DtlsLoopback.Deadline);

        loopback.ClientTransport.Sent.Count(DtlsRecords.IsClientHello).Should().BeGreaterThanOrEqualTo(3);
        keys.ProtectionProfile.Should().Be((ushort)Gcm);
    }

    [Fact]
    public async Task Handshake_WrongClientFingerprint_FaultsWithBadCertificateAndClientSeesAlert()
    {
        using var other = DtlsCertificate.Create();
        using var loopback = new DtlsLoopback(expectedClientFingerprint: other.Fingerprint);
        var client = new TestDtlsClient(DtlsLoopback.ClientCertificate, DtlsLoopback.ServerCertificate.Fingerprint, AesCm, Gcm);

        Task<DtlsSrtpKeys> serverHandshake = loopback.Server.HandshakeAsync(CancellationToken.None);
        Task<DtlsTransport> clientHandshake = loopback.ConnectAsync(client);

        var failure = await FluentActions.Awaiting(() => serverHandshake.WaitAsync(DtlsLoopback.Deadline))
            .Should().ThrowAsync<DtlsHandshakeException>();
        failure.Which.Message.Should().Contain("fingerprint");
        failure.Which.AlertDescription.Should().Be(AlertDescription.bad_certificate);

        var clientFailure = await FluentActions.Awaiting(() => clientHandshake.WaitAsync(DtlsLoopback.Deadline))
            .Should().ThrowAsync<TlsFatalAlertReceived>();
        clientFailure.Which.AlertDescription.Should().Be(AlertDescription.bad_certificate);
        client.ExportedKeyingMaterial.Should().BeNull();
        await loopback.Server.Completion.WaitAsync(DtlsLoopback.Deadline);
        loopback.Server.IsConnected.Should().BeFalse();
    }

    [Fact]
    public async Task Handshake_ClientWithoutCertificate_IsRejected()
    {
        using var loopback = new DtlsLoopback();
        var client = new TestDtlsClient(null, DtlsLoopback.ServerCertificate.Fingerprint, AesCm, Gcm);

        Task<DtlsSrtpKeys> serverHandshake = loopback.Server.HandshakeAsync(CancellationToken.None);
        Task<DtlsTransport> clientHandshake = loopback.ConnectAsync(client);

        var failure = await FluentActions.Awaiting(() => serverHandshake.WaitAsync(DtlsLoopback.Deadline))
            .Should().ThrowAsync<DtlsHandshakeException>();
        failure.Which.Message.Should().Contain("no certificate");
        failure.Which.AlertDescription.Should().Be(AlertDescription.bad_certificate);
        await FluentActions.Awaiting(() => clientHandshake.WaitAsync(DtlsLoopback.Deadline))
            .Should().ThrowAsync<TlsFatalAlertReceived>();
    }

    [Fact]
    public async Task Handshake_ClientWithoutUseSrtp_FailsClearly()
    {
        using var loopback = new DtlsLoopback();
        var client = new TestDtlsClient(DtlsLoopback.ClientCertificate, DtlsLoopback.ServerCertificate.Fingerprint, null);

        Task<DtlsSrtpKeys> serverHandshake = loopback.Server.HandshakeAsync(CancellationToken.None);
        Task<DtlsTransport> clientHandshake = loopback.ConnectAsync(client);

        var failure = await FluentActions.Awaiting(() => serverHandshake.WaitAsync(DtlsLoopback.Deadline))
            .Should().ThrowAsync<DtlsHandshakeException>();
        failure.Which.Message.Should().Contain("use_srtp");
        failure.Which.AlertDescription.Should().Be(AlertDescription.handshake_failure);

        // Before a ServerHello BouncyCastle sends no alert, so the client only learns by its own failure.
        loopback.ClientTransport.Close();
        await FluentActions.Awaiting(() => clientHandshake.WaitAsync(DtlsLoopback.Deadline)).Should().ThrowAsync<Exception>();
        client.ExportedKeyingMaterial.Should().BeNull();
    }

    [Fact]
    public async Task Handshake_ClientOfferingOnlyUnsupportedSrtpProfile_Fails()
    {
        using var loopback = new DtlsLoopback();
        var client = new TestDtlsClient(
            DtlsLoopback.ClientCertificate, DtlsLoopback.ServerCertificate.Fingerprint, SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_32);

        Task<DtlsSrtpKeys> serverHandshake = loopback.Server.HandshakeAsync(CancellationToken.None);
        _ = loopback.ConnectAsync(client);

        var failure = await FluentActions.Awaiting(() => serverHandshake.WaitAsync(DtlsLoopback.Deadline))
            .Should().ThrowAsync<DtlsHandshakeException>();
        failure.Which.Message.Should().Contain("SRTP protection profile");
        loopback.ClientTransport.Close();
    }
}
