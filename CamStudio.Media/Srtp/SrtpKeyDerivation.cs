namespace CamStudio.Media.Srtp;

/// <summary>
/// The SRTP key derivation function of RFC 3711 §4.3 with key_derivation_rate 0 (the only rate DTLS-SRTP uses),
/// so r = index DIV kdr is always zero and the keys are derived once per context.
/// </summary>
internal static class SrtpKeyDerivation
{
    // RFC 3711 §4.3.1 / §4.3.2 labels.
    internal const byte RtpEncryptionLabel = 0x00;
    internal const byte RtpAuthenticationLabel = 0x01;
    internal const byte RtpSaltLabel = 0x02;
    internal const byte RtcpEncryptionLabel = 0x03;
    internal const byte RtcpAuthenticationLabel = 0x04;
    internal const byte RtcpSaltLabel = 0x05;

    // The PRF input is the 112-bit master salt XOR (label || r) with both right-aligned, so the label
    // byte lands on byte 7 of the 14-byte salt field; a 96-bit GCM master salt is multiplied by 2^16
    // (zero-padded on the right) to 112 bits first (RFC 7714 §11 as corrected by verified erratum 4938,
    // which is what libSRTP does). The last two bytes are the AES-CM block counter.
    private const int SaltFieldLength = 14;
    private const int LabelOffset = 7;

    /// <summary>Derives one session key/salt of <c>output.Length</c> bytes for <paramref name="label"/>.</summary>
    internal static void DeriveSessionKey(ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt, byte label, Span<byte> output)
    {
        using var prf = new AesCounterMode(masterKey);
        DeriveSessionKey(prf, masterSalt, label, output);
    }

    /// <summary>Same as the other overload, reusing an AES-CM instance keyed with the master key.</summary>
    internal static void DeriveSessionKey(AesCounterMode prf, ReadOnlySpan<byte> masterSalt, byte label, Span<byte> output)
    {
        if (masterSalt.Length > SaltFieldLength)
        {
            throw new ArgumentException("Master salt longer than 112 bits.", nameof(masterSalt));
        }

        Span<byte> iv = stackalloc byte[AesCounterMode.BlockSize];
        iv.Clear();
        masterSalt.CopyTo(iv);
        iv[LabelOffset] ^= label;
        output.Clear();
        prf.Transform(iv, output);
    }
}
