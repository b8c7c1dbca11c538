namespace CamStudio.Media.Srtp;

/// <summary>
/// One profile's packet transform under one set of session keys (RTP and RTCP each get their own
/// instance). The caller has already parsed the packet, estimated the index and checked replay; the
/// cipher only encrypts/authenticates. Buffers are modified in place.
/// </summary>
internal abstract class SrtpCipher : IDisposable
{
    /// <summary>Authentication tag length in bytes.</summary>
    public abstract int TagLength { get; }

    /// <summary>Distance of the SRTCP E|index word from the end of a protected SRTCP packet.</summary>
    public abstract int SrtcpIndexOffsetFromEnd { get; }

    public static SrtpCipher Create(SrtpProfile profile, byte[] key, byte[] authKey, byte[] salt) => profile switch
    {
        SrtpProfile.Aes128CmHmacSha1_80 => new AesCmHmacSha1Cipher(key, authKey, salt),
        SrtpProfile.AeadAes128Gcm => new AesGcmCipher(key, salt),
        _ => throw new ArgumentOutOfRangeException(nameof(profile), profile, "Unsupported SRTP profile."),
    };

    /// <summary>Encrypts <c>packet[headerLength..length)</c> and writes the tag at <c>packet[length..]</c>.</summary>
    public abstract void ProtectRtp(Span<byte> packet, int headerLength, int length, uint ssrc, ulong index);

    /// <summary>Verifies the tag at <c>packet[length..]</c> and decrypts <c>packet[headerLength..length)</c>.</summary>
    public abstract bool UnprotectRtp(Span<byte> packet, int headerLength, int length, uint ssrc, ulong index);

    /// <summary>Encrypts <c>packet[8..length)</c> and appends E|index and tag (order per profile).</summary>
    public abstract void ProtectRtcp(Span<byte> packet, int length, uint ssrc, uint index);

    /// <summary>
    /// Verifies and (when the E bit is set) decrypts an SRTCP packet whose plain part is
    /// <c>packet[..plainLength)</c> and whose trailer holds <paramref name="indexWord"/>.
    /// </summary>
    public abstract bool UnprotectRtcp(Span<byte> packet, int plainLength, uint ssrc, uint indexWord);

    public abstract void Dispose();
}
