using CamStudio.Media.Video;

namespace CamStudio.Media.Hls;

/// <summary>
/// Writes the CMAF header (ISO/IEC 23000-19 §7.3.1) of a single H.264 video track: the bytes an HLS playlist names in
/// EXT-X-MAP. Box sizes in brackets are the fixed ones; the comment is the layout, ISO/IEC 14496-12 sections in parentheses.
/// <code>
/// ftyp [28]  major 'iso6', minor 0, compatible 'iso6' 'cmfc' 'mp41'              (§4.3)
/// moov
///   mvhd [108]  v0, timescale 90000, duration 0, next_track_ID 2               (§8.2.2)
///   trak
///     tkhd [92]  v0, flags 3 (enabled, in movie), track_ID 1, width/height 16.16 (§8.3.2)
///     mdia
///       mdhd [32]  v0, timescale 90000, language 'und'                         (§8.4.2)
///       hdlr [45]  'vide', name "VideoHandler"                                 (§8.4.3)
///       minf
///         vmhd [20]  flags 1                                                   (§12.1.2)
///         dinf [36]  dref, one self-contained 'url '                           (§8.7.1)
///         stbl
///           stsd [16]  one entry:                                              (§8.5.2)
///             avc1 [86 + avcC]  width, height from the SPS (14496-15 §5.4.2)
///               avcC [19 + SPS + PPS]  one SPS, one PPS, 4-byte NAL lengths    (14496-15 §5.3.3)
///           stts [16] stsc [16] stsz [20] stco [16]  all empty: samples live in fragments (§8.8.1)
///   mvex
///     trex [32]  track_ID 1, sample description 1, no defaults (trun says all)  (§8.8.3)
/// </code>
/// </summary>
public static class Fmp4InitSegment
{
    /// <summary>The one track's ID; fragments refer to it in tfhd.</summary>
    public const uint TrackId = 1;

    /// <summary>Media timescale: the 90 kHz RTP video clock, so camera timestamps need no rescaling.</summary>
    public const uint Timescale = 90_000;

    /// <summary>Bytes of each NAL unit length prefix in samples (avcC lengthSizeMinusOne + 1).</summary>
    public const int NalLengthSize = 4;

    private const int FtypSize = BoxWriter.BoxHeaderSize + 4 + 4 + (3 * 4);
    private const int MvhdSize = BoxWriter.FullBoxHeaderSize + 96;
    private const int TkhdSize = BoxWriter.FullBoxHeaderSize + 80;
    private const int MdhdSize = BoxWriter.FullBoxHeaderSize + 20;
    private const int HdlrSize = BoxWriter.FullBoxHeaderSize + 20 + 13; // 13 = "VideoHandler" + NUL
    private const int VmhdSize = BoxWriter.FullBoxHeaderSize + 8;
    private const int UrlSize = BoxWriter.FullBoxHeaderSize;
    private const int DrefSize = BoxWriter.FullBoxHeaderSize + 4 + UrlSize;
    private const int DinfSize = BoxWriter.BoxHeaderSize + DrefSize;
    private const int StsdHeaderSize = BoxWriter.FullBoxHeaderSize + 4;
    private const int VisualSampleEntrySize = BoxWriter.BoxHeaderSize + 78; // 14496-12 §12.1.3 fields
    private const int AvcCFixedSize = BoxWriter.BoxHeaderSize + 6 + 2 + 1 + 2; // header, SPS count/length, PPS count/length
    private const int EmptyTableSize = BoxWriter.FullBoxHeaderSize + 4; // stts, stsc, stco: entry_count 0
    private const int StszSize = BoxWriter.FullBoxHeaderSize + 8;
    private const int TrexSize = BoxWriter.FullBoxHeaderSize + 20;
    private const int MvexSize = BoxWriter.BoxHeaderSize + TrexSize;

    private const int FixedSize =
        FtypSize
        + (5 * BoxWriter.BoxHeaderSize) // moov, trak, mdia, minf, stbl
        + MvhdSize + TkhdSize + MdhdSize + HdlrSize + VmhdSize + DinfSize
        + StsdHeaderSize + VisualSampleEntrySize + AvcCFixedSize
        + (3 * EmptyTableSize) + StszSize + MvexSize;

    private const uint FixedPointOne = 0x0001_0000; // 16.16
    private const ushort LanguageUndetermined = ('u' - 0x60) << 10 | ('n' - 0x60) << 5 | ('d' - 0x60); // §8.4.2.3 packed ISO-639-2
    private const uint Resolution72Dpi = 0x0048_0000;
    private const ushort Depth24BitColour = 0x0018;
    private const byte AvcConfigurationVersion = 1;
    private const byte ReservedAndLengthSizeMinusOne = 0xFC | (NalLengthSize - 1);
    private const byte ReservedAndOneSps = 0xE0 | 1;
    private const uint TrackEnabledInMovie = 0x000003;
    private const uint UrlSelfContained = 0x000001;
    private const uint VmhdFlags = 0x000001; // §12.1.2.1: flags = 1

