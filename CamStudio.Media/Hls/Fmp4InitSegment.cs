using CamStudio.Media.Audio;
using CamStudio.Media.Video;

namespace CamStudio.Media.Hls;

/// <summary>
/// Writes the CMAF header (ISO/IEC 23000-19 §7.3.1) of a single H.264 or H.265 video track: the bytes an HLS playlist names in
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
///           or
///             hvc1 [86 + hvcC]  width, height from the SPS (14496-15 §8.4.1)
///               hvcC [46 + VPS + SPS + PPS]  three complete arrays of one NAL unit each, 4-byte NAL lengths
///                                                                              (14496-15 §8.3.3)
///           stts [16] stsc [16] stsz [20] stco [16]  all empty: samples live in fragments (§8.8.1)
///   trak (only with AAC audio: the camera's AAC copied, muxed into the same fragments)
///     tkhd [92]  v0, flags 3, track_ID 2, volume 1.0, no width/height
///     mdia
///       mdhd [32]  v0, timescale = the AAC sample rate
///       hdlr [45]  'soun', name "SoundHandler"
///       minf
///         smhd [16]                                                           (§12.2.2)
///         dinf [36]
///         stbl
///           stsd [16]  one entry:
///             mp4a [36 + esds]  AudioSampleEntry: channels, 16 bits, rate 16.16  (§12.2.3)
///               esds [39]  ES_Descriptor > DecoderConfigDescriptor (0x40 audio, stream type 5)
///                          > DecoderSpecificInfo = the 2-byte AudioSpecificConfig  (14496-14 §5.6, 14496-1 §7.2.6)
///           stts stsc stsz stco  empty
///   mvex
///     trex [32]  track_ID 1, sample description 1, no defaults (trun says all)  (§8.8.3)
///     trex [32]  track_ID 2 (with audio)
/// </code>
/// </summary>
public static class Fmp4InitSegment
{
    /// <summary>The one track's ID; fragments refer to it in tfhd.</summary>
    public const uint TrackId = 1;

    /// <summary>The AAC track's ID when there is one.</summary>
    public const uint AudioTrackId = 2;

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
    private const int HvcCArrayHeaderSize = 1 + 2 + 2; // completeness + type, numNalus, nalUnitLength
    private const int HvcCFixedSize = BoxWriter.BoxHeaderSize + 23 + (3 * HvcCArrayHeaderSize);
    private const int EmptyTableSize = BoxWriter.FullBoxHeaderSize + 4; // stts, stsc, stco: entry_count 0
    private const int StszSize = BoxWriter.FullBoxHeaderSize + 8;
    private const int TrexSize = BoxWriter.FullBoxHeaderSize + 20;
    private const int MvexSize = BoxWriter.BoxHeaderSize + TrexSize;

    private const int SmhdSize = BoxWriter.FullBoxHeaderSize + 4;
    private const int AudioSampleEntrySize = BoxWriter.BoxHeaderSize + 28; // 14496-12 §12.2.3 fields
    private const int DescriptorHeaderSize = 2; // tag + one length byte: every descriptor here is under 128 bytes
    private const int DecoderConfigFieldsSize = 13;
    private const int EsDescriptorFieldsSize = 3;
    private const int SlConfigSize = DescriptorHeaderSize + 1;
    private const int DecoderSpecificInfoSize = DescriptorHeaderSize + AacConfig.AudioSpecificConfigLength;
    private const int DecoderConfigSize = DescriptorHeaderSize + DecoderConfigFieldsSize + DecoderSpecificInfoSize;
    private const int EsDescriptorSize = DescriptorHeaderSize + EsDescriptorFieldsSize + DecoderConfigSize + SlConfigSize;
    private const int EsdsSize = BoxWriter.FullBoxHeaderSize + EsDescriptorSize;

    /// <summary>Bytes the AAC track adds: its trak and its trex.</summary>
    public const int AudioTrackSize =
        (4 * BoxWriter.BoxHeaderSize) // trak, mdia, minf, stbl
        + TkhdSize + MdhdSize + HdlrSize + SmhdSize + DinfSize
        + StsdHeaderSize + AudioSampleEntrySize + EsdsSize
        + (3 * EmptyTableSize) + StszSize + TrexSize;

