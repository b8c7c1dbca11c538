namespace CamStudio.Media.Video;

/// <summary>The parts of a sequence parameter set (ITU-T H.264 §7.3.2.1.1) the dashboard shows and SDP needs.</summary>
public readonly record struct H264SpsInfo(byte ProfileIdc, byte ConstraintFlags, byte LevelIdc, int Width, int Height)
{
    /// <summary>The RFC 6184 profile-level-id (six hex digits, e.g. "640028").</summary>
    public string ProfileLevelId =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{ProfileIdc:x2}{ConstraintFlags:x2}{LevelIdc:x2}");
}

/// <summary>Exp-Golomb SPS parse up to the frame cropping fields (enough for width and height).</summary>
public static class H264SpsParser
{
    private const int MaxSpsBytes = 512;
    private const int NalTypeSps = 7;

    /// <summary>Parses an SPS NAL unit (starting with its NAL header byte); false, never an exception, on bad input.</summary>
    public static bool TryParse(ReadOnlySpan<byte> nal, out H264SpsInfo info)
    {
        info = default;
        if (nal.Length < 4 || (nal[0] & 0x1F) != NalTypeSps || nal.Length > MaxSpsBytes)
        {
            return false;
        }

        Span<byte> rbsp = stackalloc byte[nal.Length];
        int length = RbspBitReader.RemoveEmulationPrevention(nal[1..], rbsp);
        var r = new RbspBitReader(rbsp[..length]);
        byte profile = (byte)r.ReadBits(8);
        byte constraints = (byte)r.ReadBits(8);
        byte level = (byte)r.ReadBits(8);
        r.ReadUnsignedExpGolomb(); // seq_parameter_set_id
        uint chromaFormat = 1;
        bool separateColourPlanes = false;
        if (profile is 100 or 110 or 122 or 244 or 44 or 83 or 86 or 118 or 128 or 138 or 139 or 134 or 135)
        {
            chromaFormat = r.ReadUnsignedExpGolomb();
            if (chromaFormat == 3)
            {
                separateColourPlanes = r.ReadBits(1) == 1;
            }

            r.ReadUnsignedExpGolomb(); // bit_depth_luma_minus8
            r.ReadUnsignedExpGolomb(); // bit_depth_chroma_minus8
            r.ReadBits(1); // qpprime_y_zero_transform_bypass_flag
            if (r.ReadBits(1) == 1)
            {
                int lists = chromaFormat == 3 ? 12 : 8;
                for (int i = 0; i < lists && !r.Overrun; i++)
                {
                    if (r.ReadBits(1) == 1)
                    {
                        SkipScalingList(ref r, i < 6 ? 16 : 64);
                    }
                }
            }
        }

        r.ReadUnsignedExpGolomb(); // log2_max_frame_num_minus4
        uint pocType = r.ReadUnsignedExpGolomb();
        if (pocType == 0)
        {
            r.ReadUnsignedExpGolomb(); // log2_max_pic_order_cnt_lsb_minus4
        }
        else if (pocType == 1)
        {
            r.ReadBits(1); // delta_pic_order_always_zero_flag
            r.ReadSignedExpGolomb(); // offset_for_non_ref_pic
            r.ReadSignedExpGolomb(); // offset_for_top_to_bottom_field
            uint cycle = r.ReadUnsignedExpGolomb();
            for (uint i = 0; i < cycle && !r.Overrun; i++)
            {
                r.ReadSignedExpGolomb();
            }
        }

        r.ReadUnsignedExpGolomb(); // max_num_ref_frames
        r.ReadBits(1); // gaps_in_frame_num_value_allowed_flag
        uint widthInMbs = r.ReadUnsignedExpGolomb() + 1;
        uint heightInMapUnits = r.ReadUnsignedExpGolomb() + 1;
        uint frameMbsOnly = r.ReadBits(1);
        if (frameMbsOnly == 0)
        {
            r.ReadBits(1); // mb_adaptive_frame_field_flag
        }

        r.ReadBits(1); // direct_8x8_inference_flag
        uint cropLeft = 0, cropRight = 0, cropTop = 0, cropBottom = 0;
        if (r.ReadBits(1) == 1)
        {
            cropLeft = r.ReadUnsignedExpGolomb();
            cropRight = r.ReadUnsignedExpGolomb();
            cropTop = r.ReadUnsignedExpGolomb();
            cropBottom = r.ReadUnsignedExpGolomb();
        }

        if (r.Overrun || widthInMbs > 1024 || heightInMapUnits > 1024)
        {
            return false;
        }

        // §7.4.2.1.1: crop units depend on chroma subsampling and on field coding.
        bool monochrome = chromaFormat == 0 || separateColourPlanes;
        long cropUnitX = monochrome ? 1 : (chromaFormat == 3 ? 1 : 2);
        long cropUnitY = (monochrome ? 1 : (chromaFormat == 1 ? 2 : 1)) * (2 - frameMbsOnly);
        long width = (widthInMbs * 16L) - (cropUnitX * (cropLeft + (long)cropRight));
        long height = ((2 - frameMbsOnly) * heightInMapUnits * 16L) - (cropUnitY * (cropTop + (long)cropBottom));
        if (width <= 0 || height <= 0)
        {
            return false;
        }

        info = new H264SpsInfo(profile, constraints, level, (int)width, (int)height);
        return true;
    }

    private static void SkipScalingList(ref RbspBitReader r, int size)
    {
        int last = 8, next = 8;
        for (int j = 0; j < size && !r.Overrun; j++)
        {
            if (next != 0)
            {
                int delta = r.ReadSignedExpGolomb();
                next = (last + delta + 256) % 256;
            }

            last = next == 0 ? last : next;
        }
    }
}
