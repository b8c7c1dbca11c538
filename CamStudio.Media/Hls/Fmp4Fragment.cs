using CamStudio.Media.Video;

namespace CamStudio.Media.Hls;

/// <summary>
/// Writes one movie fragment (a CMAF chunk, ISO/IEC 23000-19 §7.3.2.3) of the track described by
/// <see cref="Fmp4InitSegment"/>: one or more access units, an LL-HLS part when it is a few hundred milliseconds long,
/// a segment's first fragment when it starts at a key frame. ISO/IEC 14496-12 sections in parentheses.
/// <code>
/// moof [88 + 12 n]
///   mfhd [16]  sequence_number                                             (§8.8.5)
///   traf
///     tfhd [16]  flags 0x020000 default-base-is-moof, track_ID 1            (§8.8.7)
///     tfdt [20]  v1, 64-bit baseMediaDecodeTime = first DecodeTime          (§8.8.12)
///     trun [20 + 12 n]  flags 0x000701: data_offset, then per sample        (§8.8.8)
///                       duration, size, flags; no composition offsets
/// mdat [8 + payload]  per sample its NAL units, each with a 4-byte length    (14496-15 §5.3.2)
/// </code>
/// No composition time offsets: IP cameras encode without B-frames (decode order = presentation order), so trun
/// version 0 without 0x800 is exact. A stream with B-frames would need the caller to pass presentation times too.
/// </summary>
public static class Fmp4Fragment
{
    private const int MfhdSize = BoxWriter.FullBoxHeaderSize + 4;
    private const int TfhdSize = BoxWriter.FullBoxHeaderSize + 4;
    private const int TfdtSize = BoxWriter.FullBoxHeaderSize + 8;
    private const int TrunFixedSize = BoxWriter.FullBoxHeaderSize + 4 + 4; // sample_count, data_offset
    private const int TrunEntrySize = 3 * 4; // duration, size, flags
    private const int MoofFixedSize = (2 * BoxWriter.BoxHeaderSize) + MfhdSize + TfhdSize + TfdtSize + TrunFixedSize; // moof, traf
    private const int MdatHeaderSize = BoxWriter.BoxHeaderSize;

    private const uint TfhdDefaultBaseIsMoof = 0x02_0000;
    private const uint TrunFlags = TrunDataOffsetPresent | TrunSampleDurationPresent | TrunSampleSizePresent | TrunSampleFlagsPresent;
    private const uint TrunDataOffsetPresent = 0x00_0001;
    private const uint TrunSampleDurationPresent = 0x00_0100;
    private const uint TrunSampleSizePresent = 0x00_0200;
    private const uint TrunSampleFlagsPresent = 0x00_0400;
    private const byte TfdtVersion64Bit = 1;

    /// <summary>Sample flags (§8.8.3.1) of a key frame: sample_depends_on = 2 (depends on no other), sync.</summary>
    public const uint SyncSampleFlags = 0x0200_0000;

    /// <summary>Sample flags of any other picture: sample_depends_on = 1, sample_is_non_sync_sample = 1.</summary>
    public const uint NonSyncSampleFlags = 0x0101_0000;

    /// <summary>
    /// Exact size of the fragment for <paramref name="accessUnits"/> whenever <see cref="TryWrite"/> accepts them:
    /// moof plus mdat, where AUD and parameter sets (H.264 SPS/PPS, H.265 VPS/SPS/PPS) are dropped and every other NAL unit gets a 4-byte length instead of its start code.
    /// </summary>
    public static long GetByteCount(ReadOnlySpan<VideoAccessUnit> accessUnits)
    {
        long size = MoofFixedSize + ((long)TrunEntrySize * accessUnits.Length) + MdatHeaderSize;
        foreach (VideoAccessUnit unit in accessUnits)
        {
            size += SampleSize(unit.AnnexB.Span, unit.Codec);
        }

        return size;
    }

