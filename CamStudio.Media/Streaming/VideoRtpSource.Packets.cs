using CamStudio.Media.Rtp;
using CamStudio.Media.Video;

namespace CamStudio.Media.Streaming;

// Per-packet work of VideoRtpSource: access-unit tracking, GOP cache maintenance and measurements.
public sealed partial class VideoRtpSource
{
    private const int MaxSpsBytes = 512;
    private const double RtpClockRate = 90_000;

    // Access-unit tracking.
    private bool _haveLast;
    private bool _lastMarker;
    private uint _lastTimestamp;
    private uint _lastSsrc;

    // Where a new GOP would begin if an IDR shows up: the start of the current access unit, or earlier when the
    // access units since then carried only SPS/PPS (some cameras send parameter sets with their own timestamp).
    private int _candidateEntry;
    private bool _candidateParamSetsOnly = true;
    private bool _candidateKeyLike;
    private bool _candidateCommitted;

    // Measurements.
    private readonly byte[] _lastSps = new byte[MaxSpsBytes];
    private int _lastSpsLength;
    private int _width, _height;
    private string? _profileLevelId; // H.264 only: what SDP negotiates
    private long _packets, _frames, _keyFrames, _dropped;
    private DateTimeOffset? _lastPacketTime, _lastFrameTime;
    private long _windowStart;
    private long _windowBytes;
    private bool _frameWindowStarted;
    private uint _frameWindowSsrc, _frameWindowStartTs, _frameWindowMaxTs;
    private int _frameWindowFrames;
    private double _framesPerSecond, _bitrateKbps, _keyFrameInterval;
    private bool _haveKeyFrameTimestamp;
    private uint _lastKeyFrameTimestamp, _lastKeyFrameSsrc;

    public VideoSourceStats Stats
    {
        get
        {
            lock (_lock)
            {
                return new VideoSourceStats
                {
                    LastPacketTime = _lastPacketTime,
                    LastFrameTime = _lastFrameTime,
                    FramesPerSecond = _framesPerSecond,
                    BitrateKbps = _bitrateKbps,
                    KeyFrameIntervalSeconds = _keyFrameInterval,
                    Codec = _codec,
                    Width = _width,
                    Height = _height,
                    ProfileLevelId = _profileLevelId,
                    Packets = _packets,
                    Frames = _frames,
                    KeyFrames = _keyFrames,
                    DroppedPackets = _dropped,
                    GopCacheBytes = _cache.Bytes,
                    GopCachePackets = _cache.Count,
                    GopCacheTruncated = _cache.IsTruncated,
                };
            }
        }
    }

    /// <summary>Handles one datagram in the receive buffer (which it may modify: the marker fix is done in place).</summary>
    internal void OnDatagram(Span<byte> packet)
    {
        DateTimeOffset now = _timeProvider.GetUtcNow();
        lock (_lock)
        {
            if (packet.Length >= ReceiveBufferSize || !RtpHeader.TryRead(packet, out RtpHeader header))
            {
                _dropped++;
                return;
            }

            ReadOnlySpan<byte> payload = packet.Slice(header.HeaderLength, header.PayloadLength);
            VideoCodec codec = _codec;
            ReadOnlySpan<byte> sps;
            VideoPacketContent content = codec == VideoCodec.H265
                ? H265Nal.Classify(payload, out sps)
                : H264Nal.Classify(payload, out sps);
            if (!sps.IsEmpty)
            {
                UpdateSps(sps, codec);
            }

            if (_haveLast && header.Ssrc != _lastSsrc)
            {
                OnSourceRestart();
            }

            bool accessUnitStart = !_haveLast || _lastMarker || header.Timestamp != _lastTimestamp || header.Ssrc != _lastSsrc;
            if (accessUnitStart && _haveLast && !_lastMarker)
            {
                // The previous access unit ended without a marker (lost packet): the timestamp change ends it.
                CountFrame(now, _lastTimestamp, _lastSsrc);
            }

            const VideoPacketContent parameterSets = VideoPacketContent.Sps | VideoPacketContent.Pps;
            const VideoPacketContent slices = VideoPacketContent.IdrSlice | VideoPacketContent.NonIdrSlice;
            bool parameterSetsOnly = (content & parameterSets) != 0 && (content & slices) == 0;
            bool marker = header.Marker;
            if (marker && parameterSetsOnly)
            {
                // The marker closes an access unit; on an SPS/PPS packet it would make the browser's depacketiser emit
                // a frame with no picture and drop the IDR that follows (MEDIA.md: Chrome decoded ~5 of 30 fps).
                RtpPacketWriter.SetMarker(packet, false);
                marker = false;
            }

            bool keyFrameStart = accessUnitStart && (content & (parameterSets | VideoPacketContent.IdrSlice)) != 0;
            // Numbered and kept after the marker fix: a retransmission must carry the bytes the viewers were sent.
            long packetNumber = ++_packetNumber;
            _ring?.Store(packetNumber, packet);
            bool gopStarted = UpdateCache(packet, header, content, accessUnitStart, keyFrameStart, parameterSetsOnly, marker, packetNumber);

            _haveLast = true;
            _lastMarker = marker;
            _lastTimestamp = header.Timestamp;
            _lastSsrc = header.Ssrc;
            _packets++;
            _lastPacketTime = now;
            _windowBytes += packet.Length;
            if (marker)
            {
                CountFrame(now, header.Timestamp, header.Ssrc);
            }

            UpdateRates();
            var info = new VideoPacketInfo(keyFrameStart, marker, IsFromCache: false, header.Timestamp, header.Ssrc,
                header.SequenceNumber, codec, packetNumber);
            FanOut(packet, info, gopStarted);
        }
    }

