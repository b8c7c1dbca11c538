using System.Buffers.Binary;
using CamStudio.Media.Srtp;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Macs;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;
using static CamStudio.Tests.Media.Srtp.SrtpTestData;

namespace CamStudio.Tests.Media.Srtp;

/// <summary>
/// Whole-packet checks of AES_CM_128_HMAC_SHA1_80, which RFC 3711 gives no packet vector for: libSRTP's
/// srtp_validate reference packets (master key/salt of RFC 3711 B.3), and an independent reference built
/// from the RFC text on BouncyCastle's AES-CTR and HMAC-SHA1 (and AES-GCM for RFC 7714).
/// </summary>
public class SrtpAesCmCrossCheckTests
{
    private static readonly byte[] s_masterKey = Hex("E1F97A0D3E018BE0D64FA32C06DE4139");
    private static readonly byte[] s_masterSalt = Hex("0EC675AD498AFEEBB6960B3AABE6");

    [Fact]
    public void LibSrtpValidate_ProtectRtp_ExactBytes()
    {
        using var context = new SrtpContext(SrtpProfile.Aes128CmHmacSha1_80, s_masterKey, s_masterSalt);
        byte[] plain = Hex("800f1234 decafbad cafebabe abababab abababab abababab abababab");
        byte[] buffer = WithRoom(plain);

        context.TryProtectRtp(buffer, plain.Length, out int length).Should().BeTrue();

        buffer.AsSpan(0, length).ToArray().Should().Equal(Hex("""
            800f1234 decafbad cafebabe 4e55dc4c e79978d8 8ca4d215 949d2402
            b78d6acc 99ea179b 8dbb
            """));
    }

    [Fact]
    public void LibSrtpValidate_ProtectRtcp_ExactBytes()
    {
        using var context = new SrtpContext(SrtpProfile.Aes128CmHmacSha1_80, s_masterKey, s_masterSalt);
        context.SetNextSrtcpIndex(0xcafebabe, 1); // libSRTP's first SRTCP packet carries index 1
        byte[] plain = Hex("81c8000b cafebabe abababab abababab abababab abababab");
        byte[] buffer = WithRoom(plain);

        context.TryProtectRtcp(buffer, plain.Length, out int length).Should().BeTrue();

        buffer.AsSpan(0, length).ToArray().Should().Equal(Hex("""
            81c8000b cafebabe 7128035b e487b9bd bef89041 f977a5a8
            80000001 993e08cd 54d6c123 0798
            """));
    }

    [Fact]
    public void ProtectRtp_MatchesBouncyCastleReference_ManyPacketsAcrossRollover()
    {
        var random = new Random(3711);
        byte[] masterKey = new byte[16], masterSalt = new byte[14];
        random.NextBytes(masterKey);
        random.NextBytes(masterSalt);
        using var context = new SrtpContext(SrtpProfile.Aes128CmHmacSha1_80, masterKey, masterSalt);
        const uint ssrc = 0x01020304;

        uint rolloverCounter = 0;
        for (int i = 0; i < 300; i++)
        {
            ushort sequence = (ushort)(0xFF80 + i); // wraps after 128 packets
            if (sequence == 0 && i > 0)
            {
                rolloverCounter++;
            }

            byte[] plain = RtpWithCsrcAndExtension(ssrc, sequence, random.Next(0, 1200), random);
            byte[] buffer = WithRoom(plain);
            context.TryProtectRtp(buffer, plain.Length, out int length).Should().BeTrue();

            byte[] expected = ReferenceProtectRtp(masterKey, masterSalt, plain, headerLength: 12 + 8 + 12, ssrc, rolloverCounter, sequence);
            buffer.AsSpan(0, length).ToArray().Should().Equal(expected, "packet {0} (seq {1:X4}, ROC {2})", i, sequence, rolloverCounter);
        }
    }

    [Fact]
    public void ProtectRtcp_MatchesBouncyCastleReference()
    {
        var random = new Random(3712);
        byte[] masterKey = new byte[16], masterSalt = new byte[14];
        random.NextBytes(masterKey);
        random.NextBytes(masterSalt);
        using var context = new SrtpContext(SrtpProfile.Aes128CmHmacSha1_80, masterKey, masterSalt);

        for (uint index = 0; index < 20; index++)
        {
            byte[] plain = RtcpReceiverReport(0xAABBCCDD, seed: (int)index);
            byte[] buffer = WithRoom(plain);
            context.TryProtectRtcp(buffer, plain.Length, out int length).Should().BeTrue();
            buffer.AsSpan(0, length).ToArray().Should().Equal(ReferenceProtectRtcp(masterKey, masterSalt, plain, 0xAABBCCDD, index));
        }
    }