    /// <summary>
    /// Writes moof + mdat. Each sample lasts until the next access unit's decode time, the last one until
    /// <paramref name="endDecodeTime"/> (the decode time of whatever follows, normally the next fragment's first access
    /// unit). False, never an exception, on input from the camera this cannot represent: no access units, decode times
    /// that do not strictly increase, an access unit that is not Annex-B or holds nothing but AUD and parameter sets, or a destination
    /// that is too small.
    /// </summary>
    public static bool TryWrite(
        Span<byte> destination,
        uint sequenceNumber,
        ReadOnlySpan<VideoAccessUnit> accessUnits,
        long endDecodeTime,
        out int bytesWritten)
    {
        bytesWritten = 0;
        if (!TryMeasure(accessUnits, endDecodeTime, out long size) || size > destination.Length)
        {
            return false;
        }

        int moofSize = MoofFixedSize + (TrunEntrySize * accessUnits.Length);
        var w = new BoxWriter(destination);
        int moof = w.BeginBox("moof"u8);
        int mfhd = w.BeginFullBox("mfhd"u8, 0, 0);
        w.WriteUInt32(sequenceNumber);
        w.EndBox(mfhd);
        int traf = w.BeginBox("traf"u8);
        int tfhd = w.BeginFullBox("tfhd"u8, 0, TfhdDefaultBaseIsMoof);
        w.WriteUInt32(Fmp4InitSegment.TrackId);
        w.EndBox(tfhd);
        int tfdt = w.BeginFullBox("tfdt"u8, TfdtVersion64Bit, 0);
        w.WriteUInt64((ulong)accessUnits[0].DecodeTime);
        w.EndBox(tfdt);
        int trun = w.BeginFullBox("trun"u8, 0, TrunFlags);
        w.WriteUInt32((uint)accessUnits.Length);
        w.WriteUInt32((uint)(moofSize + MdatHeaderSize)); // data_offset from the start of moof (default-base-is-moof)
        for (int i = 0; i < accessUnits.Length; i++)
        {
            long next = i + 1 < accessUnits.Length ? accessUnits[i + 1].DecodeTime : endDecodeTime;
            w.WriteUInt32((uint)(next - accessUnits[i].DecodeTime));
            w.WriteUInt32((uint)SampleSize(accessUnits[i].AnnexB.Span, accessUnits[i].Codec));
            w.WriteUInt32(accessUnits[i].IsKeyFrame ? SyncSampleFlags : NonSyncSampleFlags);
        }

        w.EndBox(trun);
        w.EndBox(traf);
        w.EndBox(moof);

        int mdat = w.BeginBox("mdat"u8);
        foreach (VideoAccessUnit unit in accessUnits)
        {
            ReadOnlySpan<byte> rest = unit.AnnexB.Span;
            while (AnnexB.TryReadNal(ref rest, out ReadOnlySpan<byte> nal))
            {
                if (AnnexB.IsCarriedInSample(nal, unit.Codec))
                {
                    w.WriteUInt32((uint)nal.Length); // NalLengthSize = 4
                    w.WriteBytes(nal);
                }
            }
        }

        w.EndBox(mdat);
        bytesWritten = w.Position;
        return true;
    }

    /// <summary>Validates the input as <see cref="TryWrite"/> documents and returns <see cref="GetByteCount"/> in one scan.</summary>
    private static bool TryMeasure(ReadOnlySpan<VideoAccessUnit> accessUnits, long endDecodeTime, out long size)
    {
        size = MoofFixedSize + ((long)TrunEntrySize * accessUnits.Length) + MdatHeaderSize;
        if (accessUnits.IsEmpty || accessUnits[0].DecodeTime < 0)
        {
            return false;
        }

        for (int i = 0; i < accessUnits.Length; i++)
        {
            ReadOnlySpan<byte> annexB = accessUnits[i].AnnexB.Span;
            long next = i + 1 < accessUnits.Length ? accessUnits[i + 1].DecodeTime : endDecodeTime;
            long duration = next - accessUnits[i].DecodeTime;
            long sampleSize = SampleSize(annexB, accessUnits[i].Codec); // 0 also when the bytes are not Annex-B
            if (duration <= 0 || duration > uint.MaxValue || sampleSize == 0)
            {
                return false;
            }

            size += sampleSize;
        }

        // Every size and offset field is 32 bits, and a Span cannot be larger than int.MaxValue anyway.
        return size <= int.MaxValue;
    }

    /// <summary>Bytes the access unit takes in mdat: 4-byte length + NAL unit for each NAL unit carried in a sample.</summary>
    private static long SampleSize(ReadOnlySpan<byte> annexB, VideoCodec codec)
    {
        if (!AnnexB.StartsWithStartCode(annexB))
        {
            return 0;
        }

        long size = 0;
        while (AnnexB.TryReadNal(ref annexB, out ReadOnlySpan<byte> nal))
        {
            if (AnnexB.IsCarriedInSample(nal, codec))
            {
                size += Fmp4InitSegment.NalLengthSize + nal.Length;
            }
        }

        return size;
    }
}
