using System.Numerics;

namespace CamStudio.Media.Hls;

// Part cutting of HlsPackager: pending access units in reused buffers, one fragment per part.
public sealed partial class HlsPackager
{
    /// <summary>Pictures in one part at most: ~10 s at 25 fps, far more than any sane PART-TARGET holds.</summary>
    private const int MaxPendingUnits = 256;

    /// <summary>Bytes of one part at most: two access units of the depacketizer's bound.</summary>
    private const int MaxPendingBytes = 2 * RtpVideoDepacketizer.DefaultMaxAccessUnitBytes;

    /// <summary>Frame steps longer than this are a stall or a gap, not a frame rate to size PART-TARGET by.</summary>
    private const long MaxFrameDurationForPartTarget = HlsPartStoreOptions.Clock;

    private readonly PendingUnit[] _pending = new PendingUnit[MaxPendingUnits];
    private readonly VideoAccessUnit[] _writeUnits = new VideoAccessUnit[MaxPendingUnits];
    private byte[] _pendingBytes = new byte[256 * 1024];
    private int _pendingLength;
    private int _pendingCount;
    private byte[] _fragment = new byte[256 * 1024];
    private uint _fragmentSequence;
    private long _partTarget;

    /// <summary>
    /// Adds a picture of the current generation. A part's duration is only known once the picture after it arrives
    /// (the muxer's <c>endDecodeTime</c>), so this picture decides the fate of the pending ones: they go out as a part
    /// when it is an IDR (a new part starts at every key frame, so independent parts begin there), or when it would
    /// most likely not fit (with the last frame step as the estimate of its own duration), so a part is published as
    /// soon as it is known to be complete.
    /// </summary>
    private void AddAccessUnit(ReadOnlySpan<byte> annexB, long decodeTime, bool isKeyFrame)
    {
        if (_pendingCount > 0)
        {
            EnsureStore(decodeTime - _pending[_pendingCount - 1].DecodeTime);
            long span = decodeTime - _pending[0].DecodeTime;
            if (span > _partTarget)
            {
                // The last pending picture lasted too long (a gap after loss, a stalled camera): its duration is cut
                // to fit, leaving a hole in the timeline rather than a part over PART-TARGET (§4.4.4.9 MUST).
                Flush(_pending[0].DecodeTime + _partTarget);
            }
            else if (isKeyFrame
                || span + _lastFrameDuration > _partTarget
                || _pendingCount == MaxPendingUnits
                || _pendingLength + annexB.Length > MaxPendingBytes)
            {
                Flush(decodeTime);
            }
        }

        Append(annexB, decodeTime, isKeyFrame);
    }

    /// <summary>
    /// Creates the generation's store once the first frame step is known: PART-TARGET is the configured one rounded to
    /// whole frames (+1/8 frame for timestamp jitter), so parts come out full — §4.4.4.9 wants every part but the last
    /// of a segment and the independent ones at least 85 % of PART-TARGET, and 8 frames at 25 fps are 96 % of 0.333 s.
    /// A camera slower than PART-TARGET gets one frame per part instead of frames cut short.
    /// </summary>
    private void EnsureStore(long frameDuration)
    {
        if (_store is not null || !_generationStarted)
        {
            return;
        }

        long partTarget = _options.PartTarget;
        if (frameDuration is > 0 and <= MaxFrameDurationForPartTarget)
        {
            long frames = Math.Max(1, (partTarget + (frameDuration / 2)) / frameDuration);
            partTarget = Math.Min((frames * frameDuration) + (frameDuration / 8), _options.SegmentDuration);
        }

        var store = new HlsPartStore(_options with { PartTarget = partTarget }, _timeProvider);
        store.SetInitSegment(_generationInit);
        _partTarget = partTarget;
        _fragmentSequence = 0;
        _parts = 0;
        _bytes = 0;
        // Generation first: a reader that sees the new store never pairs it with the old number.
        Interlocked.Increment(ref _generation);
        _store = store;
        StoreChanged?.Invoke();
    }

    private void Append(ReadOnlySpan<byte> annexB, long decodeTime, bool isKeyFrame)
    {
        if (_pendingLength + annexB.Length > _pendingBytes.Length)
        {
            // Rare: grows by doubling to the largest part seen, never per packet.
            Array.Resize(ref _pendingBytes, (int)BitOperations.RoundUpToPowerOf2((uint)(_pendingLength + annexB.Length)));
        }

        annexB.CopyTo(_pendingBytes.AsSpan(_pendingLength));
        _pending[_pendingCount++] = new PendingUnit(_pendingLength, annexB.Length, decodeTime, isKeyFrame);
        _pendingLength += annexB.Length;
    }

    /// <summary>Writes the pending pictures as one part ending at <paramref name="endDecodeTime"/> and appends it.</summary>
    private void Flush(long endDecodeTime)
    {
        HlsPartStore? store = _store;
        int count = _pendingCount;
        for (int i = 0; i < count; i++)
        {
            PendingUnit unit = _pending[i];
            _writeUnits[i] = new VideoAccessUnit(
                new ReadOnlyMemory<byte>(_pendingBytes, unit.Offset, unit.Length), unit.DecodeTime, unit.IsKeyFrame, _generationCodec);
        }

        ReadOnlySpan<VideoAccessUnit> units = _writeUnits.AsSpan(0, count);
        long duration = endDecodeTime - units[0].DecodeTime;
        int audioCount = CountAudioFor(endDecodeTime);
        var audio = new AacFrames(
            _audioBytes.AsSpan(0, AudioBytes(audioCount)), _audioSizes.AsSpan(0, audioCount), audioCount > 0 ? _audioTimes[0] : 0);
        long size = Fmp4Fragment.GetByteCount(units) + Fmp4Fragment.GetAudioByteCount(audio);
        if (size > _fragment.Length && size <= int.MaxValue / 2)
        {
            _fragment = new byte[BitOperations.RoundUpToPowerOf2((uint)size)];
        }

        // The checks only fail on a bug here, but a bug must cost a part, not the camera's receive loop.
        if (store is not null
            && duration >= 1 && duration <= _partTarget
            && Fmp4Fragment.TryWrite(_fragment, ++_fragmentSequence, units, endDecodeTime, audio, out int written)
            && store.AppendPart(_fragment.AsSpan(0, written), duration, units[0].IsKeyFrame))
        {
            _parts++;
            _bytes += written;
            _audioFrames += audioCount;
            _generationAudioWritten |= audioCount > 0;
        }
        else
        {
            _droppedAccessUnits += count;
            _droppedAudioFrames += audioCount;
        }

        RemoveAudio(audioCount);
        DiscardPending();
    }

    private void DiscardPending()
    {
        _pendingCount = 0;
        _pendingLength = 0;
    }

    private readonly record struct PendingUnit(int Offset, int Length, long DecodeTime, bool IsKeyFrame);
}