    [Fact]
    public void Gcm_ProtectRtp_MatchesBouncyCastleReference()
    {
        var random = new Random(7714);
        byte[] masterKey = new byte[16], masterSalt = new byte[12];
        random.NextBytes(masterKey);
        random.NextBytes(masterSalt);
        using var context = new SrtpContext(SrtpProfile.AeadAes128Gcm, masterKey, masterSalt);
        const uint ssrc = 0x0BADCAFE;

        for (int i = 0; i < 50; i++)
        {
            var sequence = (ushort)(1000 + i);
            byte[] plain = RtpWithCsrcAndExtension(ssrc, sequence, random.Next(0, 1200), random);
            byte[] buffer = WithRoom(plain);
            context.TryProtectRtp(buffer, plain.Length, out int length).Should().BeTrue();

            byte[] sessionKey = ReferenceKdf(masterKey, masterSalt, 0, 16);
            byte[] sessionSalt = ReferenceKdf(masterKey, masterSalt, 2, 12);
            var nonce = new byte[12];
            BinaryPrimitives.WriteUInt32BigEndian(nonce.AsSpan(2), ssrc);
            BinaryPrimitives.WriteUInt16BigEndian(nonce.AsSpan(10), sequence);
            for (int b = 0; b < 12; b++)
            {
                nonce[b] ^= sessionSalt[b];
            }

            const int headerLength = 12 + 8 + 12;
            IBufferedCipher gcm = CipherUtilities.GetCipher("AES/GCM/NoPadding");
            gcm.Init(true, new AeadParameters(new KeyParameter(sessionKey), 128, nonce, plain[..headerLength]));
            byte[] expected = [.. plain[..headerLength], .. gcm.DoFinal(plain[headerLength..])];
            buffer.AsSpan(0, length).ToArray().Should().Equal(expected);
        }
    }

    /// <summary>V=2, X=1, CC=2: 12-byte header, two CSRCs, a two-word header extension, then payload.</summary>
    private static byte[] RtpWithCsrcAndExtension(uint ssrc, ushort sequence, int payloadLength, Random random)
    {
        var packet = new byte[12 + 8 + 12 + payloadLength];
        random.NextBytes(packet);
        packet[0] = 0x92;
        packet[1] = 96;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), sequence);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(8), ssrc);
        packet[20] = 0xBE;
        packet[21] = 0xDE;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(22), 2);
        return packet;
    }

    // ---- Reference implementation from the RFC 3711 text, on BouncyCastle primitives ----

    private static byte[] ReferenceKdf(byte[] masterKey, byte[] masterSalt, byte label, int length)
    {
        var iv = new byte[16];
        masterSalt.CopyTo(iv, 0);
        iv[7] ^= label;
        return AesCtr(masterKey, iv, new byte[length]);
    }

    private static byte[] AesCtr(byte[] key, byte[] iv, byte[] data)
    {
        IBufferedCipher ctr = CipherUtilities.GetCipher("AES/CTR/NoPadding");
        ctr.Init(true, new ParametersWithIV(new KeyParameter(key), iv));
        return ctr.DoFinal(data);
    }

    private static byte[] HmacSha1(byte[] key, byte[] data)
    {
        var hmac = new HMac(new Sha1Digest());
        hmac.Init(new KeyParameter(key));
        hmac.BlockUpdate(data, 0, data.Length);
        var mac = new byte[hmac.GetMacSize()];
        hmac.DoFinal(mac, 0);
        return mac;
    }

    private static byte[] CmIv(byte[] sessionSalt, uint ssrc, ulong index)
    {
        var iv = new byte[16];
        sessionSalt.CopyTo(iv, 0);
        for (int b = 0; b < 4; b++)
        {
            iv[4 + b] ^= (byte)(ssrc >> (24 - (8 * b)));
        }

        for (int b = 0; b < 6; b++)
        {
            iv[8 + b] ^= (byte)(index >> (40 - (8 * b)));
        }

        return iv;
    }

    private static byte[] ReferenceProtectRtp(byte[] masterKey, byte[] masterSalt, byte[] plain, int headerLength, uint ssrc, uint rolloverCounter, ushort sequence)
    {
        byte[] key = ReferenceKdf(masterKey, masterSalt, 0, 16);
        byte[] auth = ReferenceKdf(masterKey, masterSalt, 1, 20);
        byte[] salt = ReferenceKdf(masterKey, masterSalt, 2, 14);
        ulong index = ((ulong)rolloverCounter << 16) | sequence;

        byte[] encrypted = [.. plain[..headerLength], .. AesCtr(key, CmIv(salt, ssrc, index), plain[headerLength..])];
        var roc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(roc, rolloverCounter);
        byte[] tag = HmacSha1(auth, [.. encrypted, .. roc])[..10];
        return [.. encrypted, .. tag];
    }

    private static byte[] ReferenceProtectRtcp(byte[] masterKey, byte[] masterSalt, byte[] plain, uint ssrc, uint index)
    {
        byte[] key = ReferenceKdf(masterKey, masterSalt, 3, 16);
        byte[] auth = ReferenceKdf(masterKey, masterSalt, 4, 20);
        byte[] salt = ReferenceKdf(masterKey, masterSalt, 5, 14);

        var word = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(word, 0x8000_0000 | index);
        byte[] encrypted = [.. plain[..8], .. AesCtr(key, CmIv(salt, ssrc, index), plain[8..]), .. word];
        return [.. encrypted, .. HmacSha1(auth, encrypted)[..10]];
    }
}