    private const int FixedSizeWithoutConfiguration =
        FtypSize
        + (5 * BoxWriter.BoxHeaderSize) // moov, trak, mdia, minf, stbl
        + MvhdSize + TkhdSize + MdhdSize + HdlrSize + VmhdSize + DinfSize
        + StsdHeaderSize + VisualSampleEntrySize
        + (3 * EmptyTableSize) + StszSize + MvexSize;

    private const uint FixedPointOne = 0x0001_0000; // 16.16
    private const ushort LanguageUndetermined = ('u' - 0x60) << 10 | ('n' - 0x60) << 5 | ('d' - 0x60); // §8.4.2.3 packed ISO-639-2
    private const uint Resolution72Dpi = 0x0048_0000;
    private const ushort Depth24BitColour = 0x0018;
    private const byte AvcConfigurationVersion = 1;
    private const byte ReservedAndLengthSizeMinusOne = 0xFC | (NalLengthSize - 1);
    private const byte ReservedAndOneSps = 0xE0 | 1;
    private const byte HevcConfigurationVersion = 1;
    private const byte ArrayCompleteBit = 0x80; // array_completeness = 1: every parameter set is here, none in band
    private const uint TrackEnabledInMovie = 0x000003;
    private const uint UrlSelfContained = 0x000001;
    private const uint VmhdFlags = 0x000001; // §12.1.2.1: flags = 1

    /// <summary>Exact size of the init segment for an SPS and a PPS of these lengths (NAL units without start code).</summary>
    public static int GetByteCount(int spsLength, int ppsLength) =>
        FixedSizeWithoutConfiguration + AvcCFixedSize + spsLength + ppsLength;

    /// <summary>Exact size of an H.265 init segment for a VPS, an SPS and a PPS of these lengths (NAL units without start code).</summary>
    public static int GetByteCount(int vpsLength, int spsLength, int ppsLength) =>
        FixedSizeWithoutConfiguration + HvcCFixedSize + vpsLength + spsLength + ppsLength;

    /// <summary>
    /// Writes ftyp + moov for the stream described by <paramref name="sps"/> and <paramref name="pps"/> (NAL units
    /// including their header byte, without start code or emulation-prevention removal). False, never an exception,
    /// when the parameter sets do not parse or <paramref name="destination"/> is too small.
    /// </summary>
    public static bool TryWrite(Span<byte> destination, ReadOnlySpan<byte> sps, ReadOnlySpan<byte> pps, out int bytesWritten) =>
        TryWrite(destination, sps, pps, audio: null, out bytesWritten);

    /// <summary>
    /// Like <see cref="TryWrite(Span{byte}, ReadOnlySpan{byte}, ReadOnlySpan{byte}, out int)"/>, plus an AAC track
    /// (<see cref="AudioTrackId"/>) when <paramref name="audio"/> is given; <see cref="AudioTrackSize"/> more bytes.
    /// </summary>
    public static bool TryWrite(
        Span<byte> destination, ReadOnlySpan<byte> sps, ReadOnlySpan<byte> pps, AacConfig? audio, out int bytesWritten)
    {
        bytesWritten = 0;
        if (!H264SpsParser.TryParse(sps, out H264SpsInfo info)
            || pps.IsEmpty || (pps[0] & 0x1F) != AnnexB.TypePps
            || sps.Length > ushort.MaxValue || pps.Length > ushort.MaxValue
            || info.Width > ushort.MaxValue || info.Height > ushort.MaxValue)
        {
            return false;
        }

        int size = GetByteCount(sps.Length, pps.Length) + (audio is null ? 0 : AudioTrackSize);
        if (destination.Length < size || audio is { IsValid: false })
        {
            return false;
        }

        var w = new BoxWriter(destination);
        OpenBoxes open = WriteUpToStbl(ref w, info.Width, info.Height, audio is not null);
        (int stsd, int entry) = BeginStsdAndSampleEntry(ref w, "avc1"u8, info.Width, info.Height);
        WriteAvcC(ref w, sps, pps);
        w.EndBox(entry);
        w.EndBox(stsd);
        EndFromStbl(ref w, open, audio);
        bytesWritten = w.Position;
        return true;
    }

