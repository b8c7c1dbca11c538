using CamStudio.Media.Video;

namespace CamStudio.Media.Rtp;

/// <summary>
/// Per-viewer rewrite of the camera's RTP stream into the viewer's own stream: SSRC and payload type as negotiated,
/// a gap-free sequence number, and a timestamp that only moves forward. Not thread-safe (one per viewer, called from
/// the source's fan-out, which is serialised).
/// </summary>
/// <remarks>
/// Timestamps: a live frame advances the output by the source's own delta, so pacing and A/V timing survive. When the
/// source jumps (FFmpeg restarted: new SSRC and random timestamp base, or a backwards/huge step) the output advances by
/// the last good live frame step instead, so the browser sees one ordinary frame interval, not a jump it would have to
/// resync from. Frames replayed from the GOP cache carry timestamps from up to a whole GOP ago; kept as-is they would
/// make the browser's jitter buffer hold the burst back for their original duration (seconds of added delay) or play it
/// in fast motion. Instead consecutive cached frames are stamped <see cref="CachedFrameSpacing"/> (1 ms) apart: they all
/// arrive at once anyway, so the decoder runs through them immediately and only the last (the current picture) is
/// effectively shown. The first live frame after the burst then continues from the last cached frame by the source's
/// own delta (the last cached frame is the newest one the source has), so live playback starts with no gap.
/// The constants are for the 90 kHz video clock; a rewriter made for another clock (audio: 8 kHz G.711, 48 kHz Opus)
/// scales them to the same durations, except that its first step after a source jump defaults to one 20 ms packet,
/// the usual audio packet time, until a live delta has been seen.
/// </remarks>
public sealed class RtpStreamRewriter
{
    /// <summary>Output timestamp step between consecutive frames replayed from the cache: 1 ms at 90 kHz.</summary>
    public const uint CachedFrameSpacing = 90;

    /// <summary>Step used after a source jump until a live delta has been seen: one frame at 30 fps.</summary>
    public const uint DefaultFrameStep = 3000;

    /// <summary>Largest source delta still taken as a normal frame step (5 s at 90 kHz); beyond it the source jumped.</summary>
    public const uint MaxPlausibleStep = 5 * 90_000;

    /// <summary>The RTP clock of H.264/H.265 video (RFC 6184 §8.2.1, RFC 7798 §7.1).</summary>
    public const int VideoClockRate = 90_000;

    private readonly uint _outputSsrc;
    private readonly byte _outputPayloadType;
    private readonly uint _cachedFrameSpacing;
    private readonly uint _maxPlausibleStep;
    private ushort _nextSequenceNumber;
    private uint _lastOutputTimestamp;
    private uint _lastSourceTimestamp;
    private uint _lastSourceSsrc;
    private uint _lastLiveStep;
    private bool _started;
    private uint _liveOffset;
    private uint _liveOffsetSsrc;
    private bool _hasLiveOffset;

