using CamStudio.Media.Video;
using Microsoft.Extensions.Logging;

namespace CamStudio.Media.Hls;

/// <summary>
/// Feeds LL-HLS from one camera's live H.264 RTP: subscribed to the camera's packet source, it depacketizes
/// (<see cref="H264RtpDepacketizer"/>), turns RTP timestamps into 64-bit decode times, builds the init segment from the
/// SPS/PPS of the first key frame and cuts the access units into parts of at most PART-TARGET that it appends to
/// <see cref="Store"/>. The HTTP layer only reads <see cref="Store"/> (and <see cref="Generation"/>, <see cref="Problem"/>).
/// <para>
/// Generations: an SPS or PPS that differs from the one the store was built from (a camera rebooted with another
/// resolution) cannot continue the same playlist (the init segment is fixed), so a new <see cref="HlsPartStore"/> replaces
/// the old one, which is disposed: its waiting requests end with <see cref="HlsWaitResult.Closed"/>, and
/// <see cref="Generation"/> grows so a client can be told its playlist restarted.
/// </para>
/// <para>
/// Refusals: the muxer writes no composition offsets, so a stream with B-frames (presentation times going backwards
/// between consecutive access units) would play with wrong timing. The packager then stops producing, drops the store
/// and sets <see cref="Problem"/>; a new SSRC (FFmpeg restarted, perhaps after the camera was reconfigured) tries again.
/// </para>
/// Called on the source's receive thread inside its fan-out lock: per packet it copies into reused buffers, and per part
/// it writes one fragment and lets the store copy it. The small lock here is only ever contended by <see cref="Dispose"/>
/// and by <see cref="Stats"/>, both rare and short.
/// </summary>
public sealed partial class HlsPackager : IVideoPacketSink, IH264AccessUnitSink, IDisposable
{
    /// <summary>The problem text for a stream with B-frames.</summary>
    public const string BFramesProblem = "the camera sends B-frames; HLS needs a stream without them";

    /// <summary>The problem text for parameter sets the init segment cannot be built from.</summary>
    public const string ParameterSetsProblem = "the camera's SPS/PPS cannot be read; HLS needs them for the init segment";

    /// <summary>Assumed frame duration before two pictures have shown one (25 fps, the commonest camera rate).</summary>
    private const long DefaultFrameDuration = HlsPartStoreOptions.Clock / 25;

    private const int MaxParameterSetBytes = 1024;

    private readonly HlsPartStoreOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<HlsPackager> _logger;
    private readonly string _name;
    private readonly Lock _lock = new();
    private readonly H264RtpDepacketizer _depacketizer;

    // Parameter sets: the newest seen, and the ones the current generation's init segment is built from.
    private readonly byte[] _sps = new byte[MaxParameterSetBytes];
    private readonly byte[] _pps = new byte[MaxParameterSetBytes];
    private int _spsLength, _ppsLength;
    private byte[] _generationSps = [];
    private byte[] _generationPps = [];
    private byte[] _generationInit = [];
    private bool _generationStarted;
    private bool _refusedBFrames;

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
        _depacketizer = new H264RtpDepacketizer(this);
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
                    Interlocked.Read(ref _generation), _parts, _bytes, _depacketizer.AccessUnits,
                    _depacketizer.DroppedAccessUnits + _droppedAccessUnits, _depacketizer.LostPackets, _problem);
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
                _depacketizer.Push(rtpPacket, info);
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

    /// <summary>Called by the depacketizer, inside <see cref="OnPacket"/> (so under the lock).</summary>
    void IH264AccessUnitSink.OnAccessUnit(in H264RtpAccessUnit accessUnit)
    {
        bool newSsrc = _haveTime && accessUnit.Ssrc != _lastSsrc;
        if (newSsrc && _refusedBFrames)
        {
            // FFmpeg restarted: the camera may have been reconfigured; look again.
            _refusedBFrames = false;
            _problem = null;
        }

        NoteParameterSets(accessUnit.AnnexB);
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
    private bool TryGetDecodeTime(in H264RtpAccessUnit accessUnit, bool newSsrc, out long decodeTime)
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
        _lastTimestamp = accessUnit.RtpTimestamp;
        _lastSsrc = accessUnit.Ssrc;
        _lastDecodeTime = decodeTime;
        return true;
    }

    private void NoteParameterSets(ReadOnlySpan<byte> annexB)
    {
        while (AnnexB.TryReadNal(ref annexB, out ReadOnlySpan<byte> nal))
        {
            int type = nal[0] & 0x1F;
            if (nal.Length > MaxParameterSetBytes)
            {
                continue;
            }

            if (type == AnnexB.TypeSps)
            {
                nal.CopyTo(_sps);
                _spsLength = nal.Length;
            }
            else if (type == AnnexB.TypePps)
            {
                nal.CopyTo(_pps);
                _ppsLength = nal.Length;
            }
        }
    }

    private bool IsCurrentGeneration() =>
        _generationStarted
        && _sps.AsSpan(0, _spsLength).SequenceEqual(_generationSps)
        && _pps.AsSpan(0, _ppsLength).SequenceEqual(_generationPps);

    /// <summary>
    /// At a key frame whose parameter sets differ from the generation's (or the first one): the old store goes, the new
    /// one is created once the first part is cut (its PART-TARGET depends on the frame rate, known from two pictures).
    /// </summary>
    private void StartGeneration()
    {
        EndGeneration();
        if (_spsLength == 0 || _ppsLength == 0)
        {
            return; // No parameter sets yet: a decoder could not start here; wait for a key frame that carries them.
        }

        // Per generation, so rare: plain arrays are fine here.
        _generationSps = _sps.AsSpan(0, _spsLength).ToArray();
        _generationPps = _pps.AsSpan(0, _ppsLength).ToArray();
        byte[] init = new byte[Fmp4InitSegment.GetByteCount(_spsLength, _ppsLength)];
        if (!Fmp4InitSegment.TryWrite(init, _generationSps, _generationPps, out int initLength))
        {
            Refuse(ParameterSetsProblem);
            return;
        }

        _generationInit = init.AsSpan(0, initLength).ToArray();
        _generationStarted = true;
        _problem = null;
        Log.GenerationStarted(_logger, _name, Interlocked.Read(ref _generation) + 1);
    }

    private void EndGeneration()
    {
        DiscardPending();
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
        _generationSps = [];
        _generationPps = [];
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
