namespace CamStudio.Media.Srtp;

/// <summary>
/// The six session keys of one SRTP cryptographic context (RFC 3711 §4.3). Separate from
/// <see cref="SrtpContext"/> so tests can feed the session keys that RFC 7714 §16–17 publish directly.
/// </summary>
internal sealed class SrtpSessionKeys
{
    public SrtpSessionKeys(byte[] rtpKey, byte[] rtpAuthKey, byte[] rtpSalt, byte[] rtcpKey, byte[] rtcpAuthKey, byte[] rtcpSalt)
    {
        RtpKey = rtpKey;
        RtpAuthKey = rtpAuthKey;
        RtpSalt = rtpSalt;
        RtcpKey = rtcpKey;
        RtcpAuthKey = rtcpAuthKey;
        RtcpSalt = rtcpSalt;
    }

    public byte[] RtpKey { get; }
    public byte[] RtpAuthKey { get; }
    public byte[] RtpSalt { get; }
    public byte[] RtcpKey { get; }
    public byte[] RtcpAuthKey { get; }
    public byte[] RtcpSalt { get; }

    /// <summary>Runs the RFC 3711 §4.3 KDF (kdr = 0) for every label the profile needs.</summary>
    public static SrtpSessionKeys Derive(SrtpProfile profile, ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt)
    {
        int keyLength = SrtpProfileInfo.MasterKeyLength(profile);
        int saltLength = SrtpProfileInfo.MasterSaltLength(profile);
        int authLength = SrtpProfileInfo.AuthKeyLength(profile);

        using var prf = new AesCounterMode(masterKey);
        return new SrtpSessionKeys(
            DeriveOne(prf, masterSalt, SrtpKeyDerivation.RtpEncryptionLabel, keyLength),
            DeriveOne(prf, masterSalt, SrtpKeyDerivation.RtpAuthenticationLabel, authLength),
            DeriveOne(prf, masterSalt, SrtpKeyDerivation.RtpSaltLabel, saltLength),
            DeriveOne(prf, masterSalt, SrtpKeyDerivation.RtcpEncryptionLabel, keyLength),
            DeriveOne(prf, masterSalt, SrtpKeyDerivation.RtcpAuthenticationLabel, authLength),
            DeriveOne(prf, masterSalt, SrtpKeyDerivation.RtcpSaltLabel, saltLength));
    }

    private static byte[] DeriveOne(AesCounterMode prf, ReadOnlySpan<byte> masterSalt, byte label, int length)
    {
        var output = new byte[length];
        SrtpKeyDerivation.DeriveSessionKey(prf, masterSalt, label, output);
        return output;
    }

    /// <summary>Overwrites the key material once the ciphers have been keyed.</summary>
    public void Clear()
    {
        Array.Clear(RtpKey);
        Array.Clear(RtpAuthKey);
        Array.Clear(RtpSalt);
        Array.Clear(RtcpKey);
        Array.Clear(RtcpAuthKey);
        Array.Clear(RtcpSalt);
    }
}
