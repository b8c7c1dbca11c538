using CamStudio.Media.Srtp;
using static CamStudio.Tests.Media.Srtp.SrtpTestData;

namespace CamStudio.Tests.Media.Srtp;

public class SrtpKeyDerivationTests
{
    private static readonly byte[] s_masterKey = Hex("E1F97A0D3E018BE0D64FA32C06DE4139");
    private static readonly byte[] s_masterSalt = Hex("0EC675AD498AFEEBB6960B3AABE6");

    [Fact]
    public void Rfc3711_B3_CipherKey()
    {
        var key = new byte[16];
        SrtpKeyDerivation.DeriveSessionKey(s_masterKey, s_masterSalt, SrtpKeyDerivation.RtpEncryptionLabel, key);
        key.Should().Equal(Hex("C61E7A93744F39EE10734AFE3FF7A087"));
    }

    [Fact]
    public void Rfc3711_B3_CipherSalt()
    {
        var salt = new byte[14];
        SrtpKeyDerivation.DeriveSessionKey(s_masterKey, s_masterSalt, SrtpKeyDerivation.RtpSaltLabel, salt);
        salt.Should().Equal(Hex("30CBBC08863D8C85D49DB34A9AE1"));
    }

    [Fact]
    public void Rfc3711_B3_AuthKey_AllSixBlocksOf94Bytes()
    {
        // B.3 derives a 94-byte auth key, which exercises the block counter; SHA1-80 uses the first 20.
        var auth = new byte[94];
        SrtpKeyDerivation.DeriveSessionKey(s_masterKey, s_masterSalt, SrtpKeyDerivation.RtpAuthenticationLabel, auth);
        auth.Should().Equal(Hex("""
            CEBE321F6FF7716B6FD4AB49AF256A15
            6D38BAA48F0A0ACF3C34E2359E6CDBCE
            E049646C43D9327AD175578EF7227098
            6371C10C9A369AC2F94A8C5FBCDDDC25
            6D6E919A48B610EF17C2041E47403576
            6B68642C59BBFC2F34DB60DBDFB2
            """));
    }

    [Fact]
    public void Rfc3711_B2_AesCmKeystream()
    {
        // B.2: session key 2B7E..., salt F0F1...FCFD, SSRC 0, ROC 0, SEQ 0: the IV is the salt shifted by 16 bits.
        byte[] salt = Hex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD");
        Span<byte> iv = stackalloc byte[16];
        AesCmHmacSha1Cipher.BuildIv(salt, ssrc: 0, index: 0, iv);
        iv.ToArray().Should().Equal(Hex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000"));

        // Keystream of 65282 blocks = the XOR of an all-zero buffer.
        var keystream = new byte[65_282 * 16];
        using (var aes = new AesCounterMode(Hex("2B7E151628AED2A6ABF7158809CF4F3C")))
        {
            aes.Transform(iv, keystream);
        }

        Block(keystream, 0x0000).Should().Equal(Hex("E03EAD0935C95E80E166B16DD92B4EB4"));
        Block(keystream, 0x0001).Should().Equal(Hex("D23513162B02D0F72A43A2FE4A5F97AB"));
        Block(keystream, 0x0002).Should().Equal(Hex("41E95B3BB0A2E8DD477901E4FCA894C0"));
        Block(keystream, 0xFEFF).Should().Equal(Hex("EC8CDF7398607CB0F2D21675EA9EA1E4"));
        Block(keystream, 0xFF00).Should().Equal(Hex("362B7C3C6773516318A077D7FC5073AE"));
        Block(keystream, 0xFF01).Should().Equal(Hex("6A2CC3787889374FBEB4C81B17BA6C44"));
    }

    [Theory]
    [InlineData(SrtpKeyDerivation.RtpEncryptionLabel, 16)]
    [InlineData(SrtpKeyDerivation.RtpSaltLabel, 12)]
    [InlineData(SrtpKeyDerivation.RtcpEncryptionLabel, 16)]
    [InlineData(SrtpKeyDerivation.RtcpSaltLabel, 12)]
    public void Rfc7714_11_Erratum4938_GcmMasterSaltIsShiftedBy16Bits(byte label, int length)
    {
        // The 96-bit GCM master salt enters the RFC 3711 KDF as salt * 2^16, i.e. followed by two zero bytes.
        byte[] key = Hex("000102030405060708090a0b0c0d0e0f");
        byte[] salt96 = Hex("a0a1a2a3a4a5a6a7a8a9aaab");
        byte[] salt112 = Hex("a0a1a2a3a4a5a6a7a8a9aaab0000");
        var fromShort = new byte[length];
        var fromLong = new byte[length];

        SrtpKeyDerivation.DeriveSessionKey(key, salt96, label, fromShort);
        SrtpKeyDerivation.DeriveSessionKey(key, salt112, label, fromLong);

        fromShort.Should().Equal(fromLong);
        fromShort.Should().NotEqual(new byte[length]);
    }

    [Fact]
    public void AesCm_IvCarriesSsrcAndIndex()
    {
        // RFC 3711 §4.1.1: IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16).
        Span<byte> iv = stackalloc byte[16];
        AesCmHmacSha1Cipher.BuildIv(new byte[14], ssrc: 0xCAFEBABE, index: 0x0000_0001_1234, iv);
        iv.ToArray().Should().Equal(Hex("00000000 CAFEBABE 00000001 1234 0000"));
    }

    [Theory]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(255)]
    [InlineData(257)]
    [InlineData(1000)]
    public void AesCm_ChunkBoundaries_MatchOneBigTransform(int length)
    {
        // Keystream is produced 256 bytes at a time; odd lengths must continue the counter seamlessly.
        byte[] iv = Hex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000");
        var whole = new byte[2048];
        using var aes = new AesCounterMode(Hex("2B7E151628AED2A6ABF7158809CF4F3C"));
        aes.Transform(iv, whole);

        var part = new byte[length];
        aes.Transform(iv, part);
        part.Should().Equal(whole.AsSpan(0, length).ToArray());
    }

    private static byte[] Block(byte[] keystream, int block) => keystream.AsSpan(block * 16, 16).ToArray();
}
