using System.Globalization;

namespace CamStudio.Media.Video;

/// <summary>
/// profile_tier_level() of an H.265 VPS or SPS (ITU-T H.265 §7.3.3), general part only: what the hvcC record
/// (ISO/IEC 14496-15 §8.3.3.1) and the RFC 6381 CODECS value carry.
/// </summary>
/// <param name="ProfileSpace">general_profile_space (0 for every profile in use).</param>
/// <param name="HighTier">general_tier_flag.</param>
/// <param name="ProfileIdc">general_profile_idc: 1 Main, 2 Main 10, 3 Main Still Picture, 4 range extensions.</param>
/// <param name="CompatibilityFlags">The 32 general_profile_compatibility_flag bits in bitstream order (flag 0 is the top bit), as hvcC stores them.</param>
/// <param name="ConstraintFlags">The 48 bits from general_progressive_source_flag on, in bitstream order (lower 48 bits), as hvcC stores them.</param>
/// <param name="LevelIdc">general_level_idc: 30 × the level number (93 = level 3.1).</param>
public readonly record struct H265ProfileTierLevel(
    byte ProfileSpace, bool HighTier, byte ProfileIdc, uint CompatibilityFlags, ulong ConstraintFlags, byte LevelIdc)
{
    /// <summary>
    /// The RFC 6381 / ISO/IEC 14496-15 Annex E codecs value for the sample entry <paramref name="sampleEntry"/>, e.g.
    /// "hvc1.1.6.L93.B0": profile space letter (none, A, B, C) and profile_idc; the compatibility flags bit-reversed
    /// in hex; L or H for the tier and level_idc; the constraint bytes in hex, trailing zero bytes left out.
    /// </summary>
    public string Codecs(string sampleEntry = "hvc1")
    {
        var text = new System.Text.StringBuilder(sampleEntry).Append('.');
        if (ProfileSpace > 0)
        {
            text.Append((char)('A' + ProfileSpace - 1));
        }

        uint reversed = 0;
        for (int i = 0; i < 32; i++)
        {
            reversed |= ((CompatibilityFlags >> i) & 1) << (31 - i);
        }

        text.Append(CultureInfo.InvariantCulture, $"{ProfileIdc}.{reversed:X}.{(HighTier ? 'H' : 'L')}{LevelIdc}");
        int lastNonZero = -1;
        for (int i = 0; i < 6; i++)
        {
            if (ConstraintByte(i) != 0)
            {
                lastNonZero = i;
            }
        }

        for (int i = 0; i <= lastNonZero; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $".{ConstraintByte(i):X2}");
        }

        return text.ToString();
    }

    private byte ConstraintByte(int index) => (byte)(ConstraintFlags >> (8 * (5 - index)));
}

/// <summary>What an H.265 sequence parameter set (§7.3.2.2) says that hvcC, CODECS, the tile and the packager need.</summary>
/// <param name="ProfileTierLevel">The general profile, tier and level.</param>
/// <param name="MaxSubLayers">sps_max_sub_layers_minus1 + 1 (hvcC numTemporalLayers).</param>
/// <param name="TemporalIdNested">sps_temporal_id_nesting_flag (hvcC temporalIdNested).</param>
/// <param name="ChromaFormatIdc">0 monochrome, 1 4:2:0, 2 4:2:2, 3 4:4:4.</param>
/// <param name="BitDepthLuma">Luma bit depth (8 for Main, up to 10 for Main 10).</param>
/// <param name="BitDepthChroma">Chroma bit depth.</param>
/// <param name="Width">Picture width after the conformance window.</param>
/// <param name="Height">Picture height after the conformance window.</param>
/// <param name="MaxNumReorderPics">sps_max_num_reorder_pics of the highest sub-layer: above 0 the stream may reorder pictures (B-frames).</param>
public readonly record struct H265SpsInfo(
    H265ProfileTierLevel ProfileTierLevel,
    int MaxSubLayers,
    bool TemporalIdNested,
    int ChromaFormatIdc,
    int BitDepthLuma,
    int BitDepthChroma,
    int Width,
    int Height,
    int MaxNumReorderPics);

