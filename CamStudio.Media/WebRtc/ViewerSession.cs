using System.Buffers.Binary;
using System.Net;
using CamStudio.Media.Audio;
using CamStudio.Media.Dtls;
using CamStudio.Media.Ice;
using CamStudio.Media.Rtcp;
using CamStudio.Media.Rtp;
using CamStudio.Media.Srtp;
using CamStudio.Media.Video;
using Microsoft.Extensions.Logging;

namespace CamStudio.Media.WebRtc;

/// <summary>
/// One browser's RTCPeerConnection: ICE-lite checks, the DTLS-SRTP handshake, then SRTP video (and the camera's
/// audio, when the answer accepted it) out and SRTCP feedback in. Video and audio are pushed synchronously from the
/// camera's receive threads; NACK retransmissions and sender reports come from other threads, so everything that
/// touches the outgoing SRTP context runs under <see cref="_sendLock"/> (an SRTP context has exactly one writer at a
/// time; it keeps per-SSRC state, so audio and video share it).
/// </summary>
public sealed partial class ViewerSession : IUdpMuxSession, IVideoPacketSink, IAudioPacketSink, IRtcpFeedbackHandler, IDisposable
{
    // 1200-byte RTP from FFmpeg plus the largest SRTP/SRTCP overhead, with slack for header extensions.
    private const int SendBufferSize = 1500;

    // Replaying a whole GOP is costly; a browser that keeps sending PLI gets at most one replay per interval.
    private static readonly TimeSpan s_pliReplayInterval = TimeSpan.FromSeconds(1);

    // Live packets keep arriving while the browser's NACK for a burst packet travels back: room for ~1 s of them.
    private const int ReplayHistoryMargin = 512;

    private readonly Lock _sendLock = new();
    private readonly UdpMux _mux;
    private readonly IVideoStreamSource _source;
    private readonly DtlsServerSession _dtls;
    private readonly int _historyPackets;
    private RetransmissionHistory? _history; // sized at connect, when the camera's replay burst is known; guarded by _sendLock
    private readonly Lock _retransmitLock = new(); // one NACK answer at a time: guards _retransmitBuffer
    private readonly RtpStreamRewriter _rewriter;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly byte[] _sendBuffer = new byte[SendBufferSize];
    private readonly byte[] _rtcpBuffer = new byte[256];
    private readonly byte[] _retransmitBuffer = new byte[SendBufferSize];
    private readonly TimeSpan _handshakeTimeout;
    private readonly ViewerStats _stats = new();

    private SrtpContext? _srtpOut;
    private SrtpContext? _srtcpIn;
    private volatile SocketAddress? _remote;
    private IDisposable? _subscription;
    private volatile ViewerSessionState _state = ViewerSessionState.New;
    private int _closed;
    private long _lastPliReplay;
    private uint _lastRtpTimestamp;
    private long _lastRtpSendTimestamp;

    internal ViewerSession(
        string id,
        string cameraKey,
        IceLiteAgent ice,
        uint ssrc,
        byte payloadType,
        UdpMux mux,
        IVideoStreamSource source,
        DtlsCertificate certificate,
        string remoteFingerprint,
        WebRtcOptions options,
        TimeProvider time,
        ILogger logger,
        VideoCodec codec = VideoCodec.H264,
        ViewerAudioTrack? audio = null)
    {
        Id = id;
        Codec = codec;
        CameraKey = cameraKey;
        Ice = ice;
        Ssrc = ssrc;
        PayloadType = payloadType;
        _mux = mux;
        _source = source;
        _time = time;
        _logger = logger;
        _handshakeTimeout = options.HandshakeTimeout;
        _historyPackets = options.RetransmissionHistoryPackets;
        _rewriter = new RtpStreamRewriter(
            ssrc, payloadType, (ushort)Random.Shared.Next(0, 0x8000), (uint)Random.Shared.Next());
        _dtls = new DtlsServerSession(certificate, remoteFingerprint, SendDtls, logger);
        CreatedAt = time.GetUtcNow();
        if (audio is not null)
        {
            _audio = audio;
            _audioRewriter = new RtpStreamRewriter(
                audio.Ssrc, audio.PayloadType, (ushort)Random.Shared.Next(0, 0x8000), (uint)Random.Shared.Next(),
                AudioCodecNames.ClockRate(audio.Codec));
        }
    }

