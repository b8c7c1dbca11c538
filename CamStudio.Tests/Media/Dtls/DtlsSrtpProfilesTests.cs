using CamStudio.Media.Dtls;

namespace CamStudio.Tests.Media.Dtls;

public class DtlsSrtpProfilesTests
{
    [Theory]
    [InlineData(DtlsSrtpProfiles.Aes128CmHmacSha1_80, 14)] // RFC 3711 §8.2: 112-bit master salt
    [InlineData(DtlsSrtpProfiles.AeadAes128Gcm, 12)] // RFC 7714 §12: 96-bit master salt
    public void Rfc5764_4_2_Split_UsesClientKeyServerKeyClientSaltServerSaltOrder(ushort profile, int saltLength)
    {
        byte[] material = Enumerable.Range(0, 2 * (16 + saltLength)).Select(i => (byte)i).ToArray();

        DtlsSrtpKeys keys = DtlsSrtpProfiles.Split(profile, material);

        keys.ProtectionProfile.Should().Be(profile);
        keys.ClientMasterKey.Should().Equal(Enumerable.Range(0, 16).Select(i => (byte)i));
        keys.ServerMasterKey.Should().Equal(Enumerable.Range(16, 16).Select(i => (byte)i));
        keys.ClientMasterSalt.Should().Equal(Enumerable.Range(32, saltLength).Select(i => (byte)i));
        keys.ServerMasterSalt.Should().Equal(Enumerable.Range(32 + saltLength, saltLength).Select(i => (byte)i));
    }

    [Fact]
    public void Split_RejectsWrongLengthAndUnknownProfile()
    {
        FluentActions.Invoking(() => DtlsSrtpProfiles.Split(DtlsSrtpProfiles.AeadAes128Gcm, new byte[60]))
            .Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => DtlsSrtpProfiles.Split(0x0002, new byte[60]))
            .Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void ProfileIds_MatchTheIanaRegistry()
    {
        DtlsSrtpProfiles.Aes128CmHmacSha1_80.Should().Be((ushort)Org.BouncyCastle.Tls.SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80);
        DtlsSrtpProfiles.AeadAes128Gcm.Should().Be((ushort)Org.BouncyCastle.Tls.SrtpProtectionProfile.SRTP_AEAD_AES_128_GCM);
    }
}