/// <summary>What an H.265 video parameter set (§7.3.2.1) says up to its profile_tier_level().</summary>
/// <param name="ProfileTierLevel">The general profile, tier and level.</param>
/// <param name="MaxSubLayers">vps_max_sub_layers_minus1 + 1.</param>
/// <param name="TemporalIdNested">vps_temporal_id_nesting_flag.</param>
public readonly record struct H265VpsInfo(H265ProfileTierLevel ProfileTierLevel, int MaxSubLayers, bool TemporalIdNested);

/// <summary>
/// Bit-level parse of H.265 VPS and SPS NAL units up to the fields above (the SPS up to sps_max_num_reorder_pics; VUI
/// and the rest are not needed). Span based; false, never an exception, on bad input.
/// </summary>
public static class H265SpsParser
{
    // Only the start of a parameter set is read; 256 RBSP bytes hold every field parsed here with room to spare, and a
    // longer SPS (VUI, scaling lists) is read from its beginning rather than refused.
    private const int MaxParsedBytes = 256;
    private const int MaxSubLayersMinus1 = 6; // §7.4.3.2.1: 0..6
    private const int MaxPictureDimension = 16_888; // far above level 6.2's 8192 × 4320; protects the int arithmetic
    private const int MaxReorderPics = 16; // §A.4.2: at most MaxDpbSize - 1 = 15
    private const int SubLayerProfileBits = 2 + 1 + 5 + 32 + 48; // profile space .. constraint flags of a sub-layer

    /// <summary>Parses a VPS NAL unit (its 2-byte header first, emulation prevention still in).</summary>
    public static bool TryParseVps(ReadOnlySpan<byte> nal, out H265VpsInfo info)
    {
        info = default;
        if (!IsNalOfType(nal, H265NalUnit.TypeVps))
        {
            return false;
        }

        Span<byte> rbsp = stackalloc byte[MaxParsedBytes];
        var r = new RbspBitReader(ToRbsp(nal, rbsp));
        r.ReadBits(4); // vps_video_parameter_set_id
        r.ReadBits(2); // vps_base_layer_internal_flag, vps_base_layer_available_flag
        r.ReadBits(6); // vps_max_layers_minus1
        int maxSubLayersMinus1 = (int)r.ReadBits(3);
        bool nested = r.ReadBits(1) == 1;
        if (r.ReadBits(16) != 0xFFFF || maxSubLayersMinus1 > MaxSubLayersMinus1) // vps_reserved_0xffff_16bits
        {
            return false;
        }

        if (!TryReadProfileTierLevel(ref r, maxSubLayersMinus1, out H265ProfileTierLevel ptl))
        {
            return false;
        }

        info = new H265VpsInfo(ptl, maxSubLayersMinus1 + 1, nested);
        return true;
    }