    /// <summary>Opaque id the signalling layer hands to the client to end the session.</summary>
    public string Id { get; }

    /// <summary>Which camera stream this viewer watches (the streams layer's key).</summary>
    public string CameraKey { get; }

    public IceLiteAgent Ice { get; }

    public uint Ssrc { get; }

    public byte PayloadType { get; }

    public DateTimeOffset CreatedAt { get; }

    public ViewerSessionState State => _state;

    /// <summary>The video codec the answer negotiated.</summary>
    public VideoCodec Codec { get; }

    /// <summary>Why the session ended; null while it is open.</summary>
    public ViewerCloseReason? CloseReason { get; private set; }

    /// <summary>The browser's validated address (after the first successful connectivity check).</summary>
    public EndPoint? RemoteEndPoint { get; private set; }

    public ViewerStatsSnapshot Stats => _stats.Snapshot();

    /// <summary>Raised once, when DTLS completes and video starts flowing.</summary>
    public event Action<ViewerSession>? Connected;

    /// <summary>Raised once, whatever ended the session.</summary>
    public event Action<ViewerSession, ViewerCloseReason>? Closed;

    /// <summary>Test-only impairment: return true to drop an outgoing RTP packet (after it enters the NACK history).</summary>
    internal Func<ushort, bool>? DropOutgoingRtp { get; set; }

    private int _codecChangeClosing;

    internal void Start()
    {
        _state = ViewerSessionState.Connecting;
        _ = RunHandshakeAsync();
    }

    private async Task RunHandshakeAsync()
    {
        DtlsSrtpKeys keys;
        try
        {
            using var timeout = new CancellationTokenSource(_handshakeTimeout);
            keys = await _dtls.HandshakeAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            if (Volatile.Read(ref _closed) == 0)
            {
                LogHandshakeFailed(_logger, Id, ex.Message);
            }

            Close(ViewerCloseReason.HandshakeFailed);
            return;
        }

        var profile = (SrtpProfile)keys.ProtectionProfile;

        // Asked before taking _sendLock: the source delivers packets holding its own lock and then takes ours.
        var history = new RetransmissionHistory(HistoryCapacity(_historyPackets, _source.LargestReplayPackets));
        lock (_sendLock)
        {
            if (Volatile.Read(ref _closed) != 0)
            {
                return;
            }

            _history = history;

            // We are the DTLS server: we send with the server key and read the browser's SRTCP with the client key.
            _srtpOut = new SrtpContext(profile, keys.ServerMasterKey, keys.ServerMasterSalt);
            _srtcpIn = new SrtpContext(profile, keys.ClientMasterKey, keys.ClientMasterSalt);
            _state = ViewerSessionState.Connected;
        }

        _dtls.Closed += OnDtlsClosed;
        LogConnected(_logger, Id, CameraKey, profile);
        Connected?.Invoke(this);

        // Subscribing replays the cached GOP first, so the browser gets a keyframe at once instead of
        // waiting for the camera's next IDR.
        IDisposable subscription = _source.Subscribe(this);
        if (Interlocked.CompareExchange(ref _subscription, subscription, null) is not null || Volatile.Read(ref _closed) != 0)
        {
            subscription.Dispose();
        }

        SubscribeAudio();
    }

    /// <summary>
    /// The configured history, or more when one replay of the camera's cached GOP is longer: a join or a PLI sends the
    /// whole GOP at once (about 1,000 packets for 4 s of 2.5 Mbit/s video), and if the burst is longer than the ring,
    /// its last packets overwrite its first — the keyframe — before a NACK for one of them can arrive. A loss in the
    /// keyframe then cannot be repaired, and the joiner sees a corrupt picture or waits for a PLI round trip.
    /// </summary>
    internal static int HistoryCapacity(int configured, int largestReplay) =>
        Math.Max(configured, Math.Min(largestReplay + ReplayHistoryMargin, RetransmissionHistory.MaxCapacity));

    private void OnDtlsClosed() => Close(ViewerCloseReason.ClosedByPeer);

    private void SendDtls(ReadOnlySpan<byte> datagram)
    {
        SocketAddress? remote = _remote;
        if (remote is not null)
        {
            _mux.Send(datagram, remote);
        }
    }