    /// <summary>
    /// Writes ftyp + moov of an H.265 track with an 'hvc1' sample entry for <paramref name="vps"/>, <paramref name="sps"/>
    /// and <paramref name="pps"/> (NAL units including their 2-byte header, without start code). False, never an
    /// exception, when the VPS or SPS does not parse, the PPS is not one, or <paramref name="destination"/> is too small.
    /// </summary>
    public static bool TryWriteH265(
        Span<byte> destination, ReadOnlySpan<byte> vps, ReadOnlySpan<byte> sps, ReadOnlySpan<byte> pps, out int bytesWritten) =>
        TryWriteH265(destination, vps, sps, pps, audio: null, out bytesWritten);

    /// <summary>The H.265 init segment plus an AAC track when <paramref name="audio"/> is given.</summary>
    public static bool TryWriteH265(
        Span<byte> destination, ReadOnlySpan<byte> vps, ReadOnlySpan<byte> sps, ReadOnlySpan<byte> pps, AacConfig? audio,
        out int bytesWritten)
    {
        bytesWritten = 0;
        if (!H265SpsParser.TryParseVps(vps, out _)
            || !H265SpsParser.TryParse(sps, out H265SpsInfo info)
            || H265NalUnit.TypeOf(pps) != H265NalUnit.TypePps
            || vps.Length > ushort.MaxValue || sps.Length > ushort.MaxValue || pps.Length > ushort.MaxValue
            || info.Width > ushort.MaxValue || info.Height > ushort.MaxValue)
        {
            return false;
        }

        if (destination.Length < GetByteCount(vps.Length, sps.Length, pps.Length) + (audio is null ? 0 : AudioTrackSize)
            || audio is { IsValid: false })
        {
            return false;
        }

        var w = new BoxWriter(destination);
        OpenBoxes open = WriteUpToStbl(ref w, info.Width, info.Height, audio is not null);
        (int stsd, int entry) = BeginStsdAndSampleEntry(ref w, "hvc1"u8, info.Width, info.Height);
        WriteHvcC(ref w, info, vps, sps, pps);
        w.EndBox(entry);
        w.EndBox(stsd);
        EndFromStbl(ref w, open, audio);
        bytesWritten = w.Position;
        return true;
    }

    /// <summary>ftyp, then moov down to an open stbl; returns where each open box starts, for <see cref="EndFromStbl"/>.</summary>
    private static OpenBoxes WriteUpToStbl(ref BoxWriter w, int width, int height, bool withAudio)
    {
        WriteFtyp(ref w);
        int moov = w.BeginBox("moov"u8);
        WriteMvhd(ref w, withAudio ? AudioTrackId + 1 : TrackId + 1);
        int trak = w.BeginBox("trak"u8);
        WriteTkhd(ref w, TrackId, width, height, volume: 0);
        int mdia = w.BeginBox("mdia"u8);
        WriteMdhdAndHdlr(ref w, Timescale, "vide"u8, "VideoHandler\0"u8);
        int minf = w.BeginBox("minf"u8);
        WriteVmhd(ref w);
        WriteDinf(ref w);
        int stbl = w.BeginBox("stbl"u8);
        return new OpenBoxes(moov, trak, mdia, minf, stbl);
    }

    /// <summary>The empty sample tables, then closes stbl, minf, mdia and trak, writes mvex and closes moov.</summary>
    private static void EndFromStbl(ref BoxWriter w, OpenBoxes open, AacConfig? audio)
    {
        WriteEmptySampleTables(ref w);
        w.EndBox(open.Stbl);
        w.EndBox(open.Minf);
        w.EndBox(open.Mdia);
        w.EndBox(open.Trak);
        if (audio is { } aac)
        {
            WriteAudioTrak(ref w, aac);
        }

        int mvex = w.BeginBox("mvex"u8);
        WriteTrex(ref w, TrackId);
        if (audio is not null)
        {
            WriteTrex(ref w, AudioTrackId);
        }

        w.EndBox(mvex);
        w.EndBox(open.Moov);
    }

