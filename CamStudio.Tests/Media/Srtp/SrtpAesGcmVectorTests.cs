using CamStudio.Media.Srtp;
using static CamStudio.Tests.Media.Srtp.SrtpTestData;

namespace CamStudio.Tests.Media.Srtp;

/// <summary>RFC 7714 §16 (SRTP) and §17 (SRTCP) AEAD_AES_128_GCM vectors; they give session keys, not master keys.</summary>
public class SrtpAesGcmVectorTests
{
    private const string Key = "000102030405060708090a0b0c0d0e0f";
    private const string Salt = "517569642070726f2071756f"; // "Quid pro quo"

    // §16.1: header 8040f17b 8041f8d3 5501a0b2, payload "Gallia est omnis divisa in partes tres".
    private const string RtpPlain = """
        8040f17b 8041f8d3 5501a0b2 47616c6c
        69612065 7374206f 6d6e6973 20646976
        69736120 696e2070 61727465 73207472
        6573
        """;

    // §16.1.1 "Encrypted and tagged packet".
    private const string RtpProtected = """
        8040f17b 8041f8d3 5501a0b2 f24de3a3
        fb34de6c acba861c 9d7e4bca be633bd5
        0d294e6f 42a5f47a 51c7d19b 36de3adf
        8833899d 7f27beb1 6a9152cf 765ee439
        0cce
        """;

    // §17: sender report of SSRC "Mars" (0x4d617273), SRTCP index 0x5d4.
    private const string RtcpPlain = """
        81c8000d 4d617273 4e545031 4e545032
        52545020 0000042a 0000e930 4c756e61
        deadbeef deadbeef deadbeef deadbeef
        deadbeef
        """;

    // §17.1.1 encrypted and tagged: header | ciphertext | tag | E=1|index.
    private const string RtcpProtected = """
        81c8000d 4d617273 63e94885 dcdab67c
        a727d766 2f6b7e99 7ff5c0f7 6c06f32d
        c676a5f1 730d6fda 4ce09b46 86303ded
        0bb9275b c84aa458 96cf4d2f c5abf872
        45d9eade 800005d4
        """;

    // §17.3 authentication only (E=0): packet | tag | 0|index.
    private const string RtcpTaggedOnly = """
        81c8000d 4d617273 4e545031 4e545032
        52545020 0000042a 0000e930 4c756e61
        deadbeef deadbeef deadbeef deadbeef
        deadbeef 841dd968 3dd78ec9 2ae58790
        125f62b3 000005d4
        """;

    private const uint RtcpSsrc = 0x4d617273;

    [Fact]
    public void Rfc7714_8_1_RtpIv()
    {
        // §16.1: SSRC 5501a0b2, ROC 0, SEQ f17b -> IV 51753c6580c2726f20718414.
        Span<byte> iv = stackalloc byte[12];
        AesGcmCipher.BuildRtpIv(Hex(Salt), 0x5501a0b2, 0, 0xf17b, iv);
        iv.ToArray().Should().Equal(Hex("51753c6580c2726f20718414"));
    }

    [Fact]
    public void Rfc7714_9_1_RtcpIv()
    {
        // §17: SSRC 4d617273, index 5d4 -> IV 517524055203726f207170bb.
        Span<byte> iv = stackalloc byte[12];
        AesGcmCipher.BuildRtcpIv(Hex(Salt), RtcpSsrc, 0x5d4, iv);
        iv.ToArray().Should().Equal(Hex("517524055203726f207170bb"));
    }

    [Fact]
    public void Rfc7714_16_1_1_ProtectRtp_ExactBytes()
    {
        using SrtpContext context = CreateContext();
        byte[] plain = Hex(RtpPlain);
        byte[] buffer = WithRoom(plain);

        context.TryProtectRtp(buffer, plain.Length, out int protectedLength).Should().BeTrue();

        buffer.AsSpan(0, protectedLength).ToArray().Should().Equal(Hex(RtpProtected));
    }

    [Fact]
    public void Rfc7714_16_1_2_UnprotectRtp_RecoversPlaintext()
    {
        using SrtpContext context = CreateContext();
        byte[] buffer = Hex(RtpProtected);

        context.TryUnprotectRtp(buffer, buffer.Length, out int plainLength).Should().BeTrue();

        buffer.AsSpan(0, plainLength).ToArray().Should().Equal(Hex(RtpPlain));
    }

    [Fact]
    public void Rfc7714_17_1_1_ProtectRtcp_ExactBytes()
    {
        using SrtpContext context = CreateContext();
        context.SetNextSrtcpIndex(RtcpSsrc, 0x5d4);
        byte[] plain = Hex(RtcpPlain);
        byte[] buffer = WithRoom(plain);

        context.TryProtectRtcp(buffer, plain.Length, out int protectedLength).Should().BeTrue();

        buffer.AsSpan(0, protectedLength).ToArray().Should().Equal(Hex(RtcpProtected));
    }

    [Fact]
    public void Rfc7714_17_1_2_UnprotectRtcp_RecoversPlaintext()
    {
        using SrtpContext context = CreateContext();
        byte[] buffer = Hex(RtcpProtected);

        context.TryUnprotectRtcp(buffer, buffer.Length, out int plainLength).Should().BeTrue();

        buffer.AsSpan(0, plainLength).ToArray().Should().Equal(Hex(RtcpPlain));
    }

    [Fact]
    public void Rfc7714_17_3_UnprotectRtcp_AuthenticationOnly()
    {
        using SrtpContext context = CreateContext();
        byte[] buffer = Hex(RtcpTaggedOnly);

        context.TryUnprotectRtcp(buffer, buffer.Length, out int plainLength).Should().BeTrue();

        buffer.AsSpan(0, plainLength).ToArray().Should().Equal(Hex(RtcpPlain));
    }

    [Fact]
    public void Rfc7714_17_3_AuthenticationOnly_TamperedPayloadFails()
    {
        using SrtpContext context = CreateContext();
        byte[] buffer = Hex(RtcpTaggedOnly);
        buffer[20] ^= 0x01;

        context.TryUnprotectRtcp(buffer, buffer.Length, out _).Should().BeFalse();
    }

    private static SrtpContext CreateContext() => new(
        SrtpProfile.AeadAes128Gcm,
        new SrtpSessionKeys(Hex(Key), [], Hex(Salt), Hex(Key), [], Hex(Salt)));
}