    /// <inheritdoc/>
    public void OnRemoteSelected(SocketAddress remote)
    {
        _remote = remote;
        RemoteEndPoint = remote.Family switch
        {
            System.Net.Sockets.AddressFamily.InterNetwork => new IPEndPoint(IPAddress.Any, 0).Create(remote),
            System.Net.Sockets.AddressFamily.InterNetworkV6 => new IPEndPoint(IPAddress.IPv6Any, 0).Create(remote),
            _ => null,
        };
    }

    /// <inheritdoc/>
    public void OnDtlsDatagram(ReadOnlySpan<byte> datagram) => _dtls.EnqueueIncoming(datagram);

    /// <inheritdoc/>
    public void OnRtcpDatagram(Span<byte> datagram)
    {
        // RFC 5761 §4: with rtcp-mux, packet types 192–223 are RTCP; a recvonly browser sends no RTP.
        if (datagram.Length < 8 || datagram[1] < 192 || datagram[1] > 223)
        {
            _stats.IncrementDroppedInbound();
            return;
        }

        SrtpContext? srtcp = _srtcpIn;
        if (srtcp is null || !srtcp.TryUnprotectRtcp(datagram, datagram.Length, out int plainLength))
        {
            _stats.IncrementDroppedInbound();
            return;
        }

        _stats.MarkRtcpReceived(_time.GetUtcNow());
        if (!RtcpCompoundReader.TryRead(datagram[..plainLength], this))
        {
            _stats.IncrementDroppedInbound();
        }
    }

    /// <inheritdoc/>
    public void OnConsentExpired() => Close(ViewerCloseReason.ConsentExpired);