    /// <summary>Exact size of the init segment for an SPS and a PPS of these lengths (NAL units without start code).</summary>
    public static int GetByteCount(int spsLength, int ppsLength) => FixedSize + spsLength + ppsLength;

    /// <summary>
    /// Writes ftyp + moov for the stream described by <paramref name="sps"/> and <paramref name="pps"/> (NAL units
    /// including their header byte, without start code or emulation-prevention removal). False, never an exception,
    /// when the parameter sets do not parse or <paramref name="destination"/> is too small.
    /// </summary>
    public static bool TryWrite(Span<byte> destination, ReadOnlySpan<byte> sps, ReadOnlySpan<byte> pps, out int bytesWritten)
    {
        bytesWritten = 0;
        if (!H264SpsParser.TryParse(sps, out H264SpsInfo info)
            || pps.IsEmpty || (pps[0] & 0x1F) != AnnexB.TypePps
            || sps.Length > ushort.MaxValue || pps.Length > ushort.MaxValue
            || info.Width > ushort.MaxValue || info.Height > ushort.MaxValue)
        {
            return false;
        }

        int size = GetByteCount(sps.Length, pps.Length);
        if (destination.Length < size)
        {
            return false;
        }

        var w = new BoxWriter(destination);
        WriteFtyp(ref w);
        int moov = w.BeginBox("moov"u8);
        WriteMvhd(ref w);
        int trak = w.BeginBox("trak"u8);
        WriteTkhd(ref w, info);
        int mdia = w.BeginBox("mdia"u8);
        WriteMdhdAndHdlr(ref w);
        int minf = w.BeginBox("minf"u8);
        WriteVmhdAndDinf(ref w);
        int stbl = w.BeginBox("stbl"u8);
        WriteStsd(ref w, info, sps, pps);
        WriteEmptySampleTables(ref w);
        w.EndBox(stbl);
        w.EndBox(minf);
        w.EndBox(mdia);
        w.EndBox(trak);
        WriteMvex(ref w);
        w.EndBox(moov);
        bytesWritten = w.Position;
        return true;
    }

    private static void WriteFtyp(ref BoxWriter w)
    {
        // 'iso6' for tfdt v1 and default-base-is-moof; 'cmfc' declares a CMAF track (23000-19 §7.2); 'mp41' lets
        // older MP4 tooling open the file.
        int ftyp = w.BeginBox("ftyp"u8);
        w.WriteBytes("iso6"u8);
        w.WriteUInt32(0); // minor_version
        w.WriteBytes("iso6"u8);
        w.WriteBytes("cmfc"u8);
        w.WriteBytes("mp41"u8);
        w.EndBox(ftyp);
    }

    private static void WriteMvhd(ref BoxWriter w)
    {
        int mvhd = w.BeginFullBox("mvhd"u8, 0, 0);
        w.WriteUInt32(0); // creation_time: unknown (a live stream has no meaningful one)
        w.WriteUInt32(0); // modification_time
        w.WriteUInt32(Timescale);
        w.WriteUInt32(0); // duration: 0 = unknown, as fragmented files require
        w.WriteUInt32(FixedPointOne); // rate 1.0
        w.WriteUInt16(0x0100); // volume 1.0 (8.8)
        w.WriteZeros(2 + 8); // reserved
        w.WriteUnityMatrix();
        w.WriteZeros(24); // pre_defined
        w.WriteUInt32(TrackId + 1); // next_track_ID
        w.EndBox(mvhd);
    }

    private static void WriteTkhd(ref BoxWriter w, H264SpsInfo info)
    {
        int tkhd = w.BeginFullBox("tkhd"u8, 0, TrackEnabledInMovie);
        w.WriteUInt32(0); // creation_time
        w.WriteUInt32(0); // modification_time
        w.WriteUInt32(TrackId);
        w.WriteUInt32(0); // reserved
        w.WriteUInt32(0); // duration
        w.WriteZeros(8); // reserved
        w.WriteUInt16(0); // layer
        w.WriteUInt16(0); // alternate_group
        w.WriteUInt16(0); // volume: 0 for video
        w.WriteUInt16(0); // reserved
        w.WriteUnityMatrix();
        w.WriteUInt32((uint)info.Width << 16); // 16.16, square pixels assumed (no pasp)
        w.WriteUInt32((uint)info.Height << 16);
        w.EndBox(tkhd);
    }

