namespace CamStudio.Media.Streaming;

/// <summary>What an RTP payload carries, as far as GOP caching needs to know.</summary>
[Flags]
internal enum VideoPacketContent : byte
{
    None = 0,
    Sps = 1,
    Pps = 2,
    IdrSlice = 4,
    NonIdrSlice = 8,
    Other = 16,
}

/// <summary>
/// Just enough RFC 6184 depacketisation to classify a payload: single NAL unit (types 1-23), STAP-A (24, looks at every
/// aggregated NAL) and FU-A (28, the type in the FU header). STAP-B, MTAP and FU-B belong to interleaved mode, which
/// WebRTC does not use; they count as <see cref="VideoPacketContent.Other"/>.
/// </summary>
internal static class H264Nal
{
    public const int TypeIdr = 5;
    public const int TypeSps = 7;
    public const int TypePps = 8;
    public const int TypeStapA = 24;
    public const int TypeFuA = 28;

    /// <summary>Classifies <paramref name="payload"/>; <paramref name="sps"/> is the first complete SPS NAL in it, if any.</summary>
    public static VideoPacketContent Classify(ReadOnlySpan<byte> payload, out ReadOnlySpan<byte> sps)
    {
        sps = default;
        if (payload.IsEmpty)
        {
            return VideoPacketContent.None;
        }

        int type = payload[0] & 0x1F;
        if (type is > 0 and < TypeStapA)
        {
            if (type == TypeSps)
            {
                sps = payload;
            }

            return OfType(type);
        }

        if (type == TypeFuA)
        {
            // A fragment of an SPS is not parsed (never seen in practice: SPS are tens of bytes).
            return payload.Length >= 2 ? OfType(payload[1] & 0x1F) : VideoPacketContent.None;
        }

        if (type != TypeStapA)
        {
            return VideoPacketContent.Other;
        }

        VideoPacketContent content = VideoPacketContent.None;
        ReadOnlySpan<byte> rest = payload[1..];
        while (rest.Length >= 3)
        {
            int size = (rest[0] << 8) | rest[1];
            if (size == 0 || size > rest.Length - 2)
            {
                break; // malformed aggregate: keep what was understood so far
            }

            ReadOnlySpan<byte> nal = rest.Slice(2, size);
            int nalType = nal[0] & 0x1F;
            if (nalType == TypeSps && sps.IsEmpty)
            {
                sps = nal;
            }

            content |= OfType(nalType);
            rest = rest[(2 + size)..];
        }

        return content;
    }

    /// <summary>True for the first packet of an FU-A or any non-fragmented payload.</summary>
    public static bool IsFragmentStartOrWhole(ReadOnlySpan<byte> payload) =>
        payload.Length < 2 || (payload[0] & 0x1F) != TypeFuA || (payload[1] & 0x80) != 0;

    private static VideoPacketContent OfType(int type) => type switch
    {
        TypeSps => VideoPacketContent.Sps,
        TypePps => VideoPacketContent.Pps,
        TypeIdr => VideoPacketContent.IdrSlice,
        >= 1 and <= 4 => VideoPacketContent.NonIdrSlice,
        _ => VideoPacketContent.Other,
    };
}
