namespace CamStudio.Media.Dtls;

/// <summary>
/// SRTP master keys exported from a finished DTLS handshake (RFC 5764 §4.2). <see cref="ProtectionProfile"/> is the
/// raw use_srtp profile id (0x0001 SRTP_AES128_CM_HMAC_SHA1_80, 0x0007 SRTP_AEAD_AES_128_GCM). As the DTLS server we
/// protect outgoing packets with the server key/salt and unprotect incoming ones with the client key/salt.
/// </summary>
public sealed record DtlsSrtpKeys(
    ushort ProtectionProfile,
    byte[] ClientMasterKey,
    byte[] ClientMasterSalt,
    byte[] ServerMasterKey,
    byte[] ServerMasterSalt);

/// <summary>use_srtp protection profile ids (RFC 5764 §4.1.2, RFC 7714 §14.2) and their key sizes.</summary>
public static class DtlsSrtpProfiles
{
    /// <summary>SRTP_AES128_CM_HMAC_SHA1_80.</summary>
    public const ushort Aes128CmHmacSha1_80 = 0x0001;

    /// <summary>SRTP_AEAD_AES_128_GCM.</summary>
    public const ushort AeadAes128Gcm = 0x0007;

    /// <summary>Master key length in bytes (both profiles use AES-128).</summary>
    public const int MasterKeyLength = 16;

    /// <summary>Master salt length: 112 bits for AES-CM (RFC 3711 §8.2), 96 bits for AES-GCM (RFC 7714 §12).</summary>
    public static int GetMasterSaltLength(ushort profile) => profile switch
    {
        Aes128CmHmacSha1_80 => 14,
        AeadAes128Gcm => 12,
        _ => throw new ArgumentOutOfRangeException(nameof(profile), profile, "Unsupported SRTP protection profile."),
    };

    /// <summary>
    /// Splits the EXTRACTOR-dtls_srtp output: client key | server key | client salt | server salt (RFC 5764 §4.2).
    /// </summary>
    public static DtlsSrtpKeys Split(ushort profile, ReadOnlySpan<byte> keyingMaterial)
    {
        int keyLength = MasterKeyLength;
        int saltLength = GetMasterSaltLength(profile);
        if (keyingMaterial.Length != 2 * (keyLength + saltLength))
        {
            throw new ArgumentException("Keying material has the wrong length for the profile.", nameof(keyingMaterial));
        }

        return new DtlsSrtpKeys(
            profile,
            ClientMasterKey: keyingMaterial[..keyLength].ToArray(),
            ClientMasterSalt: keyingMaterial.Slice(2 * keyLength, saltLength).ToArray(),
            ServerMasterKey: keyingMaterial.Slice(keyLength, keyLength).ToArray(),
            ServerMasterSalt: keyingMaterial.Slice((2 * keyLength) + saltLength, saltLength).ToArray());
    }
}