    /// <summary>Appends the packet to the cache; true when this packet made the cache start a new GOP.</summary>
    private bool UpdateCache(ReadOnlySpan<byte> packet, in RtpHeader header, VideoPacketContent content,
        bool accessUnitStart, bool keyFrameStart, bool parameterSetsOnly, bool marker, long packetNumber)
    {
        if (accessUnitStart)
        {
            if (!_candidateParamSetsOnly || _cache.Count == _candidateEntry)
            {
                _candidateEntry = _cache.Count;
                _candidateParamSetsOnly = true;
                _candidateKeyLike = keyFrameStart;
                _candidateCommitted = false;
            }

            if (!_cache.HasGop)
            {
                // Before the first IDR only a pending candidate is worth keeping.
                _cache.DiscardBefore(_candidateEntry);
                _candidateEntry = 0;
            }
        }

        bool appended = _cache.TryAppend(packet, marker, header.Timestamp, header.Ssrc, header.SequenceNumber, packetNumber);
        if (!appended && _candidateKeyLike && !_candidateCommitted && _candidateEntry > 0)
        {
            // The bound is reached while a new GOP is arriving: the new GOP is worth more than the old one (this is
            // also how a truncated cache starts over at the next keyframe).
            _cache.DiscardBefore(_candidateEntry);
            _cache.HasGop = false;
            _candidateEntry = 0;
            appended = _cache.TryAppend(packet, marker, header.Timestamp, header.Ssrc, header.SequenceNumber, packetNumber);
        }

        if (!parameterSetsOnly)
        {
            _candidateParamSetsOnly = false;
        }

        if ((content & VideoPacketContent.IdrSlice) == 0 || _candidateCommitted || !appended)
        {
            return false;
        }

        _cache.DiscardBefore(_candidateEntry);
        _candidateEntry = 0;
        _cache.HasGop = true;
        _candidateCommitted = true;
        _keyFrames++;
        if (_haveKeyFrameTimestamp && header.Ssrc == _lastKeyFrameSsrc)
        {
            _keyFrameInterval = unchecked(header.Timestamp - _lastKeyFrameTimestamp) / RtpClockRate;
        }

        _haveKeyFrameTimestamp = true;
        _lastKeyFrameTimestamp = header.Timestamp;
        _lastKeyFrameSsrc = header.Ssrc;
        return true;
    }

    /// <summary>
    /// A new SSRC means FFmpeg restarted (camera reconnect): the new stream's P-frames do not refer to the cached GOP, so
    /// the cache is dropped and every viewer waits for the new stream's first keyframe rather than decoding garbage.
    /// </summary>
    private void OnSourceRestart()
    {
        _cache.Clear();
        _candidateEntry = 0;
        _candidateParamSetsOnly = true;
        _candidateKeyLike = false;
        _candidateCommitted = false;
        foreach (Subscription subscription in _subscriptions)
        {
            subscription.WaitingForKeyFrame = true;
        }
    }

    private void UpdateSps(ReadOnlySpan<byte> sps, VideoCodec codec)
    {
        if (sps.Length > MaxSpsBytes || sps.SequenceEqual(_lastSps.AsSpan(0, _lastSpsLength)))
        {
            return;
        }

        if (codec == VideoCodec.H265)
        {
            if (!H265SpsParser.TryParse(sps, out H265SpsInfo h265))
            {
                return;
            }

            (_width, _height, _profileLevelId) = (h265.Width, h265.Height, null);
        }
        else
        {
            if (!H264SpsParser.TryParse(sps, out H264SpsInfo h264) || h264.Width <= 0)
            {
                return;
            }

            (_width, _height, _profileLevelId) = (h264.Width, h264.Height, h264.ProfileLevelId);
        }

        sps.CopyTo(_lastSps);
        _lastSpsLength = sps.Length;
    }

    /// <summary>
    /// Frame rate is measured on the stream's own 90 kHz clock over windows of at least 2 s: arrival times would also
    /// measure encoder and network bursts (FFmpeg delivered a 25 fps stream at a measured 33 fps right after start-up).
    /// The window end is the highest timestamp seen, so B-frame reordering only blurs it by a frame or two.
    /// </summary>
    private void CountFrame(DateTimeOffset now, uint timestamp, uint ssrc)
    {
        _frames++;
        _lastFrameTime = now;
        FrameReceived?.Invoke();
        int sinceStart = unchecked((int)(timestamp - _frameWindowStartTs));
        if (!_frameWindowStarted || ssrc != _frameWindowSsrc || sinceStart < -(int)RtpClockRate || sinceStart > 10 * RtpClockRate)
        {
            // First frame, new source, or a jump: start measuring again from here.
            _frameWindowStarted = true;
            _frameWindowSsrc = ssrc;
            _frameWindowStartTs = timestamp;
            _frameWindowMaxTs = timestamp;
            _frameWindowFrames = 0;
            return;
        }

        _frameWindowFrames++;
        if (unchecked((int)(timestamp - _frameWindowMaxTs)) > 0)
        {
            _frameWindowMaxTs = timestamp;
        }

        uint span = unchecked(_frameWindowMaxTs - _frameWindowStartTs);
        if (span >= 2 * RtpClockRate)
        {
            _framesPerSecond = _frameWindowFrames * RtpClockRate / span;
            _frameWindowStartTs = _frameWindowMaxTs;
            _frameWindowFrames = 0;
        }
    }

    private void UpdateRates()
    {
        TimeSpan elapsed = _timeProvider.GetElapsedTime(_windowStart);
        if (elapsed < TimeSpan.FromSeconds(1))
        {
            return;
        }

        _bitrateKbps = _windowBytes * 8 / elapsed.TotalSeconds / 1000;
        _windowBytes = 0;
        _windowStart = _timeProvider.GetTimestamp();
    }
}
