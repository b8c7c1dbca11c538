namespace CamStudio.Media.Srtp;

/// <summary>
/// SRTP protection profiles as negotiated by DTLS-SRTP (the <c>use_srtp</c> extension).
/// The values are the two-byte profile identifiers of RFC 5764 §4.1.2 and RFC 7714 §14.2.
/// </summary>
public enum SrtpProfile : ushort
{
    /// <summary>SRTP_AES128_CM_HMAC_SHA1_80 (RFC 3711 default transforms, 80-bit tag).</summary>
    Aes128CmHmacSha1_80 = 0x0001,

    /// <summary>SRTP_AEAD_AES_128_GCM (RFC 7714, 128-bit key, 16-byte tag).</summary>
    AeadAes128Gcm = 0x0007,
}

/// <summary>Key sizes and per-packet overhead of each <see cref="SrtpProfile"/>.</summary>
public static class SrtpProfileInfo
{
    internal const int CmTagLength = 10;
    internal const int GcmTagLength = 16;
    internal const int SrtcpIndexLength = 4;

    /// <summary>Length in bytes of the master key (and of the derived session encryption key).</summary>
    public static int MasterKeyLength(SrtpProfile profile) => profile switch
    {
        SrtpProfile.Aes128CmHmacSha1_80 => 16,
        SrtpProfile.AeadAes128Gcm => 16,
        _ => throw UnknownProfile(profile),
    };

    /// <summary>Length in bytes of the master salt (and of the derived session salt).</summary>
    public static int MasterSaltLength(SrtpProfile profile) => profile switch
    {
        SrtpProfile.Aes128CmHmacSha1_80 => 14,
        SrtpProfile.AeadAes128Gcm => 12,
        _ => throw UnknownProfile(profile),
    };

    /// <summary>Bytes that protecting an RTP packet appends (the authentication tag).</summary>
    public static int RtpOverhead(SrtpProfile profile) => profile switch
    {
        SrtpProfile.Aes128CmHmacSha1_80 => CmTagLength,
        SrtpProfile.AeadAes128Gcm => GcmTagLength,
        _ => throw UnknownProfile(profile),
    };

    /// <summary>Bytes that protecting an RTCP packet appends (the E|SRTCP-index word plus the tag).</summary>
    public static int RtcpOverhead(SrtpProfile profile) => RtpOverhead(profile) + SrtcpIndexLength;

    /// <summary>Length of the session authentication key (HMAC-SHA1 key for AES-CM; none for GCM).</summary>
    internal static int AuthKeyLength(SrtpProfile profile) => profile == SrtpProfile.Aes128CmHmacSha1_80 ? 20 : 0;

    internal static bool IsSupported(SrtpProfile profile) =>
        profile is SrtpProfile.Aes128CmHmacSha1_80 or SrtpProfile.AeadAes128Gcm;

    private static ArgumentOutOfRangeException UnknownProfile(SrtpProfile profile) =>
        new(nameof(profile), profile, "Unsupported SRTP profile.");
}
