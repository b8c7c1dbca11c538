namespace CamStudio.Media.Stun;

/// <summary>
/// CRC-32 (ISO/IEC 3309, the zlib/Ethernet polynomial, reflected) for the FINGERPRINT attribute.
/// Hand-rolled so the media core needs no System.IO.Hashing package for four bytes per STUN message.
/// </summary>
internal static class StunCrc32
{
    private const uint ReflectedPolynomial = 0xEDB88320;

    private static readonly uint[] s_table = CreateTable();

    public static uint Compute(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc = s_table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return ~crc;
    }

    private static uint[] CreateTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < table.Length; i++)
        {
            uint c = i;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? ReflectedPolynomial ^ (c >> 1) : c >> 1;
            }

            table[i] = c;
        }

        return table;
    }
}