    /// <inheritdoc/>
    public void OnPacket(ReadOnlySpan<byte> rtpPacket, in VideoPacketInfo info)
    {
        if (_state != ViewerSessionState.Connected)
        {
            return;
        }

        if (info.Codec != Codec)
        {
            // The camera now sends the other codec (its settings changed, or this was the first viewer of an H.265
            // camera, answered before FFmpeg had said so). The browser negotiated this one: end the session so the
            // player offers again and gets an answer, or a plain refusal, for the codec the camera really sends.
            // Not closed here: this runs inside the source's fan-out.
            CloseForCodecChange();
            return;
        }

        lock (_sendLock)
        {
            SrtpContext? srtp = _srtpOut;
            SocketAddress? remote = _remote;
            RetransmissionHistory? history = _history;
            if (srtp is null || remote is null || history is null || Volatile.Read(ref _closed) != 0)
            {
                return;
            }

            if (rtpPacket.Length < 12 || rtpPacket.Length + SrtpProfileInfo.RtpOverhead(srtp.Profile) > _sendBuffer.Length)
            {
                _stats.IncrementDroppedOutbound();
                return;
            }

            Span<byte> packet = _sendBuffer.AsSpan(0, rtpPacket.Length);
            rtpPacket.CopyTo(packet);
            _rewriter.Rewrite(packet, info);
            ushort sequence = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);
            uint timestamp = BinaryPrimitives.ReadUInt32BigEndian(packet[4..]);
            if (!srtp.TryProtectRtp(_sendBuffer, rtpPacket.Length, out int protectedLength))
            {
                history.Store(sequence, 0, 0); // never sent: its slot must not answer with an older packet of this number
                _stats.IncrementDroppedOutbound();
                return;
            }

            ReadOnlySpan<byte> wire = _sendBuffer.AsSpan(0, protectedLength);
            history.Store(sequence, info.SourcePacketNumber, timestamp);
            _lastRtpTimestamp = timestamp;
            _lastRtpSendTimestamp = _time.GetTimestamp();
            _stats.CountSent(rtpPacket.Length - 12);
            if (DropOutgoingRtp?.Invoke(sequence) == true)
            {
                return;
            }

            _mux.Send(wire, remote);
        }
    }

    // Not closed in place: this runs inside a source's fan-out, which holds the source's lock.
    private void CloseForCodecChange()
    {
        if (Interlocked.Exchange(ref _codecChangeClosing, 1) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static session => session.Close(ViewerCloseReason.CodecChanged), this, preferLocal: false);
        }
    }

    /// <summary>
    /// Sends an RTCP sender report (RFC 3550 §6.4.1) for the video SSRC, and one for the audio SSRC once audio flows,
    /// so the browser can measure RTT and synchronise the two tracks.
    /// </summary>
    internal void SendSenderReport()
    {
        if (_state != ViewerSessionState.Connected)
        {
            return;
        }

        lock (_sendLock)
        {
            SrtpContext? srtp = _srtpOut;
            SocketAddress? remote = _remote;
            if (srtp is null || remote is null)
            {
                return;
            }

            // One reading of both clocks for both reports: the browser places audio and video on one timeline by
            // mapping each SSRC's RTP timestamp to the NTP time of its SR, so both must describe the same instant.
            long now = _time.GetTimestamp();
            ulong ntp = NtpTime.FromDateTimeOffset(_time.GetUtcNow());
            ViewerStatsSnapshot stats = _stats.Snapshot();
            uint? videoRtpNow = null;
            if (_lastRtpSendTimestamp != 0)
            {
                uint rtpNow = RtcpSenderReport.ExtrapolateRtpTimestamp(
                    _lastRtpTimestamp, _time.GetElapsedTime(_lastRtpSendTimestamp, now), RtpStreamRewriter.VideoClockRate);
                SendReport(srtp, remote, Ssrc, ntp, rtpNow, stats.PacketsSent, stats.PayloadBytesSent);
                videoRtpNow = rtpNow;
            }

            if (_audioRewriter is not null && _lastAudioSendTimestamp != 0)
            {
                uint rtpNow = AudioTimestampAtVideoInstant(videoRtpNow, out uint aligned)
                    ? aligned
                    : RtcpSenderReport.ExtrapolateRtpTimestamp(
                        _lastAudioRtpTimestamp, _time.GetElapsedTime(_lastAudioSendTimestamp, now), _audioRewriter.ClockRate);
                SendReport(srtp, remote, _audioRewriter.OutputSsrc, ntp, rtpNow, stats.AudioPacketsSent, stats.AudioPayloadBytesSent);
            }
        }
    }

    // Caller holds _sendLock. Each SR goes out as its own SRTCP packet under its own SSRC's SRTCP index.
    private void SendReport(SrtpContext srtp, SocketAddress remote, uint ssrc, ulong ntp, uint rtpTimestamp, long packets, long octets)
    {
        // §6.4.1: both counts wrap modulo 2^32.
        int length = RtcpSenderReport.Write(_rtcpBuffer, ssrc, ntp, rtpTimestamp, unchecked((uint)packets), unchecked((uint)octets));
        if (length > 0 && srtp.TryProtectRtcp(_rtcpBuffer, length, out int protectedLength))
        {
            _mux.Send(_rtcpBuffer.AsSpan(0, protectedLength), remote);
        }
    }

    /// <inheritdoc/>
    public void OnReceiverReport(in RtcpReportBlock block)
    {
        if (block.Ssrc == Ssrc)
        {
            _stats.UpdateFromReceiverReport(block, NtpTime.FromDateTimeOffset(_time.GetUtcNow()));
        }
    }

    /// <inheritdoc/>
    public void OnNack(uint mediaSsrc, ReadOnlySpan<ushort> lostSequenceNumbers)
    {
        if (mediaSsrc != Ssrc)
        {
            return;
        }

        _stats.CountNack(lostSequenceNumbers.Length);
        lock (_retransmitLock)
        {
            foreach (ushort sequence in lostSequenceNumbers)
            {
                long sourcePacket;
                uint timestamp;
                lock (_sendLock)
                {
                    if (_history is not { } history || !history.TryGet(sequence, out sourcePacket, out timestamp))
                    {
                        continue; // never sent, or so long ago that its slot holds a newer packet
                    }
                }

                // Outside _sendLock: the source's fan-out takes its own lock first and ours inside it.
                if (_source.TryCopyPacket(sourcePacket, _retransmitBuffer, out int length))
                {
                    Retransmit(sequence, timestamp, length);
                }
            }
        }
    }

    /// <summary>
    /// Sends the source packet in <c>_retransmitBuffer[..length]</c> again as this viewer's packet
    /// <paramref name="sequence"/>: the same SSRC, payload type, sequence number and timestamp as the first time, so the
    /// same plaintext; protected again by the same SRTP context, which derives the same packet index from the same
    /// sequence number (ROC estimated against the highest index sent, exact while the history spans less than 2^15
    /// packets — <see cref="RetransmissionHistory.MaxCapacity"/>). Same key, same index, same plaintext give the same
    /// keystream over the same bytes and the same tag: the browser receives a byte-identical copy of the first send,
    /// which is the RFC 4585 retransmission (same SSRC and sequence number, no RTX) and not a keystream reuse — that
    /// would need a different plaintext under the same index.
    /// </summary>
    private void Retransmit(ushort sequence, uint timestamp, int length)
    {
        lock (_sendLock)
        {
            SrtpContext? srtp = _srtpOut;
            SocketAddress? remote = _remote;
            if (srtp is null || remote is null || length < 12
                || length + SrtpProfileInfo.RtpOverhead(srtp.Profile) > _retransmitBuffer.Length)
            {
                return;
            }

            Span<byte> packet = _retransmitBuffer.AsSpan(0, length);
            RtpPacketWriter.SetSsrc(packet, Ssrc);
            RtpPacketWriter.SetPayloadType(packet, PayloadType);
            RtpPacketWriter.SetSequenceNumber(packet, sequence);
            RtpPacketWriter.SetTimestamp(packet, timestamp);
            if (srtp.TryProtectRtp(_retransmitBuffer, length, out int protectedLength))
            {
                _mux.Send(_retransmitBuffer.AsSpan(0, protectedLength), remote);
                _stats.CountRetransmitted();
            }
        }
    }

    /// <inheritdoc/>
    public void OnPictureLossIndication(uint mediaSsrc)
    {
        if (mediaSsrc != Ssrc && mediaSsrc != 0)
        {
            return;
        }

        _stats.CountPli();
        long now = _time.GetTimestamp();
        long last = Interlocked.Read(ref _lastPliReplay);
        if (last != 0 && _time.GetElapsedTime(last, now) < s_pliReplayInterval)
        {
            return;
        }

        Interlocked.Exchange(ref _lastPliReplay, now);

        // Not under _sendLock: the source takes its own lock and then calls OnPacket, which takes ours.
        _source.ResendKeyFrame(this);
    }

    /// <inheritdoc/>
    public void OnBye() => Close(ViewerCloseReason.ClosedByPeer);

    /// <summary>Ends the session: DTLS close_notify to the browser, unsubscribe, free the port mapping.</summary>
    public void Close(ViewerCloseReason reason = ViewerCloseReason.ClosedByServer)
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        CloseReason = reason;
        Interlocked.Exchange(ref _subscription, NoSubscription.Instance)?.Dispose();
        Interlocked.Exchange(ref _audioSubscription, NoSubscription.Instance)?.Dispose();
        _mux.Unregister(this);
        _dtls.Closed -= OnDtlsClosed;
        if (reason is ViewerCloseReason.ClosedByServer or ViewerCloseReason.SourceRemoved or ViewerCloseReason.CodecChanged
            or ViewerCloseReason.SourceMoved)
        {
            // close_notify: the browser learns at once (its connection closes) instead of after ICE consent expires,
            // and its player offers again.
            _dtls.Close();
        }

        _dtls.Dispose();
        lock (_sendLock)
        {
            _srtpOut?.Dispose();
            _srtcpIn?.Dispose();
            _srtpOut = null;
            _srtcpIn = null;
        }

        LogClosed(_logger, Id, reason);

        // Listeners (the server's session table) run before the state flips, so whoever observes Closed
        // also finds the session gone from the server.
        Closed?.Invoke(this, reason);
        _state = ViewerSessionState.Closed;
    }

    public void Dispose() => Close();

    private sealed class NoSubscription : IDisposable
    {
        public static readonly NoSubscription Instance = new();

        public void Dispose()
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Viewer {SessionId} connected to {Camera} ({Profile})")]
    private static partial void LogConnected(ILogger logger, string sessionId, string camera, SrtpProfile profile);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Viewer {SessionId}: DTLS handshake failed: {Reason}")]
    private static partial void LogHandshakeFailed(ILogger logger, string sessionId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Viewer {SessionId} closed: {Reason}")]
    private static partial void LogClosed(ILogger logger, string sessionId, ViewerCloseReason reason);
}
