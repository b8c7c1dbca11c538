using System.Numerics;
using CamStudio.Media.Audio;
using CamStudio.Media.Rtcp;

namespace CamStudio.Media.Hls;

// The camera's AAC, copied by FFmpeg to its own RTP port (RFC 3640), muxed as a second track into the video's parts.
public sealed partial class HlsPackager : IAudioPacketSink, IAacFrameSink
{
    /// <summary>AAC frames waiting for a part at most: ~12 s at 8 kHz, ~2 s at 48 kHz; older ones go first.</summary>
    private const int MaxPendingFrames = 512;

    /// <summary>How far past the newest picture "now" may be guessed when anchoring audio (a stalled camera).</summary>
    private const long MaxAnchorExtrapolation = HlsPartStoreOptions.Clock / 2;

    private readonly AacRtpDepacketizer _aac;
    private readonly int[] _audioSizes = new int[MaxPendingFrames];
    private readonly long[] _audioTimes = new long[MaxPendingFrames];
    private byte[] _audioBytes = new byte[16 * 1024];
    private int _audioCount;
    private int _audioLength;
    private AacConfig? _audioConfig;
    private AacConfig? _generationAudio;
    private long _lastVideoArrival;

    // Audio time in the audio timescale: anchored to the video timeline once, then following the RTP timestamps.
    private bool _audioAnchored;
    private uint _lastAudioTimestamp;
    private uint _lastAudioSsrc;
    private long _lastAudioTime;
    private long _audioFrames, _droppedAudioFrames;

    // Whether the anchor came from FFmpeg's sender reports (media time) rather than arrival (a guess), whether any of
    // this generation's sound is in a part already (then it can no longer move), and the generation's first picture.
    private bool _audioOnReports;
    private bool _generationAudioWritten;
    private long _generationStartTime;

    /// <summary>
    /// FFmpeg's latest sender report for the video output (<c>VideoRtpSource.ClockAnchor</c>); with
    /// <see cref="AudioClock"/> it places the sound on the pictures' timeline by media time. Null: none (arrival only).
    /// </summary>
    public Func<RtpClockAnchor?>? VideoClock { get; init; }

    /// <summary>FFmpeg's latest sender report for the HLS audio output; see <see cref="VideoClock"/>.</summary>
    public Func<RtpClockAnchor?>? AudioClock { get; init; }

    /// <summary>
    /// The camera's AAC as FFmpeg described it, or null when there is none to carry. It takes effect at the next
    /// generation (the init segment is fixed): a change starts one at the next key frame.
    /// </summary>
    public AacConfig? AudioConfig
    {
        get { lock (_lock) { return _audioConfig; } }
        set { lock (_lock) { _audioConfig = value is { IsValid: true } ? value : null; } }
    }

    /// <summary>
    /// AAC frames muxed into parts, frames dropped (no generation with audio yet, before its first picture, overflow, out
    /// of order), and whether the current sound sits on the pictures' timeline by FFmpeg's sender reports (media time)
    /// rather than by when it arrived.
    /// </summary>
    public (long Muxed, long Dropped, bool PlacedByReports) AudioStats
    {
        get { lock (_lock) { return (_audioFrames, _droppedAudioFrames + _aac.Dropped, _audioAnchored && _audioOnReports); } }
    }

    /// <inheritdoc/>
    public void OnAudioPacket(ReadOnlySpan<byte> rtpPacket, in AudioPacketInfo info)
    {
        lock (_lock)
        {
            if (!_disposed && _generationAudio is not null && info.Codec == AudioCodec.Aac)
            {
                _aac.Push(rtpPacket);
            }
        }
    }

    /// <summary>Called by <see cref="_aac"/> inside <see cref="OnAudioPacket"/> (so under the lock).</summary>
    void IAacFrameSink.OnAacFrame(ReadOnlySpan<byte> frame, uint rtpTimestamp, uint ssrc)
    {
        if (_generationAudio is not { } config || !_haveTime || !TryGetAudioTime(config, rtpTimestamp, ssrc, out long time))
        {
            _droppedAudioFrames++;
            return;
        }

        if (_audioCount == MaxPendingFrames)
        {
            RemoveAudio(1); // no part was cut for long (a stalled camera): the oldest sound goes, memory stays bounded
            _droppedAudioFrames++;
        }

        if (_audioLength + frame.Length > _audioBytes.Length)
        {
            Array.Resize(ref _audioBytes, (int)BitOperations.RoundUpToPowerOf2((uint)(_audioLength + frame.Length)));
        }

        frame.CopyTo(_audioBytes.AsSpan(_audioLength));
        _audioLength += frame.Length;
        _audioSizes[_audioCount] = frame.Length;
        _audioTimes[_audioCount] = time;
        _audioCount++;
    }