    /// <param name="outputSsrc">The viewer's SSRC for this stream.</param>
    /// <param name="outputPayloadType">The payload type the answer negotiated.</param>
    /// <param name="initialSequence">First output sequence number (random, RFC 3550 §5.1).</param>
    /// <param name="initialTimestamp">First output timestamp (random, RFC 3550 §5.1).</param>
    /// <param name="clockRate">The stream's RTP clock rate in Hz: 90000 for video, 8000 or 48000 for audio.</param>
    public RtpStreamRewriter(uint outputSsrc, byte outputPayloadType, ushort initialSequence, uint initialTimestamp,
        int clockRate = VideoClockRate)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(clockRate, 1000);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(clockRate, VideoClockRate);
        _outputSsrc = outputSsrc;
        _outputPayloadType = outputPayloadType;
        _nextSequenceNumber = initialSequence;
        _lastOutputTimestamp = initialTimestamp;
        ClockRate = clockRate;
        _cachedFrameSpacing = (uint)(clockRate / 1000);
        _maxPlausibleStep = 5 * (uint)clockRate;
        _lastLiveStep = clockRate == VideoClockRate ? DefaultFrameStep : (uint)(clockRate / 50);
    }

    public uint OutputSsrc => _outputSsrc;

    /// <summary>The RTP clock rate of the stream this rewriter writes.</summary>
    public int ClockRate { get; }

    /// <summary>Sequence number the last rewritten packet got.</summary>
    public ushort LastSequenceNumber => unchecked((ushort)(_nextSequenceNumber - 1));

    /// <summary>Timestamp the last rewritten packet got (the initial timestamp before the first packet).</summary>
    public uint LastTimestamp => _lastOutputTimestamp;

    public long PacketCount { get; private set; }

    /// <summary>Payload octets sent (RFC 3550 §6.4.1 sender's octet count: header and padding excluded).</summary>
    public long OctetCount { get; private set; }

    /// <summary>
    /// How the output continues the source: output = source + <paramref name="offset"/> for live packets of
    /// <paramref name="sourceSsrc"/> (constant between jumps, since a live packet advances the output by the source's
    /// own delta). False until the first live packet; after a jump it describes the new run from its first live packet.
    /// </summary>
    public bool TryGetLiveOffset(out uint sourceSsrc, out uint offset)
    {
        sourceSsrc = _liveOffsetSsrc;
        offset = _liveOffset;
        return _hasLiveOffset;
    }

    /// <summary>Rewrites SSRC, payload type, sequence number and timestamp of <paramref name="packet"/> in place.</summary>
    public void Rewrite(Span<byte> packet, in VideoPacketInfo info) =>
        Rewrite(packet, info.IsFromCache, info.SourceTimestamp, info.SourceSsrc);

    /// <summary>The same, for callers that do not come from the video source (the camera's audio).</summary>
    public void Rewrite(Span<byte> packet, bool isFromCache, uint sourceTimestamp, uint sourceSsrc)
    {
        uint timestamp = NextTimestamp(isFromCache, sourceTimestamp, sourceSsrc);
        RtpPacketWriter.SetSsrc(packet, _outputSsrc);
        RtpPacketWriter.SetPayloadType(packet, _outputPayloadType);
        RtpPacketWriter.SetSequenceNumber(packet, _nextSequenceNumber);
        RtpPacketWriter.SetTimestamp(packet, timestamp);
        _nextSequenceNumber++;
        PacketCount++;
        if (RtpHeader.TryRead(packet, out RtpHeader header))
        {
            OctetCount += header.PayloadLength;
        }
    }

    private uint NextTimestamp(bool isFromCache, uint sourceTimestamp, uint sourceSsrc)
    {
        if (!_started)
        {
            _started = true;
        }
        else if (sourceSsrc != _lastSourceSsrc || sourceTimestamp != _lastSourceTimestamp)
        {
            uint step;
            if (isFromCache)
            {
                step = _cachedFrameSpacing;
            }
            else
            {
                uint delta = unchecked(sourceTimestamp - _lastSourceTimestamp);
                if (sourceSsrc == _lastSourceSsrc && delta != 0 && delta <= _maxPlausibleStep)
                {
                    step = delta;
                    _lastLiveStep = delta;
                }
                else
                {
                    step = _lastLiveStep;
                }
            }

            _lastOutputTimestamp = unchecked(_lastOutputTimestamp + step);
        }

        if (!isFromCache)
        {
            _liveOffset = unchecked(_lastOutputTimestamp - sourceTimestamp);
            _liveOffsetSsrc = sourceSsrc;
            _hasLiveOffset = true;
        }

        // Same source frame (also across the cache->live hand-over mid-frame): same output timestamp.
        _lastSourceSsrc = sourceSsrc;
        _lastSourceTimestamp = sourceTimestamp;
        return _lastOutputTimestamp;
    }
}
