using System.Net;
using CamStudio.Media.Audio;
using CamStudio.Media.Rtcp;
using CamStudio.Media.Rtp;
using CamStudio.Media.Srtp;

namespace CamStudio.Media.WebRtc;

/// <summary>
/// The camera's audio track of a session, as the answer negotiated it: the source, the codec the browser accepted, the
/// session's own audio SSRC and the browser's payload type for that codec.
/// </summary>
internal sealed record ViewerAudioTrack(IAudioStreamSource Source, AudioCodec Codec, uint Ssrc, byte PayloadType);

/// <summary>
/// The audio half of a session. Audio needs no cache and no NACK history: every packet decodes on its own, and a lost
/// 20 ms is concealed by the browser's decoder sooner than a retransmission could arrive. The send path is the video's
/// without the history: copy, rewrite (own SSRC, negotiated payload type, continuous sequence and timestamp on the
/// audio clock), SRTP-protect with the session's one context, send.
/// </summary>
public sealed partial class ViewerSession
{
    private readonly ViewerAudioTrack? _audio;
    private readonly RtpStreamRewriter? _audioRewriter; // guarded by _sendLock
    private IDisposable? _audioSubscription;
    private uint _lastAudioRtpTimestamp;
    private long _lastAudioSendTimestamp;

    /// <summary>The audio codec the answer accepted, or null when this session carries no audio.</summary>
    public AudioCodec? AudioCodec => _audio?.Codec;

    /// <summary>The SSRC of the audio track, or null when this session carries no audio.</summary>
    public uint? AudioSsrc => _audio?.Ssrc;

    /// <summary>The payload type the browser gave the audio codec, or null when this session carries no audio.</summary>
    public byte? AudioPayloadType => _audio?.PayloadType;

    /// <summary>
    /// The audio timestamp of the media instant the video's sender report names (<paramref name="videoRtpNow"/>), from
    /// FFmpeg's own reports of both outputs: the browser then plays a beep with the flash FFmpeg gave the same
    /// presentation time, whatever delays the two streams met on their way (an encoder's, a burst's). False (the
    /// caller falls back to the audio's own send time) without a video report, or before both streams sent live
    /// packets of the runs the reports describe. Caller holds <c>_sendLock</c>.
    /// </summary>
    private bool AudioTimestampAtVideoInstant(uint? videoRtpNow, out uint audioRtpNow)
    {
        audioRtpNow = 0;
        if (videoRtpNow is not { } video || _audio is null || _audioRewriter is null
            || _source.ClockAnchor is not { } videoAnchor || _audio.Source.ClockAnchor is not { } audioAnchor
            || !_rewriter.TryGetLiveOffset(out uint videoSsrc, out uint videoOffset)
            || !_audioRewriter.TryGetLiveOffset(out uint audioSsrc, out uint audioOffset)
            || videoSsrc != videoAnchor.Ssrc || audioSsrc != audioAnchor.Ssrc)
        {
            return false;
        }

        uint videoSource = unchecked(video - videoOffset);
        if (!RtpClockAnchor.TryMap(videoAnchor, RtpStreamRewriter.VideoClockRate, videoSource, audioAnchor,
            _audioRewriter.ClockRate, out uint audioSource))
        {
            return false;
        }

        audioRtpNow = unchecked(audioSource + audioOffset);
        return true;
    }

    /// <inheritdoc/>
    public void OnAudioPacket(ReadOnlySpan<byte> rtpPacket, in AudioPacketInfo info)
    {
        ViewerAudioTrack? audio = _audio;
        if (audio is null || _state != ViewerSessionState.Connected)
        {
            return;
        }

        if (info.Codec != audio.Codec)
        {
            // The camera's audio now travels as another codec (its settings changed, or a G.711 camera became an AAC
            // one). The browser negotiated the old one and would decode noise: end the session so the player offers
            // again, exactly as for a video codec change.
            CloseForCodecChange();
            return;
        }

        lock (_sendLock)
        {
            SrtpContext? srtp = _srtpOut;
            SocketAddress? remote = _remote;
            RtpStreamRewriter? rewriter = _audioRewriter;
            if (srtp is null || remote is null || rewriter is null || Volatile.Read(ref _closed) != 0)
            {
                return;
            }

            if (!RtpHeader.TryRead(rtpPacket, out RtpHeader header)
                || rtpPacket.Length + SrtpProfileInfo.RtpOverhead(srtp.Profile) > _sendBuffer.Length)
            {
                _stats.IncrementDroppedOutbound();
                return;
            }

            Span<byte> packet = _sendBuffer.AsSpan(0, rtpPacket.Length);
            rtpPacket.CopyTo(packet);
            rewriter.Rewrite(packet, isFromCache: false, info.SourceTimestamp, info.SourceSsrc);
            if (!srtp.TryProtectRtp(_sendBuffer, rtpPacket.Length, out int protectedLength))
            {
                _stats.IncrementDroppedOutbound();
                return;
            }

            _lastAudioRtpTimestamp = rewriter.LastTimestamp;
            _lastAudioSendTimestamp = _time.GetTimestamp();
            _stats.CountAudioSent(header.PayloadLength);
            _mux.Send(_sendBuffer.AsSpan(0, protectedLength), remote);
        }
    }

    // Called once, right after the video subscription, so audio starts with the video's cached GOP already on its way.
    private void SubscribeAudio()
    {
        if (_audio is null)
        {
            return;
        }

        IDisposable subscription = _audio.Source.Subscribe(this);
        if (Interlocked.CompareExchange(ref _audioSubscription, subscription, null) is not null || Volatile.Read(ref _closed) != 0)
        {
            subscription.Dispose();
        }
    }
}