    /// <summary>
    /// The frame's decode time in the audio timescale. FFmpeg's RTP outputs each start their timestamps at a random
    /// value, so the first frame (and the first of a new SSRC) needs an anchor on the video's timeline. The right one
    /// comes from FFmpeg's sender reports of both outputs (one clock for the run, see FfmpegArguments.StartTimeRealtime):
    /// they map the frame's RTP timestamp onto the video's, so the sound sits with the pictures FFmpeg read with it.
    /// Arrival is only the fallback (no reports yet): FFmpeg releases what it buffered while probing the camera as a
    /// burst, the whole video half first (measured: 21 pictures, 0.85 s, within 30 ms, then the audio), so "the video
    /// now" at the first audio frame is the end of that burst and the sound would trail the pictures by it for the whole
    /// session. A frame anchored by arrival moves to the reports' place when they come, as long as none of this
    /// generation's sound is in a part yet. Later frames follow their own RTP timestamps, so audio never drifts from
    /// itself; a step back (reordering, duplicate) drops the frame, and so does sound from before the first picture.
    /// </summary>
    private bool TryGetAudioTime(AacConfig config, uint rtpTimestamp, uint ssrc, out long time)
    {
        if (_audioAnchored && ssrc == _lastAudioSsrc)
        {
            int step = unchecked((int)(rtpTimestamp - _lastAudioTimestamp));
            time = _lastAudioTime + step;
            if (step <= 0)
            {
                return false;
            }

            if (!_audioOnReports && !_generationAudioWritten && TryPlaceByReports(config, rtpTimestamp, ssrc, out long placed))
            {
                MovePendingAudio(placed - time, config);
                _audioOnReports = true;
                time = placed;
            }
        }
        else
        {
            bool onReports = TryPlaceByReports(config, rtpTimestamp, ssrc, out time);
            if (!onReports)
            {
                long elapsed = (long)(_timeProvider.GetElapsedTime(_lastVideoArrival).TotalSeconds * HlsPartStoreOptions.Clock);
                long videoNow = _lastDecodeTime + Math.Clamp(elapsed, 0, MaxAnchorExtrapolation);
                time = videoNow * config.SampleRate / HlsPartStoreOptions.Clock;
            }

            if (_audioAnchored)
            {
                time = Math.Max(time, _lastAudioTime + AacConfig.SamplesPerFrame); // a new FFmpeg run never goes back
            }

            _audioOnReports = onReports;
        }

        _audioAnchored = true;
        _lastAudioSsrc = ssrc;
        _lastAudioTimestamp = rtpTimestamp;
        _lastAudioTime = time;
        // Sound FFmpeg read before the generation's first picture (it passes audio on before the video's first key
        // frame): no part starts before that picture, so it is dropped; the frames after it follow from this anchor.
        return time >= StartInAudioTime(config);
    }

    /// <summary>
    /// The frame's decode time from FFmpeg's sender reports: its RTP timestamp mapped onto the video's clock, then onto
    /// the newest picture's decode time. False without both reports of the current runs (SSRCs), or out of their reach.
    /// </summary>
    private bool TryPlaceByReports(AacConfig config, uint rtpTimestamp, uint ssrc, out long time)
    {
        time = 0;
        if (VideoClock?.Invoke() is not { } video || AudioClock?.Invoke() is not { } audio
            || audio.Ssrc != ssrc || video.Ssrc != _lastSsrc
            || !RtpClockAnchor.TryMap(audio, config.SampleRate, rtpTimestamp, video, (int)HlsPartStoreOptions.Clock, out uint videoTimestamp))
        {
            return false;
        }

        long decodeTime = _lastDecodeTime + unchecked((int)(videoTimestamp - _lastTimestamp));
        time = decodeTime * config.SampleRate / HlsPartStoreOptions.Clock;
        return true;
    }

    /// <summary>
    /// Moves the frames waiting for a part by <paramref name="delta"/> (audio timescale); those that now fall before the
    /// generation's first picture are dropped.
    /// </summary>
    private void MovePendingAudio(long delta, AacConfig config)
    {
        for (int i = 0; i < _audioCount; i++)
        {
            _audioTimes[i] += delta;
        }

        long start = StartInAudioTime(config);
        int early = 0;
        while (early < _audioCount && _audioTimes[early] < start)
        {
            early++;
        }

        RemoveAudio(early);
        _droppedAudioFrames += early;
    }

    private long StartInAudioTime(AacConfig config) => _generationStartTime * config.SampleRate / HlsPartStoreOptions.Clock;

    /// <summary>Remembers when the newest picture arrived, the anchor for audio that starts now.</summary>
    private void NoteVideoArrival() => _lastVideoArrival = _timeProvider.GetTimestamp();

    /// <summary>
    /// The pending AAC frames that start before <paramref name="endDecodeTime"/> (90 kHz) and follow each other without
    /// a gap (a trun has no holes: a gap after loss starts the next part's audio with its own tfdt).
    /// </summary>
    private int CountAudioFor(long endDecodeTime)
    {
        if (_generationAudio is not { } config)
        {
            return 0;
        }

        long end = endDecodeTime * config.SampleRate / HlsPartStoreOptions.Clock;
        int count = 0;
        while (count < _audioCount && _audioTimes[count] < end
            && (count == 0 || _audioTimes[count] - _audioTimes[count - 1] == AacConfig.SamplesPerFrame))
        {
            count++;
        }

        return count;
    }

    private int AudioBytes(int count)
    {
        int bytes = 0;
        for (int i = 0; i < count; i++)
        {
            bytes += _audioSizes[i];
        }

        return bytes;
    }

    /// <summary>Drops the first <paramref name="count"/> pending frames (written, or the oldest on overflow).</summary>
    private void RemoveAudio(int count)
    {
        if (count == 0)
        {
            return;
        }

        int bytes = AudioBytes(count);
        _audioBytes.AsSpan(bytes, _audioLength - bytes).CopyTo(_audioBytes);
        _audioSizes.AsSpan(count, _audioCount - count).CopyTo(_audioSizes);
        _audioTimes.AsSpan(count, _audioCount - count).CopyTo(_audioTimes);
        _audioLength -= bytes;
        _audioCount -= count;
    }

    /// <summary>A new generation (or none): pending sound and the anchor belong to the old timeline's init segment.</summary>
    private void ResetAudio(AacConfig? generationAudio)
    {
        _generationAudio = generationAudio;
        _audioCount = _audioLength = 0;
        _audioAnchored = _audioOnReports = _generationAudioWritten = false;
        _generationStartTime = _lastDecodeTime; // called at the generation's first key frame, whose time that is
        _aac.Reset();
    }
}