    /// <summary>The AAC track: samples are raw AAC frames (no ADTS), 1024 ticks of the sample-rate timescale each.</summary>
    private static void WriteAudioTrak(ref BoxWriter w, AacConfig aac)
    {
        int trak = w.BeginBox("trak"u8);
        WriteTkhd(ref w, AudioTrackId, 0, 0, volume: 0x0100);
        int mdia = w.BeginBox("mdia"u8);
        WriteMdhdAndHdlr(ref w, (uint)aac.SampleRate, "soun"u8, "SoundHandler\0"u8);
        int minf = w.BeginBox("minf"u8);
        int smhd = w.BeginFullBox("smhd"u8, 0, 0);
        w.WriteUInt16(0); // balance: centre
        w.WriteUInt16(0); // reserved
        w.EndBox(smhd);
        WriteDinf(ref w);
        int stbl = w.BeginBox("stbl"u8);
        int stsd = w.BeginFullBox("stsd"u8, 0, 0);
        w.WriteUInt32(1); // entry_count
        int mp4a = w.BeginBox("mp4a"u8);
        w.WriteZeros(6); // reserved
        w.WriteUInt16(1); // data_reference_index
        w.WriteZeros(8); // reserved
        // channelcount and samplerate are informative (the decoder reads the AudioSpecificConfig), but players
        // and tools show them, so they match it.
        w.WriteUInt16((ushort)aac.Channels);
        w.WriteUInt16(16); // samplesize
        w.WriteUInt16(0); // pre_defined
        w.WriteUInt16(0); // reserved
        w.WriteUInt32(aac.SampleRate <= ushort.MaxValue ? (uint)aac.SampleRate << 16 : 0); // 16.16; 0 above 65535 Hz
        WriteEsds(ref w, aac);
        w.EndBox(mp4a);
        w.EndBox(stsd);
        WriteEmptySampleTables(ref w);
        w.EndBox(stbl);
        w.EndBox(minf);
        w.EndBox(mdia);
        w.EndBox(trak);
    }

    // esds (14496-14 §5.6) holds an ES_Descriptor (14496-1 §7.2.6.5): ES_ID 0 (ignored in MP4), no dependency, URL or
    // OCR; its DecoderConfigDescriptor (§7.2.6.6): objectTypeIndication 0x40 (MPEG-4 audio), streamType 5 (audio) with
    // upStream 0 and reserved 1, no buffer size or bit rates claimed (0: unknown — the camera decides them);
    // DecoderSpecificInfo = AudioSpecificConfig; SLConfigDescriptor predefined 2 (MP4 files, §7.3.2.3.2).
    private static void WriteEsds(ref BoxWriter w, AacConfig aac)
    {
        int esds = w.BeginFullBox("esds"u8, 0, 0);
        w.WriteByte(0x03); // ES_DescrTag
        w.WriteByte(EsDescriptorSize - DescriptorHeaderSize);
        w.WriteUInt16(0); // ES_ID
        w.WriteByte(0); // streamDependenceFlag, URL_Flag, OCRstreamFlag, streamPriority
        w.WriteByte(0x04); // DecoderConfigDescrTag
        w.WriteByte(DecoderConfigSize - DescriptorHeaderSize);
        w.WriteByte(0x40); // objectTypeIndication: Audio ISO/IEC 14496-3
        w.WriteByte((0x05 << 2) | 0x01); // streamType audio, upStream 0, reserved 1
        w.WriteZeros(3); // bufferSizeDB
        w.WriteUInt32(0); // maxBitrate
        w.WriteUInt32(0); // avgBitrate
        w.WriteByte(0x05); // DecSpecificInfoTag
        w.WriteByte(AacConfig.AudioSpecificConfigLength);
        Span<byte> asc = stackalloc byte[AacConfig.AudioSpecificConfigLength];
        aac.TryWriteAudioSpecificConfig(asc, out _); // validated by the callers (IsValid)
        w.WriteBytes(asc);
        w.WriteByte(0x06); // SLConfigDescrTag
        w.WriteByte(1);
        w.WriteByte(0x02); // predefined: reserved for use in MP4 files
        w.EndBox(esds);
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

    private static void WriteMvhd(ref BoxWriter w, uint nextTrackId)
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
        w.WriteUInt32(nextTrackId);
        w.EndBox(mvhd);
    }

