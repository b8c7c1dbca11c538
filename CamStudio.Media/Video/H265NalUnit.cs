namespace CamStudio.Media.Video;

/// <summary>
/// The H.265 NAL unit header (ITU-T H.265 §7.3.1.2): two bytes, forbidden_zero_bit, nal_unit_type (6 bits),
/// nuh_layer_id (6 bits), nuh_temporal_id_plus1 (3 bits). RFC 7798 reuses it for its aggregation (48) and
/// fragmentation (49) payload headers.
/// </summary>
public static class H265NalUnit
{
    /// <summary>The NAL header is two bytes (H.264's is one).</summary>
    public const int HeaderSize = 2;

    /// <summary>BLA_W_LP: the first IRAP type (16..23 are IRAP; 21..23 reserved IRAP).</summary>
    public const int TypeIrapFirst = 16;

    /// <summary>IDR_W_RADL.</summary>
    public const int TypeIdrWRadl = 19;

    /// <summary>IDR_N_LP.</summary>
    public const int TypeIdrNLp = 20;

    /// <summary>RSV_IRAP_VCL23: the last IRAP type.</summary>
    public const int TypeIrapLast = 23;

    /// <summary>Video parameter set.</summary>
    public const int TypeVps = 32;

    /// <summary>Sequence parameter set.</summary>
    public const int TypeSps = 33;

    /// <summary>Picture parameter set.</summary>
    public const int TypePps = 34;

    /// <summary>Access unit delimiter.</summary>
    public const int TypeAud = 35;

    /// <summary>RFC 7798 §4.4.2 aggregation packet (AP).</summary>
    public const int TypeAggregation = 48;

    /// <summary>RFC 7798 §4.4.3 fragmentation unit (FU).</summary>
    public const int TypeFragmentation = 49;

    /// <summary>RFC 7798 §4.4.4 PACI packet.</summary>
    public const int TypePaci = 50;

    /// <summary>nal_unit_type of a NAL (or RTP payload) header; -1 when fewer than two bytes.</summary>
    public static int TypeOf(ReadOnlySpan<byte> nal) => nal.Length < HeaderSize ? -1 : (nal[0] >> 1) & 0x3F;

    /// <summary>Slices of pictures 0..31 are VCL NAL units (coded picture data).</summary>
    public static bool IsVcl(int type) => type is >= 0 and < 32;

    /// <summary>Intra random access point: decoding can start here (IDR, CRA, BLA).</summary>
    public static bool IsIrap(int type) => type is >= TypeIrapFirst and <= TypeIrapLast;

    /// <summary>VPS, SPS or PPS: the parameter sets a decoder needs before an IRAP picture.</summary>
    public static bool IsParameterSet(int type) => type is TypeVps or TypeSps or TypePps;
}
