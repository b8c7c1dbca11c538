using CamStudio.Media.Video;

namespace CamStudio.Media.Hls;

/// <summary>
/// Splits an ITU-T H.264 / H.265 Annex B byte stream into NAL units without copying. Emulation prevention (§7.4.1) guarantees
/// that 00 00 01 never occurs inside a NAL unit, so the next start code ends the current one; zero bytes before a start
/// code (trailing_zero_8bits, or the leading zero of a 4-byte start code) belong to no NAL unit and are trimmed.
/// </summary>
internal static class AnnexB
{
    public const int TypeSps = 7;
    public const int TypePps = 8;
    public const int TypeAccessUnitDelimiter = 9;

    private static ReadOnlySpan<byte> StartCode => [0, 0, 1];

    /// <summary>True when <paramref name="stream"/> is zero bytes followed by a start code (the only way it may begin).</summary>
    public static bool StartsWithStartCode(ReadOnlySpan<byte> stream)
    {
        int index = stream.IndexOf(StartCode);
        return index >= 0 && !stream[..index].ContainsAnyExcept((byte)0);
    }

    /// <summary>
    /// Returns the next non-empty NAL unit of <paramref name="rest"/> and moves past it; false at the end. The caller
    /// has checked <see cref="StartsWithStartCode"/>, so every piece found here is preceded by a start code.
    /// </summary>
    public static bool TryReadNal(ref ReadOnlySpan<byte> rest, out ReadOnlySpan<byte> nal)
    {
        while (true)
        {
            int start = rest.IndexOf(StartCode);
            if (start < 0)
            {
                nal = default;
                rest = default;
                return false;
            }

            ReadOnlySpan<byte> body = rest[(start + StartCode.Length)..];
            int next = body.IndexOf(StartCode);
            nal = next < 0 ? body : body[..next];
            rest = next < 0 ? default : body[next..];
            int last = nal.LastIndexOfAnyExcept((byte)0);
            nal = nal[..(last + 1)];
            if (!nal.IsEmpty)
            {
                return true;
            }
        }
    }

    /// <summary>
    /// NAL units that do not go into an fMP4 sample: access unit delimiters (the sample boundary is the delimiter) and
    /// the parameter sets, which an 'avc1' / 'hvc1' sample entry carries in its avcC / hvcC (ISO/IEC 14496-15 §5.3.2:
    /// SPS/PPS; §8.3.2: VPS/SPS/PPS, which 'hvc1' requires to be in the sample entry; CMAF keeps them out of samples).
    /// </summary>
    public static bool IsCarriedInSample(ReadOnlySpan<byte> nal, VideoCodec codec)
    {
        if (codec == VideoCodec.H265)
        {
            int h265Type = H265NalUnit.TypeOf(nal);
            return !H265NalUnit.IsParameterSet(h265Type) && h265Type != H265NalUnit.TypeAud;
        }

        int type = nal[0] & 0x1F;
        return type is not (TypeSps or TypePps or TypeAccessUnitDelimiter);
    }
}