    private static void WriteMdhdAndHdlr(ref BoxWriter w)
    {
        int mdhd = w.BeginFullBox("mdhd"u8, 0, 0);
        w.WriteUInt32(0); // creation_time
        w.WriteUInt32(0); // modification_time
        w.WriteUInt32(Timescale);
        w.WriteUInt32(0); // duration
        w.WriteUInt16(LanguageUndetermined);
        w.WriteUInt16(0); // pre_defined
        w.EndBox(mdhd);

        int hdlr = w.BeginFullBox("hdlr"u8, 0, 0);
        w.WriteUInt32(0); // pre_defined
        w.WriteBytes("vide"u8);
        w.WriteZeros(12); // reserved
        w.WriteBytes("VideoHandler\0"u8);
        w.EndBox(hdlr);
    }

    private static void WriteVmhdAndDinf(ref BoxWriter w)
    {
        int vmhd = w.BeginFullBox("vmhd"u8, 0, VmhdFlags);
        w.WriteUInt16(0); // graphicsmode: copy
        w.WriteZeros(6); // opcolor
        w.EndBox(vmhd);

        int dinf = w.BeginBox("dinf"u8);
        int dref = w.BeginFullBox("dref"u8, 0, 0);
        w.WriteUInt32(1); // entry_count
        int url = w.BeginFullBox("url "u8, 0, UrlSelfContained); // media data is in this file, no URL follows
        w.EndBox(url);
        w.EndBox(dref);
        w.EndBox(dinf);
    }

    private static void WriteStsd(ref BoxWriter w, H264SpsInfo info, ReadOnlySpan<byte> sps, ReadOnlySpan<byte> pps)
    {
        int stsd = w.BeginFullBox("stsd"u8, 0, 0);
        w.WriteUInt32(1); // entry_count

        // 'avc1' rather than 'avc3': parameter sets only in the sample entry, which HLS players and CMAF expect. A
        // camera that changes its SPS needs a new init segment (and an EXT-X-DISCONTINUITY), not in-band sets.
        int avc1 = w.BeginBox("avc1"u8);
        w.WriteZeros(6); // reserved
        w.WriteUInt16(1); // data_reference_index: the 'url ' entry
        w.WriteUInt16(0); // pre_defined
        w.WriteUInt16(0); // reserved
        w.WriteZeros(12); // pre_defined
        w.WriteUInt16((ushort)info.Width);
        w.WriteUInt16((ushort)info.Height);
        w.WriteUInt32(Resolution72Dpi); // horizresolution
        w.WriteUInt32(Resolution72Dpi); // vertresolution
        w.WriteUInt32(0); // reserved
        w.WriteUInt16(1); // frame_count: one picture per sample
        w.WriteZeros(32); // compressorname: empty Pascal string
        w.WriteUInt16(Depth24BitColour);
        w.WriteUInt16(0xFFFF); // pre_defined = -1

        // avcC (14496-15 §5.3.3.1). The High-profile extension (chroma_format, bit depths) is left out: decoders read
        // those from the SPS itself, and writing guessed values would be worse than writing none.
        int avcC = w.BeginBox("avcC"u8);
        w.WriteByte(AvcConfigurationVersion);
        w.WriteByte(sps[1]); // AVCProfileIndication = profile_idc
        w.WriteByte(sps[2]); // profile_compatibility = the constraint flags byte
        w.WriteByte(sps[3]); // AVCLevelIndication = level_idc
        w.WriteByte(ReservedAndLengthSizeMinusOne);
        w.WriteByte(ReservedAndOneSps);
        w.WriteUInt16((ushort)sps.Length);
        w.WriteBytes(sps);
        w.WriteByte(1); // numOfPictureParameterSets
        w.WriteUInt16((ushort)pps.Length);
        w.WriteBytes(pps);
        w.EndBox(avcC);
        w.EndBox(avc1);
        w.EndBox(stsd);
    }

    private static void WriteEmptySampleTables(ref BoxWriter w)
    {
        int stts = w.BeginFullBox("stts"u8, 0, 0);
        w.WriteUInt32(0); // entry_count
        w.EndBox(stts);
        int stsc = w.BeginFullBox("stsc"u8, 0, 0);
        w.WriteUInt32(0);
        w.EndBox(stsc);
        int stsz = w.BeginFullBox("stsz"u8, 0, 0);
        w.WriteUInt32(0); // sample_size
        w.WriteUInt32(0); // sample_count
        w.EndBox(stsz);
        int stco = w.BeginFullBox("stco"u8, 0, 0);
        w.WriteUInt32(0);
        w.EndBox(stco);
    }

    private static void WriteMvex(ref BoxWriter w)
    {
        int mvex = w.BeginBox("mvex"u8);
        int trex = w.BeginFullBox("trex"u8, 0, 0);
        w.WriteUInt32(TrackId);
        w.WriteUInt32(1); // default_sample_description_index
        w.WriteUInt32(0); // default_sample_duration
        w.WriteUInt32(0); // default_sample_size
        w.WriteUInt32(0); // default_sample_flags
        w.EndBox(trex);
        w.EndBox(mvex);
    }
}
