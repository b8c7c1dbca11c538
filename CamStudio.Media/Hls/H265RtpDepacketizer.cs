using System.Buffers.Binary;
using CamStudio.Media.Video;

namespace CamStudio.Media.Hls;

/// <summary>
/// RTP packets of one H.265 stream (RFC 7798) back into whole access units in Annex-B form: single NAL unit packets
/// (types 0-47, §4.4.1), aggregation packets (48, §4.4.2) and fragmentation units (49, §4.4.3). PACI (50, §4.4.4) and
/// the unassigned types 51-63 are dropped. Access unit boundaries, loss (drop until the next IRAP picture), cache
/// replays and the buffer: see <see cref="RtpVideoDepacketizer"/>.
/// <para>
/// No DONL/DOND fields: they are present only when sprop-max-don-diff &gt; 0 (§4.4), i.e. when the sender reorders NAL
/// units across access units. FFmpeg and cameras send in decoding order with sprop-max-don-diff = 0, which is the only
/// stream this takes; a stream that needs DON would come apart as garbled NAL units and be dropped at the next check.
/// </para>
/// </summary>
public sealed class H265RtpDepacketizer : RtpVideoDepacketizer
{
    private const int PayloadHeaderSize = H265NalUnit.HeaderSize;
    private const int TypeLastNal = 47;
    private const int TypePrefixSei = 39;
    private const int FuStartBit = 0x80;
    private const int FuEndBit = 0x40;
    private const int FuTypeMask = 0x3F;

    public H265RtpDepacketizer(IRtpAccessUnitSink sink, int maxAccessUnitBytes = DefaultMaxAccessUnitBytes)
        : base(sink, maxAccessUnitBytes)
    {
    }

    /// <inheritdoc/>
    public override VideoCodec Codec => VideoCodec.H265;

    /// <inheritdoc/>
    protected override bool TryAppendPayload(ReadOnlySpan<byte> payload)
    {
        int type = H265NalUnit.TypeOf(payload);
        if (type < 0)
        {
            return false; // one byte: not even a payload header
        }

        if (type <= TypeLastNal)
        {
            return FragmentType < 0 && TryAppendH265Nal(payload);
        }

        if (type == H265NalUnit.TypeAggregation)
        {
            return FragmentType < 0 && TryAppendAggregation(payload[PayloadHeaderSize..]);
        }

        if (type == H265NalUnit.TypeFragmentation)
        {
            return TryAppendFragment(payload);
        }

        IgnoredPackets++;
        return true;
    }

    // AP (RFC 7798 §4.4.2), without DONL/DOND: after the 2-byte payload header, each NAL unit as a 16-bit size and the
    // unit (its own 2-byte header included).
    //  0                   1                   2                   3
    // |    PayloadHdr (Type=48)       |         NALU 1 Size           |
    // |          NALU 1 HDR           |       NALU 1 Data ...         |
    // |         NALU 2 Size           |          NALU 2 HDR  ...      |
    private bool TryAppendAggregation(ReadOnlySpan<byte> units)
    {
        // Validate the whole aggregate first so a malformed one adds nothing half-way. §4.4.2: at least two units, but
        // one is harmless and FFmpeg never sends that, so only structure is checked.
        ReadOnlySpan<byte> rest = units;
        if (rest.IsEmpty)
        {
            return false;
        }

        while (!rest.IsEmpty)
        {
            if (rest.Length < 2 + PayloadHeaderSize)
            {
                return false;
            }

            int size = BinaryPrimitives.ReadUInt16BigEndian(rest);
            if (size < PayloadHeaderSize || size > rest.Length - 2 || H265NalUnit.TypeOf(rest[2..]) > TypeLastNal)
            {
                return false;
            }

            rest = rest[(2 + size)..];
        }

        rest = units;
        while (!rest.IsEmpty)
        {
            int size = BinaryPrimitives.ReadUInt16BigEndian(rest);
            if (!TryAppendH265Nal(rest.Slice(2, size)))
            {
                return false;
            }

            rest = rest[(2 + size)..];
        }

        return true;
    }

    // FU (RFC 7798 §4.4.3), without DONL: 2-byte payload header (type 49, the fragmented unit's F, layer id and TID),
    // FU header (S, E, FuType of 6 bits), data. The NAL header is the payload header with FuType in place of 49.
    private bool TryAppendFragment(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < PayloadHeaderSize + 2)
        {
            return false;
        }

        byte fuHeader = payload[PayloadHeaderSize];
        int nalType = fuHeader & FuTypeMask;
        bool start = (fuHeader & FuStartBit) != 0;
        bool end = (fuHeader & FuEndBit) != 0;
        ReadOnlySpan<byte> data = payload[(PayloadHeaderSize + 1)..];
        if (start)
        {
            // §4.4.3: S and E both set MUST NOT happen; a start while one is open is a loss or a broken sender; FuType
            // must be a NAL unit type, not another RTP payload structure.
            ReadOnlySpan<byte> nalHeader = [(byte)((payload[0] & 0x81) | (nalType << 1)), payload[1]];
            if (FragmentType >= 0 || end || nalType > TypeLastNal || !TryBeginFragment(nalHeader, data))
            {
                return false;
            }

            NoteH265Nal(nalType);
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

    private bool TryAppendH265Nal(ReadOnlySpan<byte> nal)
    {
        if (!TryAppendNal(nal))
        {
            return false;
        }

        NoteH265Nal(H265NalUnit.TypeOf(nal));
        return true;
    }

    private void NoteH265Nal(int type) => NoteNal(H265NalUnit.IsVcl(type), H265NalUnit.IsIrap(type));

    /// <summary>
    /// H.265 §7.4.2.4.4: an access unit begins with an AUD, VPS, SPS, PPS or prefix SEI, or with the first slice
    /// segment of its picture (first_slice_segment_in_pic_flag, the first bit after the NAL header, is 1).
    /// </summary>
    protected override bool StartsAccessUnit(ReadOnlySpan<byte> payload)
    {
        int type = H265NalUnit.TypeOf(payload);
        if (type == H265NalUnit.TypeAggregation)
        {
            ReadOnlySpan<byte> first = payload.Length >= 4 + PayloadHeaderSize ? payload[4..] : default;
            return first.Length >= 3 && StartsAccessUnit(H265NalUnit.TypeOf(first), first[2]);
        }

        if (type == H265NalUnit.TypeFragmentation)
        {
            return payload.Length >= 4 && (payload[2] & FuStartBit) != 0 && StartsAccessUnit(payload[2] & FuTypeMask, payload[3]);
        }

        return payload.Length >= 3 && StartsAccessUnit(type, payload[2]);
    }

    private static bool StartsAccessUnit(int nalType, byte firstPayloadByte) => nalType switch
    {
        H265NalUnit.TypeAud or H265NalUnit.TypeVps or H265NalUnit.TypeSps or H265NalUnit.TypePps or TypePrefixSei => true,
        _ when H265NalUnit.IsVcl(nalType) => (firstPayloadByte & 0x80) != 0,
        _ => false,
    };
}