    private static void WriteTkhd(ref BoxWriter w, uint trackId, int width, int height, ushort volume)
    {
        int tkhd = w.BeginFullBox("tkhd"u8, 0, TrackEnabledInMovie);
        w.WriteUInt32(0); // creation_time
        w.WriteUInt32(0); // modification_time
        w.WriteUInt32(trackId);
        w.WriteUInt32(0); // reserved
        w.WriteUInt32(0); // duration
        w.WriteZeros(8); // reserved
        w.WriteUInt16(0); // layer
        w.WriteUInt16(0); // alternate_group
        w.WriteUInt16(volume); // 8.8: 0 for video, 1.0 for audio
        w.WriteUInt16(0); // reserved
        w.WriteUnityMatrix();
        w.WriteUInt32((uint)width << 16); // 16.16, square pixels assumed (no pasp)
        w.WriteUInt32((uint)height << 16);
        w.EndBox(tkhd);
    }

    private static void WriteMdhdAndHdlr(ref BoxWriter w, uint timescale, ReadOnlySpan<byte> handler, ReadOnlySpan<byte> name)
    {
        int mdhd = w.BeginFullBox("mdhd"u8, 0, 0);
        w.WriteUInt32(0); // creation_time
        w.WriteUInt32(0); // modification_time
        w.WriteUInt32(timescale);
        w.WriteUInt32(0); // duration
        w.WriteUInt16(LanguageUndetermined);
        w.WriteUInt16(0); // pre_defined
        w.EndBox(mdhd);

        int hdlr = w.BeginFullBox("hdlr"u8, 0, 0);
        w.WriteUInt32(0); // pre_defined
        w.WriteBytes(handler);
        w.WriteZeros(12); // reserved
        w.WriteBytes(name); // both names are 12 characters + NUL, which HdlrSize counts
        w.EndBox(hdlr);
    }

    private static void WriteVmhd(ref BoxWriter w)
    {
        int vmhd = w.BeginFullBox("vmhd"u8, 0, VmhdFlags);
        w.WriteUInt16(0); // graphicsmode: copy
        w.WriteZeros(6); // opcolor
        w.EndBox(vmhd);
    }

    private static void WriteDinf(ref BoxWriter w)
    {
        int dinf = w.BeginBox("dinf"u8);
        int dref = w.BeginFullBox("dref"u8, 0, 0);
        w.WriteUInt32(1); // entry_count
        int url = w.BeginFullBox("url "u8, 0, UrlSelfContained); // media data is in this file, no URL follows
        w.EndBox(url);
        w.EndBox(dref);
        w.EndBox(dinf);
    }

    /// <summary>stsd with one VisualSampleEntry (14496-12 §12.1.3) of type <paramref name="type"/>, left open for its configuration box.</summary>
    private static (int Stsd, int Entry) BeginStsdAndSampleEntry(ref BoxWriter w, ReadOnlySpan<byte> type, int width, int height)
    {
        int stsd = w.BeginFullBox("stsd"u8, 0, 0);
        w.WriteUInt32(1); // entry_count

        // 'avc1'/'hvc1' rather than 'avc3'/'hev1': parameter sets only in the sample entry, which HLS players (Apple's
        // require 'hvc1' for HEVC) and CMAF expect. A camera that changes them needs a new init segment, not in-band sets.
        int entry = w.BeginBox(type);
        w.WriteZeros(6); // reserved
        w.WriteUInt16(1); // data_reference_index: the 'url ' entry
        w.WriteUInt16(0); // pre_defined
        w.WriteUInt16(0); // reserved
        w.WriteZeros(12); // pre_defined
        w.WriteUInt16((ushort)width);
        w.WriteUInt16((ushort)height);
        w.WriteUInt32(Resolution72Dpi); // horizresolution
        w.WriteUInt32(Resolution72Dpi); // vertresolution
        w.WriteUInt32(0); // reserved
        w.WriteUInt16(1); // frame_count: one picture per sample
        w.WriteZeros(32); // compressorname: empty Pascal string
        w.WriteUInt16(Depth24BitColour);
        w.WriteUInt16(0xFFFF); // pre_defined = -1
        return (stsd, entry);
    }

