using CamStudio.Media.Audio;
using CamStudio.Media.Video;
using Microsoft.Extensions.Logging;

namespace CamStudio.Media.Hls;

/// <summary>
/// Feeds LL-HLS from one camera's live H.264 or H.265 RTP: subscribed to the camera's packet source, it depacketizes
/// (<see cref="H264RtpDepacketizer"/> or <see cref="H265RtpDepacketizer"/>, by <see cref="VideoPacketInfo.Codec"/>), turns
/// RTP timestamps into 64-bit decode times, builds the init segment ('avc1' or 'hvc1') from the parameter sets of the
/// first key frame and cuts the access units into parts of at most PART-TARGET that it appends to <see cref="Store"/>.
/// The HTTP layer only reads <see cref="Store"/> (and <see cref="Generation"/>, <see cref="Problem"/>,
/// <see cref="CodecsAttribute"/>).
/// <para>
/// Generations: another codec, or a VPS, SPS or PPS that differs from the one the store was built from (a camera
/// rebooted with another resolution or codec) cannot continue the same playlist (the init segment is fixed), so a new <see cref="HlsPartStore"/> replaces
/// the old one, which is disposed: its waiting requests end with <see cref="HlsWaitResult.Closed"/>, and
/// <see cref="Generation"/> grows so a client can be told its playlist restarted.
/// </para>
/// <para>
/// Refusals: the muxer writes no composition offsets, so a stream with B-frames (presentation times going backwards
/// between consecutive access units, or an H.265 SPS that allows reordering) would play with wrong timing. The packager then stops producing, drops the store
/// and sets <see cref="Problem"/>; a new SSRC (FFmpeg restarted, perhaps after the camera was reconfigured) tries again.
/// </para>
/// Called on the source's receive thread inside its fan-out lock: per packet it copies into reused buffers, and per part
/// it writes one fragment and lets the store copy it. The small lock here is only ever contended by <see cref="Dispose"/>
/// and by <see cref="Stats"/>, both rare and short.
/// </summary>
public sealed partial class HlsPackager : IVideoPacketSink, IRtpAccessUnitSink, IDisposable
{
    /// <summary>The problem text for a stream with B-frames.</summary>
    public const string BFramesProblem = "the camera sends B-frames; HLS needs a stream without them";

    /// <summary>The problem text for parameter sets the init segment cannot be built from.</summary>
    public const string ParameterSetsProblem = "the camera's parameter sets (SPS/PPS) cannot be read; HLS needs them for the init segment";

    /// <summary>Assumed frame duration before two pictures have shown one (25 fps, the commonest camera rate).</summary>
    private const long DefaultFrameDuration = HlsPartStoreOptions.Clock / 25;

    private const int MaxParameterSetBytes = 1024;

    private readonly HlsPartStoreOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<HlsPackager> _logger;
    private readonly string _name;
    private readonly Lock _lock = new();
    private readonly H264RtpDepacketizer _h264;
    private H265RtpDepacketizer? _h265; // made at the first H.265 packet: most cameras never need it
    private VideoCodec _packetCodec;

    // Parameter sets of the codec of the newest access unit (the VPS only for H.265): the newest seen, and the ones
    // the current generation's init segment is built from.
    private readonly byte[] _vps = new byte[MaxParameterSetBytes];
    private readonly byte[] _sps = new byte[MaxParameterSetBytes];
    private readonly byte[] _pps = new byte[MaxParameterSetBytes];
    private int _vpsLength, _spsLength, _ppsLength;
    private VideoCodec _unitCodec;
    private VideoCodec _generationCodec;
    private byte[] _generationVps = [];
    private byte[] _generationSps = [];
    private byte[] _generationPps = [];
    private byte[] _generationInit = [];
    private bool _generationStarted;
    private bool _refusedBFrames;
    private volatile string? _codecs;

    // Decode time: the 32-bit RTP timestamp unwrapped, continued across SSRC changes.
    private bool _haveTime;
    private uint _lastTimestamp;
    private uint _lastSsrc;
    private long _lastDecodeTime;
    private long _lastFrameDuration = DefaultFrameDuration;

