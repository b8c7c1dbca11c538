using System.Buffers.Binary;
using System.Security.Cryptography;

namespace CamStudio.Media.Srtp;

/// <summary>
/// AEAD_AES_128_GCM for SRTP/SRTCP (RFC 7714).
/// <code>
/// SRTP  (§8):  | RTP header (AAD) | ciphertext | tag(16) |
/// SRTCP (§9):  | 8-byte header | ciphertext | tag(16) | E|index(4) |   AAD = header | E|index
///              with E = 0 the whole RTCP packet is AAD and the plaintext is empty (§9.2 / §17.3).
/// </code>
/// </summary>
internal sealed class AesGcmCipher : SrtpCipher
{
    private const int SaltLength = 12;
    private const int NonceLength = 12;
    private const int RtcpHeaderLength = 8;
    private const int RtcpAadLength = RtcpHeaderLength + SrtpProfileInfo.SrtcpIndexLength;
    private const uint EncryptedFlag = 0x8000_0000;

    private readonly AesGcm _gcm;
    private readonly byte[] _salt;

    public AesGcmCipher(byte[] key, byte[] salt)
    {
        if (salt.Length != SaltLength)
        {
            throw new ArgumentException("AES-GCM session salt must be 12 bytes.", nameof(salt));
        }

        _gcm = new AesGcm(key, SrtpProfileInfo.GcmTagLength);
        _salt = (byte[])salt.Clone();
    }

    public override int TagLength => SrtpProfileInfo.GcmTagLength;

    public override int SrtcpIndexOffsetFromEnd => SrtpProfileInfo.SrtcpIndexLength;

    public override void ProtectRtp(Span<byte> packet, int headerLength, int length, uint ssrc, ulong index)
    {
        Span<byte> nonce = stackalloc byte[NonceLength];
        BuildRtpIv(_salt, ssrc, (uint)(index >> 16), (ushort)index, nonce);
        Span<byte> payload = packet[headerLength..length];
        _gcm.Encrypt(nonce, payload, payload, packet.Slice(length, TagLength), packet[..headerLength]);
    }

    public override bool UnprotectRtp(Span<byte> packet, int headerLength, int length, uint ssrc, ulong index)
    {
        Span<byte> nonce = stackalloc byte[NonceLength];
        BuildRtpIv(_salt, ssrc, (uint)(index >> 16), (ushort)index, nonce);
        Span<byte> payload = packet[headerLength..length];
        return TryDecrypt(nonce, payload, packet.Slice(length, TagLength), packet[..headerLength]);
    }

    public override void ProtectRtcp(Span<byte> packet, int length, uint ssrc, uint index)
    {
        uint indexWord = EncryptedFlag | index;
        Span<byte> nonce = stackalloc byte[NonceLength];
        BuildRtcpIv(_salt, ssrc, index, nonce);
        Span<byte> aad = stackalloc byte[RtcpAadLength];
        packet[..RtcpHeaderLength].CopyTo(aad);
        BinaryPrimitives.WriteUInt32BigEndian(aad[RtcpHeaderLength..], indexWord);

        Span<byte> payload = packet[RtcpHeaderLength..length];
        _gcm.Encrypt(nonce, payload, payload, packet.Slice(length, TagLength), aad);
        BinaryPrimitives.WriteUInt32BigEndian(packet[(length + TagLength)..], indexWord);
    }

    public override bool UnprotectRtcp(Span<byte> packet, int plainLength, uint ssrc, uint indexWord)
    {
        Span<byte> nonce = stackalloc byte[NonceLength];
        BuildRtcpIv(_salt, ssrc, indexWord & ~EncryptedFlag, nonce);
        Span<byte> tag = stackalloc byte[SrtpProfileInfo.GcmTagLength];
        packet.Slice(plainLength, TagLength).CopyTo(tag);

        if ((indexWord & EncryptedFlag) != 0)
        {
            Span<byte> aad = stackalloc byte[RtcpAadLength];
            packet[..RtcpHeaderLength].CopyTo(aad);
            BinaryPrimitives.WriteUInt32BigEndian(aad[RtcpHeaderLength..], indexWord);
            Span<byte> payload = packet[RtcpHeaderLength..plainLength];
            return TryDecrypt(nonce, payload, tag, aad);
        }

        // Authentication only: AAD = whole RTCP packet | E|index. Moving the index word right behind
        // the packet (over the tag, which was saved above) makes the AAD one contiguous span.
        BinaryPrimitives.WriteUInt32BigEndian(packet[plainLength..], indexWord);
        return TryDecrypt(nonce, Span<byte>.Empty, tag, packet[..(plainLength + SrtpProfileInfo.SrtcpIndexLength)]);
    }

    public override void Dispose()
    {
        _gcm.Dispose();
        Array.Clear(_salt);
    }

    /// <summary>RFC 7714 §8.1: IV = (00 00 | SSRC | ROC | SEQ) XOR salt.</summary>
    internal static void BuildRtpIv(ReadOnlySpan<byte> salt, uint ssrc, uint rolloverCounter, ushort sequenceNumber, Span<byte> iv)
    {
        iv[0] = 0;
        iv[1] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(iv[2..], ssrc);
        BinaryPrimitives.WriteUInt32BigEndian(iv[6..], rolloverCounter);
        BinaryPrimitives.WriteUInt16BigEndian(iv[10..], sequenceNumber);
        XorSalt(salt, iv);
    }

    /// <summary>RFC 7714 §9.1: IV = (00 00 | SSRC | 00 00 | 0 | 31-bit SRTCP index) XOR salt.</summary>
    internal static void BuildRtcpIv(ReadOnlySpan<byte> salt, uint ssrc, uint index, Span<byte> iv)
    {
        iv[0] = 0;
        iv[1] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(iv[2..], ssrc);
        iv[6] = 0;
        iv[7] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(iv[8..], index & ~EncryptedFlag);
        XorSalt(salt, iv);
    }

    private static void XorSalt(ReadOnlySpan<byte> salt, Span<byte> iv)
    {
        for (int i = 0; i < NonceLength; i++)
        {
            iv[i] ^= salt[i];
        }
    }

    private bool TryDecrypt(ReadOnlySpan<byte> nonce, Span<byte> data, ReadOnlySpan<byte> tag, ReadOnlySpan<byte> aad)
    {
        try
        {
            _gcm.Decrypt(nonce, data, tag, data, aad);
            return true;
        }
        catch (CryptographicException)
        {
            // .NET reports a tag mismatch only by exception; a forged packet is an ordinary "false" here.
            return false;
        }
    }
}
