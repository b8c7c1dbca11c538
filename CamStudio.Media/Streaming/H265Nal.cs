using CamStudio.Media.Video;

namespace CamStudio.Media.Streaming;

/// <summary>
/// Just enough RFC 7798 depacketisation to classify a payload for GOP caching, like <see cref="H264Nal"/> does for
/// RFC 6184: a single NAL unit packet (its own type), an aggregation packet (48, looks at every aggregated NAL) and a
/// fragmentation unit (49, the type in the FU header). VPS and SPS count as <see cref="VideoPacketContent.Sps"/> (both
/// must precede an IRAP picture), IRAP pictures (IDR, CRA, BLA) as <see cref="VideoPacketContent.IdrSlice"/>.
/// DONL fields (sprop-max-don-diff &gt; 0) are not expected: FFmpeg's packetizer and cameras never send them.
/// </summary>
internal static class H265Nal
{
    /// <summary>Classifies <paramref name="payload"/>; <paramref name="sps"/> is the first complete SPS NAL in it, if any.</summary>
    public static VideoPacketContent Classify(ReadOnlySpan<byte> payload, out ReadOnlySpan<byte> sps)
    {
        sps = default;
        int type = H265NalUnit.TypeOf(payload);
        if (type < 0)
        {
            return VideoPacketContent.None;
        }

        if (type == H265NalUnit.TypeFragmentation)
        {
            // Payload header (2 bytes), then the FU header: S, E, FuType(6).
            return payload.Length >= 3 ? OfType(payload[2] & 0x3F) : VideoPacketContent.None;
        }

        if (type != H265NalUnit.TypeAggregation)
        {
            if (type == H265NalUnit.TypeSps)
            {
                sps = payload;
            }

            return type == H265NalUnit.TypePaci ? VideoPacketContent.Other : OfType(type);
        }

        VideoPacketContent content = VideoPacketContent.None;
        ReadOnlySpan<byte> rest = payload[H265NalUnit.HeaderSize..];
        while (rest.Length >= 2 + H265NalUnit.HeaderSize)
        {
            int size = (rest[0] << 8) | rest[1];
            if (size < H265NalUnit.HeaderSize || size > rest.Length - 2)
            {
                break; // malformed aggregate: keep what was understood so far
            }

            ReadOnlySpan<byte> nal = rest.Slice(2, size);
            int nalType = H265NalUnit.TypeOf(nal);
            if (nalType == H265NalUnit.TypeSps && sps.IsEmpty)
            {
                sps = nal;
            }

            content |= OfType(nalType);
            rest = rest[(2 + size)..];
        }

        return content;
    }

    private static VideoPacketContent OfType(int type) => type switch
    {
        H265NalUnit.TypeVps or H265NalUnit.TypeSps => VideoPacketContent.Sps,
        H265NalUnit.TypePps => VideoPacketContent.Pps,
        _ when H265NalUnit.IsIrap(type) => VideoPacketContent.IdrSlice,
        _ when H265NalUnit.IsVcl(type) => VideoPacketContent.NonIdrSlice,
        _ => VideoPacketContent.Other,
    };
}
