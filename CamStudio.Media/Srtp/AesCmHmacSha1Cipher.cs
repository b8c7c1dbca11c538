using System.Buffers.Binary;
using System.Security.Cryptography;

namespace CamStudio.Media.Srtp;

/// <summary>
/// AES_CM_128_HMAC_SHA1_80 (RFC 3711 §4.1.1 encryption, §4.2.1 authentication, §3.4 SRTCP).
/// <code>
/// SRTP:  | RTP header | AES-CM(payload) | tag(10) |      tag = HMAC-SHA1(header | payload | ROC)[0..10)
/// SRTCP: | 8-byte header | AES-CM(rest) | E|index(4) | tag(10) |   tag = HMAC-SHA1(everything before it)
/// </code>
/// The HMAC runs over the ciphertext (encrypt-then-MAC), so unprotect authenticates before it
/// decrypts and a forged packet leaves the buffer untouched.
/// </summary>
internal sealed class AesCmHmacSha1Cipher : SrtpCipher
{
    private const int SaltLength = 14;
    private const int HmacSha1Length = 20;
    private const int RtcpHeaderLength = 8;
    private const uint EncryptedFlag = 0x8000_0000;

    private readonly AesCounterMode _aes;
    private readonly IncrementalHash _hmac;
    private readonly byte[] _salt;

    public AesCmHmacSha1Cipher(byte[] key, byte[] authKey, byte[] salt)
    {
        if (salt.Length != SaltLength)
        {
            throw new ArgumentException("AES-CM session salt must be 14 bytes.", nameof(salt));
        }

        _aes = new AesCounterMode(key);
        _hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA1, authKey);
        _salt = (byte[])salt.Clone();
    }

    public override int TagLength => SrtpProfileInfo.CmTagLength;

    public override int SrtcpIndexOffsetFromEnd => SrtpProfileInfo.CmTagLength + SrtpProfileInfo.SrtcpIndexLength;

    public override void ProtectRtp(Span<byte> packet, int headerLength, int length, uint ssrc, ulong index)
    {
        Span<byte> iv = stackalloc byte[AesCounterMode.BlockSize];
        BuildIv(_salt, ssrc, index, iv);
        _aes.Transform(iv, packet[headerLength..length]);

        Span<byte> mac = stackalloc byte[HmacSha1Length];
        ComputeRtpMac(packet[..length], (uint)(index >> 16), mac);
        mac[..TagLength].CopyTo(packet.Slice(length, TagLength));
    }

    public override bool UnprotectRtp(Span<byte> packet, int headerLength, int length, uint ssrc, ulong index)
    {
        Span<byte> mac = stackalloc byte[HmacSha1Length];
        ComputeRtpMac(packet[..length], (uint)(index >> 16), mac);
        if (!CryptographicOperations.FixedTimeEquals(mac[..TagLength], packet.Slice(length, TagLength)))
        {
            return false;
        }

        Span<byte> iv = stackalloc byte[AesCounterMode.BlockSize];
        BuildIv(_salt, ssrc, index, iv);
        _aes.Transform(iv, packet[headerLength..length]);
        return true;
    }

    public override void ProtectRtcp(Span<byte> packet, int length, uint ssrc, uint index)
    {
        Span<byte> iv = stackalloc byte[AesCounterMode.BlockSize];
        BuildIv(_salt, ssrc, index, iv);
        _aes.Transform(iv, packet[RtcpHeaderLength..length]);

        int authenticatedLength = length + SrtpProfileInfo.SrtcpIndexLength;
        BinaryPrimitives.WriteUInt32BigEndian(packet[length..], EncryptedFlag | index);

        Span<byte> mac = stackalloc byte[HmacSha1Length];
        _hmac.AppendData(packet[..authenticatedLength]);
        _hmac.TryGetHashAndReset(mac, out _);
        mac[..TagLength].CopyTo(packet.Slice(authenticatedLength, TagLength));
    }

    public override bool UnprotectRtcp(Span<byte> packet, int plainLength, uint ssrc, uint indexWord)
    {
        int authenticatedLength = plainLength + SrtpProfileInfo.SrtcpIndexLength;
        Span<byte> mac = stackalloc byte[HmacSha1Length];
        _hmac.AppendData(packet[..authenticatedLength]);
        _hmac.TryGetHashAndReset(mac, out _);
        if (!CryptographicOperations.FixedTimeEquals(mac[..TagLength], packet.Slice(authenticatedLength, TagLength)))
        {
            return false;
        }

        if ((indexWord & EncryptedFlag) != 0)
        {
            Span<byte> iv = stackalloc byte[AesCounterMode.BlockSize];
            BuildIv(_salt, ssrc, indexWord & ~EncryptedFlag, iv);
            _aes.Transform(iv, packet[RtcpHeaderLength..plainLength]);
        }

        return true;
    }

    public override void Dispose()
    {
        _aes.Dispose();
        _hmac.Dispose();
        Array.Clear(_salt);
    }

    /// <summary>
    /// RFC 3711 §4.1.1: IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16), where i is the 48-bit
    /// packet index (SRTP) or the 31-bit SRTCP index.
    /// </summary>
    internal static void BuildIv(ReadOnlySpan<byte> salt, uint ssrc, ulong index, Span<byte> iv)
    {
        iv.Clear();
        // The 48-bit index occupies bytes 8..13: write it as a 64-bit value ending at byte 13 (its two
        // zero high bytes land on 6..7), then the SSRC over bytes 4..7.
        BinaryPrimitives.WriteUInt64BigEndian(iv[6..], index & 0xFFFF_FFFF_FFFF);
        BinaryPrimitives.WriteUInt32BigEndian(iv[4..], ssrc);
        for (int i = 0; i < SaltLength; i++)
        {
            iv[i] ^= salt[i];
        }
    }

    private void ComputeRtpMac(ReadOnlySpan<byte> authenticated, uint rolloverCounter, Span<byte> mac)
    {
        Span<byte> roc = stackalloc byte[sizeof(uint)];
        BinaryPrimitives.WriteUInt32BigEndian(roc, rolloverCounter);
        _hmac.AppendData(authenticated);
        _hmac.AppendData(roc);
        _hmac.TryGetHashAndReset(mac, out _);
    }
}
