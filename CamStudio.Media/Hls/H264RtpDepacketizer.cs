using System.Buffers.Binary;
using CamStudio.Media.Video;

namespace CamStudio.Media.Hls;

/// <summary>
/// RTP packets of one H.264 stream (RFC 6184, packetization-mode 1) back into whole access units in Annex-B form:
/// single NAL unit packets (types 1-23, §5.6), STAP-A (24, §5.7.1) and FU-A (28, §5.8). STAP-B, MTAP and FU-B belong to
/// interleaved mode and are dropped, as are types 0 and 29-31. Access unit boundaries, loss (drop until the next IDR),
/// cache replays and the buffer: see <see cref="RtpVideoDepacketizer"/>.
/// </summary>
public sealed class H264RtpDepacketizer : RtpVideoDepacketizer
{
    private const int TypeIdr = 5;
    private const int TypeSei = 6;
    private const int TypeSps = 7;
    private const int TypePps = 8;
    private const int TypeAccessUnitDelimiter = 9;
    private const int TypeStapA = 24;
    private const int TypeFuA = 28;
    private const int FuStartBit = 0x80;
    private const int FuEndBit = 0x40;

    public H264RtpDepacketizer(IRtpAccessUnitSink sink, int maxAccessUnitBytes = DefaultMaxAccessUnitBytes)
        : base(sink, maxAccessUnitBytes)
    {
    }

    /// <inheritdoc/>
    public override VideoCodec Codec => VideoCodec.H264;

    /// <inheritdoc/>
    protected override bool TryAppendPayload(ReadOnlySpan<byte> payload)
    {
        int type = payload[0] & 0x1F;
        if (type is > 0 and < TypeStapA)
        {
            return FragmentType < 0 && TryAppendH264Nal(payload);
        }

        if (type == TypeStapA)
        {
            return FragmentType < 0 && TryAppendStapA(payload[1..]);
        }

        if (type == TypeFuA)
        {
            return TryAppendFuA(payload);
        }

        IgnoredPackets++;
        return true;
    }

    // STAP-A (RFC 6184 §5.7.1): after the STAP-A NAL header, each aggregated NAL unit as a 16-bit size and the unit.
    //  0                   1                   2                   3
    // |STAP-A NAL HDR |         NALU 1 Size           | NALU 1 HDR    |
    // |                         NALU 1 Data ...       | NALU 2 Size   | ...
    private bool TryAppendStapA(ReadOnlySpan<byte> units)
    {
        // Validate the whole aggregate first so a malformed one adds nothing half-way.
        ReadOnlySpan<byte> rest = units;
        if (rest.IsEmpty)
        {
            return false;
        }

        while (!rest.IsEmpty)
        {
            if (rest.Length < 3)
            {
                return false;
            }

            int size = BinaryPrimitives.ReadUInt16BigEndian(rest);
            if (size == 0 || size > rest.Length - 2)
            {
                return false;
            }

            rest = rest[(2 + size)..];
        }

        rest = units;
        while (!rest.IsEmpty)
        {
            int size = BinaryPrimitives.ReadUInt16BigEndian(rest);
            if (!TryAppendH264Nal(rest.Slice(2, size)))
            {
                return false;
            }

            rest = rest[(2 + size)..];
        }

        return true;
    }

    // FU-A (RFC 6184 §5.8): FU indicator (F, NRI, type 28), FU header (S, E, R, type of the fragmented NAL unit), data.
    // The NAL header is rebuilt from the indicator's F/NRI and the header's type.
    private bool TryAppendFuA(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < 3)
        {
            return false;
        }

        byte fuHeader = payload[1];
        int nalType = fuHeader & 0x1F;
        bool start = (fuHeader & FuStartBit) != 0;
        bool end = (fuHeader & FuEndBit) != 0;
        ReadOnlySpan<byte> data = payload[2..];
        if (start)
        {
            // §5.8: a start fragment while one is open, or one that is also the end, is a broken sender or a loss.
            ReadOnlySpan<byte> nalHeader = [(byte)((payload[0] & 0xE0) | nalType)];
            if (FragmentType >= 0 || end || !TryBeginFragment(nalHeader, data))
            {
                return false;
            }

            NoteH264Nal(nalType);
            FragmentType = nalType;
        }
        else if (FragmentType != nalType || !TryContinueFragment(data))
        {
            return false;
        }

        if (end)
        {
            FragmentType = -1;
        }

        return true;
    }

    private bool TryAppendH264Nal(ReadOnlySpan<byte> nal)
    {
        if (!TryAppendNal(nal))
        {
            return false;
        }

        NoteH264Nal(nal[0] & 0x1F);
        return true;
    }

    private void NoteH264Nal(int type) => NoteNal(isPicture: type is >= 1 and <= TypeIdr, isKeyFrame: type == TypeIdr);

    /// <summary>
    /// H.264 §7.4.1.2.3: an AUD, SEI, SPS or PPS first, or a slice with first_mb_in_slice = 0 (its ue(v) is the single
    /// bit 1, so the first bit after the NAL header is set).
    /// </summary>
    protected override bool StartsAccessUnit(ReadOnlySpan<byte> payload)
    {
        int type = payload[0] & 0x1F;
        ReadOnlySpan<byte> nal = payload;
        if (type == TypeStapA)
        {
            nal = payload.Length >= 4 ? payload[3..] : default;
        }
        else if (type == TypeFuA)
        {
            if (payload.Length < 3 || (payload[1] & FuStartBit) == 0)
            {
                return false;
            }

            return StartsAccessUnit(payload[1] & 0x1F, payload[2]);
        }

        return nal.Length >= 2 && StartsAccessUnit(nal[0] & 0x1F, nal[1]);
    }

    private static bool StartsAccessUnit(int nalType, byte firstPayloadByte) => nalType switch
    {
        TypeAccessUnitDelimiter or TypeSei or TypeSps or TypePps => true,
        >= 1 and <= TypeIdr => (firstPayloadByte & 0x80) != 0,
        _ => false,
    };
}
