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
///   traf  (only when AAC frames are given: the audio of the same part)
///     tfhd [16]  flags 0x020000, track_ID 2
///     tfdt [20]  v1, first frame's time in the audio timescale (the sample rate)
///     trun [20 + 8 m]  flags 0x000301: data_offset, then per frame duration (1024), size
/// mdat [8 + payload]  per sample its NAL units, each with a 4-byte length    (14496-15 §5.3.2),
///                     then the AAC frames as they are (raw, no ADTS)         (14496-14 §3.2)
/// </code>
/// One moof with two trafs keeps a part one HTTP object that hls.js, Safari and FFmpeg read as a muxed CMAF chunk;
/// each track keeps its own timeline (tfdt), so audio need not start exactly where the video of the part does.
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
    private const int AudioTrafFixedSize = BoxWriter.BoxHeaderSize + TfhdSize + TfdtSize + TrunFixedSize;
    private const int AudioTrunEntrySize = 2 * 4; // duration, size
    private const uint AudioTrunFlags = TrunDataOffsetPresent | TrunSampleDurationPresent | TrunSampleSizePresent;

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
    /// Exact size of the fragment for <paramref name="accessUnits"/> whenever <c>TryWrite</c> accepts them:
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

    /// <summary>Bytes <paramref name="audio"/> adds to a fragment: its traf and its frames (0 without frames).</summary>
    public static long GetAudioByteCount(in AacFrames audio) =>
        audio.Count == 0 ? 0 : AudioTrafFixedSize + ((long)AudioTrunEntrySize * audio.Count) + audio.Data.Length;

    /// <summary>
    /// Writes moof + mdat of the video access units and, when <paramref name="audio"/> holds frames, the AAC track's
    /// frames of the same part (see the layout above). False, never an exception, where the video-only overload is,
    /// and when the frame sizes do not add up to the data.
    /// </summary>
    public static bool TryWrite(
        Span<byte> destination,
        uint sequenceNumber,
        ReadOnlySpan<VideoAccessUnit> accessUnits,
        long endDecodeTime,
        in AacFrames audio,
        out int bytesWritten)
    {
        bytesWritten = 0;
        if (!TryMeasure(accessUnits, endDecodeTime, out long size) || !audio.IsConsistent)
        {
            return false;
        }

        long audioSize = GetAudioByteCount(audio);
        if (size + audioSize > destination.Length)
        {
            return false;
        }

        return TryWriteCore(destination, sequenceNumber, accessUnits, endDecodeTime, audio, (int)(size - MdatHeaderSize
            - MoofFixedSize - (TrunEntrySize * accessUnits.Length)), out bytesWritten);
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

        return TryWriteCore(destination, sequenceNumber, accessUnits, endDecodeTime, default, 0, out bytesWritten);
    }

    private static bool TryWriteCore(
        Span<byte> destination,
        uint sequenceNumber,
        ReadOnlySpan<VideoAccessUnit> accessUnits,
        long endDecodeTime,
        in AacFrames audio,
        int videoBytes,
        out int bytesWritten)
    {
        int audioTrafSize = audio.Count == 0 ? 0 : AudioTrafFixedSize + (AudioTrunEntrySize * audio.Count);
        int moofSize = MoofFixedSize + (TrunEntrySize * accessUnits.Length) + audioTrafSize;
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
        if (audio.Count > 0)
        {
            WriteAudioTraf(ref w, audio, moofSize + MdatHeaderSize + videoBytes);
        }

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

        w.WriteBytes(audio.Data);
        w.EndBox(mdat);
        bytesWritten = w.Position;
        return true;
    }

    private static void WriteAudioTraf(ref BoxWriter w, in AacFrames audio, int dataOffset)
    {
        int traf = w.BeginBox("traf"u8);
        int tfhd = w.BeginFullBox("tfhd"u8, 0, TfhdDefaultBaseIsMoof);
        w.WriteUInt32(Fmp4InitSegment.AudioTrackId);
        w.EndBox(tfhd);
        int tfdt = w.BeginFullBox("tfdt"u8, TfdtVersion64Bit, 0);
        w.WriteUInt64((ulong)audio.BaseDecodeTime);
        w.EndBox(tfdt);
        int trun = w.BeginFullBox("trun"u8, 0, AudioTrunFlags);
        w.WriteUInt32((uint)audio.Count);
        w.WriteUInt32((uint)dataOffset); // after the video samples in the shared mdat
        foreach (int frameSize in audio.Sizes)
        {
            w.WriteUInt32(Audio.AacConfig.SamplesPerFrame);
            w.WriteUInt32((uint)frameSize);
        }

        w.EndBox(trun);
        w.EndBox(traf);
    }

    /// <summary>Validates the input as <c>TryWrite</c> documents and returns <see cref="GetByteCount"/> in one scan.</summary>
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

/// <summary>
/// AAC frames of one part for <see cref="Fmp4Fragment"/>: their bytes back to back, each one's size, and the first
/// one's decode time in the audio timescale (the sample rate); each lasts 1024 samples.
/// </summary>
public readonly ref struct AacFrames
{
    public AacFrames(ReadOnlySpan<byte> data, ReadOnlySpan<int> sizes, long baseDecodeTime)
    {
        Data = data;
        Sizes = sizes;
        BaseDecodeTime = baseDecodeTime;
    }

    /// <summary>The frames, raw (no ADTS header), in order.</summary>
    public ReadOnlySpan<byte> Data { get; }

    /// <summary>Each frame's length in <see cref="Data"/>.</summary>
    public ReadOnlySpan<int> Sizes { get; }

    /// <summary>The first frame's decode time, in the audio track's timescale.</summary>
    public long BaseDecodeTime { get; }

    public int Count => Sizes.Length;

    /// <summary>Sizes positive and adding up to the data; a non-negative start.</summary>
    internal bool IsConsistent
    {
        get
        {
            long total = 0;
            foreach (int size in Sizes)
            {
                if (size <= 0)
                {
                    return false;
                }

                total += size;
            }

            return total == Data.Length && BaseDecodeTime >= 0;
        }
    }
}