    /// <summary>Parses an SPS NAL unit (its 2-byte header first, emulation prevention still in).</summary>
    public static bool TryParse(ReadOnlySpan<byte> nal, out H265SpsInfo info)
    {
        info = default;
        if (!IsNalOfType(nal, H265NalUnit.TypeSps))
        {
            return false;
        }

        Span<byte> rbsp = stackalloc byte[MaxParsedBytes];
        var r = new RbspBitReader(ToRbsp(nal, rbsp));
        r.ReadBits(4); // sps_video_parameter_set_id
        int maxSubLayersMinus1 = (int)r.ReadBits(3);
        bool nested = r.ReadBits(1) == 1;
        if (maxSubLayersMinus1 > MaxSubLayersMinus1
            || !TryReadProfileTierLevel(ref r, maxSubLayersMinus1, out H265ProfileTierLevel ptl))
        {
            return false;
        }

        r.ReadUnsignedExpGolomb(); // sps_seq_parameter_set_id
        uint chromaFormat = r.ReadUnsignedExpGolomb();
        bool separateColourPlanes = chromaFormat == 3 && r.ReadBits(1) == 1;
        uint width = r.ReadUnsignedExpGolomb(); // pic_width_in_luma_samples
        uint height = r.ReadUnsignedExpGolomb();
        uint left = 0, right = 0, top = 0, bottom = 0;
        if (r.ReadBits(1) == 1) // conformance_window_flag
        {
            left = r.ReadUnsignedExpGolomb();
            right = r.ReadUnsignedExpGolomb();
            top = r.ReadUnsignedExpGolomb();
            bottom = r.ReadUnsignedExpGolomb();
        }

        uint bitDepthLuma = r.ReadUnsignedExpGolomb() + 8;
        uint bitDepthChroma = r.ReadUnsignedExpGolomb() + 8;
        r.ReadUnsignedExpGolomb(); // log2_max_pic_order_cnt_lsb_minus4
        bool orderingForEachSubLayer = r.ReadBits(1) == 1; // sps_sub_layer_ordering_info_present_flag
        uint reorder = 0;
        for (int i = orderingForEachSubLayer ? 0 : maxSubLayersMinus1; i <= maxSubLayersMinus1 && !r.Overrun; i++)
        {
            r.ReadUnsignedExpGolomb(); // sps_max_dec_pic_buffering_minus1
            reorder = Math.Max(reorder, r.ReadUnsignedExpGolomb()); // sps_max_num_reorder_pics
            r.ReadUnsignedExpGolomb(); // sps_max_latency_increase_plus1
        }

        if (r.Overrun || chromaFormat > 3 || bitDepthLuma > 16 || bitDepthChroma > 16 || reorder > MaxReorderPics
            || width == 0 || height == 0 || width > MaxPictureDimension || height > MaxPictureDimension)
        {
            return false;
        }

        // §7.4.3.2.1 / Table 6-1: the window offsets count in chroma samples, SubWidthC × SubHeightC luma samples each.
        bool subsampled = !separateColourPlanes && chromaFormat is 1 or 2;
        long subWidth = subsampled ? 2 : 1;
        long subHeight = !separateColourPlanes && chromaFormat == 1 ? 2 : 1;
        long croppedWidth = width - (subWidth * ((long)left + right));
        long croppedHeight = height - (subHeight * ((long)top + bottom));
        if (croppedWidth <= 0 || croppedHeight <= 0)
        {
            return false;
        }

        info = new H265SpsInfo(ptl, maxSubLayersMinus1 + 1, nested, (int)chromaFormat, (int)bitDepthLuma,
            (int)bitDepthChroma, (int)croppedWidth, (int)croppedHeight, (int)reorder);
        return true;
    }

    private static bool IsNalOfType(ReadOnlySpan<byte> nal, int type) =>
        nal.Length > H265NalUnit.HeaderSize && (nal[0] & 0x80) == 0 && H265NalUnit.TypeOf(nal) == type;

    private static ReadOnlySpan<byte> ToRbsp(ReadOnlySpan<byte> nal, Span<byte> rbsp)
    {
        ReadOnlySpan<byte> payload = nal[H265NalUnit.HeaderSize..];
        payload = payload[..Math.Min(payload.Length, rbsp.Length)];
        return rbsp[..RbspBitReader.RemoveEmulationPrevention(payload, rbsp)];
    }

    /// <summary>profile_tier_level(1, maxNumSubLayersMinus1), §7.3.3: the general part kept, the sub-layer parts skipped.</summary>
    private static bool TryReadProfileTierLevel(ref RbspBitReader r, int maxSubLayersMinus1, out H265ProfileTierLevel ptl)
    {
        byte space = (byte)r.ReadBits(2);
        bool tier = r.ReadBits(1) == 1;
        byte profile = (byte)r.ReadBits(5);
        uint compatibility = r.ReadBits(32);
        ulong constraints = ((ulong)r.ReadBits(16) << 32) | r.ReadBits(32);
        byte level = (byte)r.ReadBits(8);
        Span<bool> profilePresent = stackalloc bool[MaxSubLayersMinus1];
        Span<bool> levelPresent = stackalloc bool[MaxSubLayersMinus1];
        for (int i = 0; i < maxSubLayersMinus1; i++)
        {
            profilePresent[i] = r.ReadBits(1) == 1;
            levelPresent[i] = r.ReadBits(1) == 1;
        }

        if (maxSubLayersMinus1 > 0)
        {
            r.SkipBits(2 * (8 - maxSubLayersMinus1)); // reserved_zero_2bits up to eight sub-layers
        }

        for (int i = 0; i < maxSubLayersMinus1; i++)
        {
            r.SkipBits((profilePresent[i] ? SubLayerProfileBits : 0) + (levelPresent[i] ? 8 : 0));
        }

        ptl = new H265ProfileTierLevel(space, tier, profile, compatibility, constraints, level);
        return !r.Overrun;
    }
}