    private volatile HlsPartStore? _store;
    private volatile string? _problem;
    private long _generation;
    private long _parts, _bytes, _droppedAccessUnits;
    private bool _disposed;

    public HlsPackager(HlsPartStoreOptions options, TimeProvider timeProvider, ILogger<HlsPackager> logger, string name)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentException.ThrowIfNullOrEmpty(name);
        options.Validate();
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
        _name = name;
        _h264 = new H264RtpDepacketizer(this);
        _aac = new AacRtpDepacketizer(this);
    }

    /// <summary>
    /// The current generation's window, or null before the first key frame with SPS and PPS, after a refusal
    /// (<see cref="Problem"/>) and after <see cref="Dispose"/>. Its <see cref="HlsPartStore.Options"/> carry the
    /// PART-TARGET actually used (the configured one rounded to whole frames, see README).
    /// </summary>
    public HlsPartStore? Store => _store;

    /// <summary>1 for the first store, +1 for every store that replaced another (0 before the first).</summary>
    public long Generation => Interlocked.Read(ref _generation);

    /// <summary>Why no HLS is produced although video arrives, for the status page; null when all is well.</summary>
    public string? Problem => _problem;

    /// <summary>
    /// The RFC 6381 CODECS value of the current generation for the multivariant playlist ("avc1.640028",
    /// "hvc1.1.6.L93.B0"), from the parameter sets its init segment was built from; null before the first generation
    /// and after a refusal. Read it after <see cref="Store"/> is non-null: it is set before the store appears.
    /// </summary>
    public string? CodecsAttribute => _codecs;

    /// <summary>
    /// Raised when <see cref="Store"/> changes (a generation starts or ends, or a refusal) — on the packet thread, under
    /// this packager's lock: a handler must only signal (e.g. complete a task whose continuations run asynchronously).
    /// </summary>
    public event Action? StoreChanged;

    /// <summary>Counters for the status page (parts and bytes of the current generation).</summary>
    public HlsPackagerStats Stats
    {
        get
        {
            lock (_lock)
            {
                return new HlsPackagerStats(
                    Interlocked.Read(ref _generation), _parts, _bytes, _h264.AccessUnits + (_h265?.AccessUnits ?? 0),
                    _h264.DroppedAccessUnits + (_h265?.DroppedAccessUnits ?? 0) + _droppedAccessUnits,
                    _h264.LostPackets + (_h265?.LostPackets ?? 0), _problem);
            }
        }
    }

    /// <inheritdoc/>
    public void OnPacket(ReadOnlySpan<byte> rtpPacket, in VideoPacketInfo info)
    {
        lock (_lock)
        {
            if (!_disposed)
            {
                Depacketizer(info.Codec).Push(rtpPacket, info);
            }
        }
    }

    /// <summary>Disposes the current store (its waiters see Closed); later packets are ignored.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            EndGeneration();
        }
    }

    /// <summary>
    /// The depacketizer for <paramref name="codec"/>. The codec only changes across an FFmpeg restart (a new SSRC), so
    /// the other depacketizer's half-built access unit is stale: it is reset, and the next generation starts at the new
    /// codec's first key frame.
    /// </summary>
    private RtpVideoDepacketizer Depacketizer(VideoCodec codec)
    {
        if (codec != _packetCodec)
        {
            Depacketizer(_packetCodec).Reset();
            _packetCodec = codec;
        }

        return codec == VideoCodec.H265 ? _h265 ??= new H265RtpDepacketizer(this) : _h264;
    }

    /// <summary>Called by a depacketizer, inside <see cref="OnPacket"/> (so under the lock).</summary>
    void IRtpAccessUnitSink.OnAccessUnit(in RtpAccessUnit accessUnit)
    {
        bool newSsrc = _haveTime && accessUnit.Ssrc != _lastSsrc;
        if (newSsrc && _refusedBFrames)
        {
            // FFmpeg restarted: the camera may have been reconfigured; look again.
            _refusedBFrames = false;
            _problem = null;
        }

        NoteParameterSets(accessUnit.AnnexB, accessUnit.Codec);
        if (!accessUnit.HasPicture || _refusedBFrames)
        {
            return; // Parameter sets alone are kept for the key frame that follows; no sample of their own.
        }

        if (!TryGetDecodeTime(accessUnit, newSsrc, out long decodeTime))
        {
            return;
        }

        if (accessUnit.IsKeyFrame && !IsCurrentGeneration())
        {
            StartGeneration();
        }

        if (_generationStarted)
        {
            AddAccessUnit(accessUnit.AnnexB, decodeTime, accessUnit.IsKeyFrame);
        }
    }

    /// <summary>
    /// Unwraps the timestamp: the signed 32-bit distance from the previous picture, so a wrap is a small step forward.
    /// A new SSRC continues one frame after the last picture: the new FFmpeg's timestamps start anywhere, and the
    /// playlist's timeline must never go back.
    /// </summary>
    private bool TryGetDecodeTime(in RtpAccessUnit accessUnit, bool newSsrc, out long decodeTime)
    {
        decodeTime = 0;
        if (_haveTime && !newSsrc)
        {
            int step = unchecked((int)(accessUnit.RtpTimestamp - _lastTimestamp));
            if (step < 0)
            {
                _refusedBFrames = true;
                Refuse(BFramesProblem);
                return false;
            }

            if (step == 0)
            {
                _droppedAccessUnits++; // a second picture at the same instant cannot be a sample of its own
                return false;
            }

            decodeTime = _lastDecodeTime + step;
            _lastFrameDuration = step;
        }
        else if (_haveTime)
        {
            decodeTime = _lastDecodeTime + _lastFrameDuration;
        }

        _haveTime = true;
        NoteVideoArrival();
        _lastTimestamp = accessUnit.RtpTimestamp;
        _lastSsrc = accessUnit.Ssrc;
        _lastDecodeTime = decodeTime;
        return true;
    }

    private void NoteParameterSets(ReadOnlySpan<byte> annexB, VideoCodec codec)
    {
        if (codec != _unitCodec)
        {
            // Another codec's parameter sets mean nothing to this one's key frames.
            _vpsLength = _spsLength = _ppsLength = 0;
            _unitCodec = codec;
        }

        while (AnnexB.TryReadNal(ref annexB, out ReadOnlySpan<byte> nal))
        {
            if (nal.Length > MaxParameterSetBytes)
            {
                continue;
            }

            bool h265 = codec == VideoCodec.H265;
            int type = h265 ? H265NalUnit.TypeOf(nal) : nal[0] & 0x1F;
            if (h265 && type == H265NalUnit.TypeVps)
            {
                nal.CopyTo(_vps);
                _vpsLength = nal.Length;
            }
            else if (type == (h265 ? H265NalUnit.TypeSps : AnnexB.TypeSps))
            {
                nal.CopyTo(_sps);
                _spsLength = nal.Length;
            }
            else if (type == (h265 ? H265NalUnit.TypePps : AnnexB.TypePps))
            {
                nal.CopyTo(_pps);
                _ppsLength = nal.Length;
            }
        }
    }

    private bool IsCurrentGeneration() =>
        _generationStarted
        && _generationCodec == _unitCodec
        && _generationAudio == _audioConfig
        && _vps.AsSpan(0, _vpsLength).SequenceEqual(_generationVps)
        && _sps.AsSpan(0, _spsLength).SequenceEqual(_generationSps)
        && _pps.AsSpan(0, _ppsLength).SequenceEqual(_generationPps);

    /// <summary>
    /// At a key frame whose parameter sets differ from the generation's (or the first one): the old store goes, the new
    /// one is created once the first part is cut (its PART-TARGET depends on the frame rate, known from two pictures).
    /// </summary>
    private void StartGeneration()
    {
        EndGeneration();
        bool h265 = _unitCodec == VideoCodec.H265;
        if (_spsLength == 0 || _ppsLength == 0 || (h265 && _vpsLength == 0))
        {
            return; // No parameter sets yet: a decoder could not start here; wait for a key frame that carries them.
        }

        // Per generation, so rare: plain arrays are fine here.
        _generationCodec = _unitCodec;
        _generationVps = _vps.AsSpan(0, _vpsLength).ToArray();
        _generationSps = _sps.AsSpan(0, _spsLength).ToArray();
        _generationPps = _pps.AsSpan(0, _ppsLength).ToArray();
        AacConfig? audio = _audioConfig;
        byte[] init = new byte[(h265
            ? Fmp4InitSegment.GetByteCount(_vpsLength, _spsLength, _ppsLength)
            : Fmp4InitSegment.GetByteCount(_spsLength, _ppsLength)) + (audio is null ? 0 : Fmp4InitSegment.AudioTrackSize)];
        int initLength;
        string codecs;
        if (h265)
        {
            if (!H265SpsParser.TryParse(_generationSps, out H265SpsInfo sps)
                || !Fmp4InitSegment.TryWriteH265(init, _generationVps, _generationSps, _generationPps, audio, out initLength))
            {
                Refuse(ParameterSetsProblem);
                return;
            }

            if (sps.MaxNumReorderPics > 0)
            {
                // The SPS itself says pictures may come out of order: refuse before the first B-frame rather than
                // publish parts that play with wrong timing until one shows up.
                _refusedBFrames = true;
                Refuse(BFramesProblem);
                return;
            }

            codecs = sps.ProfileTierLevel.Codecs();
        }
        else
        {
            if (!H264SpsParser.TryParse(_generationSps, out H264SpsInfo sps)
                || !Fmp4InitSegment.TryWrite(init, _generationSps, _generationPps, audio, out initLength))
            {
                Refuse(ParameterSetsProblem);
                return;
            }

            codecs = "avc1." + sps.ProfileLevelId;
        }

        _generationInit = init.AsSpan(0, initLength).ToArray();
        _codecs = audio is null ? codecs : codecs + "," + AacConfig.Codecs;
        ResetAudio(audio);
        _generationStarted = true;
        _problem = null;
        Log.GenerationStarted(_logger, _name, Interlocked.Read(ref _generation) + 1);
    }

    private void EndGeneration()
    {
        DiscardPending();
        ResetAudio(null);
        _generationStarted = false;
        HlsPartStore? old = _store;
        _store = null;
        old?.Dispose();
        if (old is not null)
        {
            StoreChanged?.Invoke();
        }
    }

    /// <summary>Stops producing (for B-frames until the next SSRC, for parameter sets until others come); logged once.</summary>
    private void Refuse(string problem)
    {
        EndGeneration();
        _generationVps = [];
        _generationSps = [];
        _generationPps = [];
        _codecs = null;
        if (_problem != problem)
        {
            _problem = problem;
            Log.Refused(_logger, _name, problem);
            StoreChanged?.Invoke(); // waiters for a store learn there will be none
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "HLS for {Name} stopped: {Problem}")]
        public static partial void Refused(ILogger logger, string name, string problem);

        [LoggerMessage(Level = LogLevel.Information, Message = "HLS for {Name}: new stream parameters, playlist generation {Generation}")]
        public static partial void GenerationStarted(ILogger logger, string name, long generation);
    }
}

/// <summary>What <see cref="HlsPackager"/> has done, for the status page.</summary>
/// <param name="Generation">See <see cref="HlsPackager.Generation"/>.</param>
/// <param name="Parts">Parts appended to the current generation's store.</param>
/// <param name="Bytes">Bytes of those parts.</param>
/// <param name="AccessUnits">Access units the depacketizer completed (all generations).</param>
/// <param name="DroppedAccessUnits">Access units dropped: damaged by loss, or P-frames until the next IDR.</param>
/// <param name="LostPackets">RTP packets that never arrived (sequence gaps).</param>
/// <param name="Problem">See <see cref="HlsPackager.Problem"/>.</param>
public readonly record struct HlsPackagerStats(
    long Generation, long Parts, long Bytes, long AccessUnits, long DroppedAccessUnits, long LostPackets, string? Problem);
