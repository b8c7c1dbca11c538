namespace CamStudio.Media.Video;

/// <summary>MSB-first bit reader; reading past the end yields zeros and sets <see cref="Overrun"/>.</summary>
internal ref struct RbspBitReader(ReadOnlySpan<byte> data)
{
    private readonly ReadOnlySpan<byte> _data = data;
    private int _bit;

    /// <summary>
    /// Copies a NAL unit's payload (after its header) to <paramref name="rbsp"/> without the emulation prevention bytes
    /// (00 00 03 becomes 00 00, H.264 §7.4.1 / H.265 §7.4.2), so the bit reader sees the RBSP; returns its length.
    /// <paramref name="rbsp"/> must be at least as long as <paramref name="payload"/>.
    /// </summary>
    public static int RemoveEmulationPrevention(ReadOnlySpan<byte> payload, Span<byte> rbsp)
    {
        int length = 0;
        int zeros = 0;
        foreach (byte b in payload)
        {
            if (zeros >= 2 && b == 3)
            {
                zeros = 0;
                continue;
            }

            zeros = b == 0 ? zeros + 1 : 0;
            rbsp[length++] = b;
        }

        return length;
    }

    public bool Overrun { get; private set; }

    public uint ReadBits(int count)
    {
        uint value = 0;
        for (int i = 0; i < count; i++)
        {
            int byteIndex = _bit >> 3;
            uint bit = 0;
            if (byteIndex < _data.Length)
            {
                bit = (uint)(_data[byteIndex] >> (7 - (_bit & 7))) & 1;
            }
            else
            {
                Overrun = true;
            }

            _bit++;
            value = (value << 1) | bit;
        }

        return value;
    }

    public uint ReadUnsignedExpGolomb()
    {
        int leadingZeros = 0;
        while (ReadBits(1) == 0)
        {
            if (Overrun || ++leadingZeros > 31)
            {
                Overrun = true;
                return 0;
            }
        }

        return leadingZeros == 0 ? 0 : (uint)((1L << leadingZeros) - 1 + ReadBits(leadingZeros));
    }

    public int ReadSignedExpGolomb()
    {
        uint k = ReadUnsignedExpGolomb();
        return (k & 1) == 1 ? (int)((k + 1) / 2) : -(int)(k / 2);
    }

    /// <summary>Skips <paramref name="count"/> bits (any number, unlike <see cref="ReadBits"/>).</summary>
    public void SkipBits(int count)
    {
        _bit += count;
        if (_bit > _data.Length * 8)
        {
            Overrun = true;
        }
    }
}