    private static void WriteAvcC(ref BoxWriter w, ReadOnlySpan<byte> sps, ReadOnlySpan<byte> pps)
    {
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
    }

    // hvcC, HEVCDecoderConfigurationRecord (14496-15 §8.3.3.1.2), 23 bytes before the arrays:
    //   configurationVersion(8)=1 | profile_space(2) tier(1) profile_idc(5) | compatibility_flags(32)
    //   | constraint_indicator_flags(48) | level_idc(8) | '1111' min_spatial_segmentation_idc(12)
    //   | '111111' parallelismType(2) | '111111' chroma_format_idc(2) | '11111' bit_depth_luma_minus8(3)
    //   | '11111' bit_depth_chroma_minus8(3) | avgFrameRate(16) | constantFrameRate(2) numTemporalLayers(3)
    //   temporalIdNested(1) lengthSizeMinusOne(2) | numOfArrays(8)
    //   per array: array_completeness(1) reserved(1)=0 NAL_unit_type(6) | numNalus(16) | per NAL: length(16), bytes
    private static void WriteHvcC(
        ref BoxWriter w, in H265SpsInfo info, ReadOnlySpan<byte> vps, ReadOnlySpan<byte> sps, ReadOnlySpan<byte> pps)
    {
        H265ProfileTierLevel ptl = info.ProfileTierLevel;
        int hvcC = w.BeginBox("hvcC"u8);
        w.WriteByte(HevcConfigurationVersion);
        w.WriteByte((byte)((ptl.ProfileSpace << 6) | (ptl.HighTier ? 0x20 : 0) | (ptl.ProfileIdc & 0x1F)));
        w.WriteUInt32(ptl.CompatibilityFlags);
        w.WriteUInt16((ushort)(ptl.ConstraintFlags >> 32));
        w.WriteUInt32((uint)ptl.ConstraintFlags);
        w.WriteByte(ptl.LevelIdc);
        w.WriteUInt16(0xF000); // min_spatial_segmentation_idc 0: no guarantee given (we do not parse the VUI)
        w.WriteByte(0xFC); // parallelismType 0: unknown
        w.WriteByte((byte)(0xFC | info.ChromaFormatIdc));
        w.WriteByte((byte)(0xF8 | (info.BitDepthLuma - 8)));
        w.WriteByte((byte)(0xF8 | (info.BitDepthChroma - 8)));
        w.WriteUInt16(0); // avgFrameRate 0: unspecified (the camera's rate is in the timestamps)
        w.WriteByte((byte)((info.MaxSubLayers << 3) | (info.TemporalIdNested ? 0x04 : 0) | (NalLengthSize - 1)));
        w.WriteByte(3); // numOfArrays
        WriteHvcCArray(ref w, H265NalUnit.TypeVps, vps);
        WriteHvcCArray(ref w, H265NalUnit.TypeSps, sps);
        WriteHvcCArray(ref w, H265NalUnit.TypePps, pps);
        w.EndBox(hvcC);
    }

    private static void WriteHvcCArray(ref BoxWriter w, int nalType, ReadOnlySpan<byte> nal)
    {
        w.WriteByte((byte)(ArrayCompleteBit | nalType));
        w.WriteUInt16(1); // numNalus
        w.WriteUInt16((ushort)nal.Length);
        w.WriteBytes(nal);
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

    private static void WriteTrex(ref BoxWriter w, uint trackId)
    {
        int trex = w.BeginFullBox("trex"u8, 0, 0);
        w.WriteUInt32(trackId);
        w.WriteUInt32(1); // default_sample_description_index
        w.WriteUInt32(0); // default_sample_duration
        w.WriteUInt32(0); // default_sample_size
        w.WriteUInt32(0); // default_sample_flags: audio samples are all sync samples, which 0 says
        w.EndBox(trex);
    }

    private readonly record struct OpenBoxes(int Moov, int Trak, int Mdia, int Minf, int Stbl);
}
