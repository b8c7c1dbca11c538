using System.Net;
using System.Net.Sockets;
using CamStudio.Media.Net;
using CamStudio.Media.Rtcp;
using CamStudio.Media.Rtp;
using CamStudio.Media.Video;
using Microsoft.Extensions.Logging;

namespace CamStudio.Media.Streaming;

/// <summary>
/// One running camera stream: receives FFmpeg's RTP (H.264 per RFC 6184 or H.265 per RFC 7798) on a loopback UDP port, finds access units and keyframes,
/// keeps the current GOP and fans every packet out to the subscribed viewers.
/// </summary>
/// <remarks>
/// Everything per packet happens on the source's receive thread (<see cref="UdpReceiveThread"/>, "camstudio-video") under one <see cref="Lock"/>: cache update, then a synchronous call
/// to each sink. <see cref="Subscribe"/> and <see cref="ResendKeyFrame"/> replay the cache under the same lock, which is
/// what guarantees a new viewer sees cache then live with no gap and no duplicate. The subscriber array is replaced on
/// subscribe/unsubscribe only (copy-on-write), never copied per packet.
/// A viewer is only ever given a stream that starts at a keyframe: while there is no complete cached GOP (before the
/// first IDR, or after the cache hit its byte bound) a new or re-synced viewer waits, and at the next IDR it gets that
/// access unit's packets from the cache and continues live.
/// </remarks>
public sealed partial class VideoRtpSource : IVideoStreamSource, IAsyncDisposable
{
    /// <summary>Datagrams this long or longer are taken as truncated and dropped (FFmpeg sends pkt_size 1200).</summary>
    public const int ReceiveBufferSize = 2048;

    /// <summary>
    /// Live packets kept for NACK answers, shared by all viewers of the stream: ~4 s at 2.5 Mbit/s, well past the
    /// round trip a NACK needs (1,024 × 1,280 bytes = 1.25 MiB per watched stream, none for an unwatched one).
    /// </summary>
    public const int LiveRetransmissionPackets = 1024;

    private readonly ILogger<VideoRtpSource> _logger;
    private readonly TimeProvider _timeProvider;
    private readonly UdpReceiveThread _receiver;
    private readonly FfmpegRtcpReceiver _rtcp;
    private readonly Lock _lock = new();

    // Mirrors _codecGate for the receive thread, which blocks rather than awaits; set and reset under _lock.
    private readonly ManualResetEventSlim _codecKnownEvent = new(initialState: true);
    private readonly GopCache _cache;

    // The retransmission side of the one copy per stream: numbers every received packet; the ring keeps the recent live
    // ones while anyone watches (allocated by the first subscriber, dropped with the last). Both guarded by _lock.
    private long _packetNumber;
    private SourcePacketRing? _ring;
    private Subscription[] _subscriptions = [];
    private VideoCodec _codec = VideoCodec.H264;
    private TaskCompletionSource _codecGate = CompletedGate();

    public VideoRtpSource(ILogger<VideoRtpSource> logger, TimeProvider timeProvider, int gopCacheMaxBytes = 8 * 1024 * 1024)
    {
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _logger = logger;
        _timeProvider = timeProvider;
        _cache = new GopCache(gopCacheMaxBytes);
        _windowStart = timeProvider.GetTimestamp();
        // A keyframe arrives as a burst of datagrams; a larger kernel buffer rides it out if the thread is descheduled.
        Socket socket = LoopbackUdp.Bind(receiveBufferBytes: 4 * 1024 * 1024);
        Port = LoopbackUdp.PortOf(socket);
        _receiver = new UdpReceiveThread(socket, ReceiveBufferSize, "camstudio-video", OnReceived, _logger);
        try
        {
            _rtcp = new FfmpegRtcpReceiver(_logger, "camstudio-vrtcp");
        }
        catch
        {
            _receiver.Dispose();
            throw;
        }
    }

    /// <summary>The bound UDP port on 127.0.0.1, for FFmpeg's <c>rtp://127.0.0.1:PORT</c>.</summary>
    public int Port { get; }

    /// <summary>The loopback UDP port for FFmpeg's sender reports on this output (<c>?rtcpport=</c>).</summary>
    public int RtcpPort => _rtcp.Port;

    /// <inheritdoc/>
    public RtpClockAnchor? ClockAnchor => _rtcp.Latest;

    public int SubscriberCount => Volatile.Read(ref _subscriptions).Length;

    /// <summary>
    /// Called on the receive loop, inside the fan-out lock, once per complete access unit. Must be cheap and must not
    /// call back into this source (CameraStream uses it to tell the FFmpeg supervisor that video arrives).
    /// </summary>
    public Action? FrameReceived { get; set; }

    /// <summary>
    /// The codec of the payloads: H.264 until told otherwise. Changes only between FFmpeg runs (see
    /// <see cref="HoldForCodec"/>); a change drops the cached GOP, as its packets are of the other codec.
    /// </summary>
    public VideoCodec Codec { get { lock (_lock) { return _codec; } } }

    /// <summary>Completes once the current run's codec is known (at once, unless <see cref="HoldForCodec"/> is pending).</summary>
    public Task CodecKnown => Volatile.Read(ref _codecGate).Task;

    /// <summary>
    /// A new FFmpeg run is about to start and its codec is not known yet: stop reading until <see cref="SetCodec"/>.
    /// Its packets wait in the socket's 4 MiB kernel buffer meanwhile, so none is read as the wrong codec or lost.
    /// </summary>
    public void HoldForCodec()
    {
        lock (_lock)
        {
            if (_codecGate.Task.IsCompleted)
            {
                _codecGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _codecKnownEvent.Reset();
            }
        }
    }

    /// <summary>Sets the codec FFmpeg described for this run and resumes reading.</summary>
    public void SetCodec(VideoCodec codec)
    {
        TaskCompletionSource gate;
        lock (_lock)
        {
            if (codec != _codec)
            {
                _codec = codec;
                _lastSpsLength = 0;
                (_width, _height, _profileLevelId) = (0, 0, null);
                OnSourceRestart();
            }

            gate = _codecGate;
            _codecKnownEvent.Set();
        }

        gate.TrySetResult();
    }

    /// <summary>Receives until <paramref name="ct"/> is cancelled or the source is disposed; the task never faults.</summary>
    public Task RunAsync(CancellationToken ct) => Task.WhenAll(_receiver.Start(ct), _rtcp.RunAsync(ct));

    private void OnReceived(Span<byte> datagram, SocketAddress remote)
    {
        // Checked after the receive: the thread is usually parked in it when a new run begins, and the packet it wakes up
        // with is already the new run's. Stopping cancels the wait, which ends the loop.
        if (!_codecKnownEvent.IsSet)
        {
            _codecKnownEvent.Wait(_receiver.Stopping);
        }

        OnDatagram(datagram);
    }

    /// <inheritdoc/>
    public string? ProfileLevelId => Stats.ProfileLevelId;

    /// <inheritdoc/>
    public int LargestReplayPackets
    {
        get
        {
            lock (_lock)
            {
                return _cache.PeakCount;
            }
        }
    }

    /// <summary>
    /// Adds a viewer. Under the fan-out lock it first gets the cached GOP (IsFromCache = true), then live packets.
    /// Dispose the result to unsubscribe.
    /// </summary>
    public IDisposable Subscribe(IVideoPacketSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        var subscription = new Subscription(this, sink);
        lock (_lock)
        {
            _ring ??= new SourcePacketRing(LiveRetransmissionPackets);
            StartFromCache(subscription);
            _subscriptions = [.. _subscriptions, subscription];
        }

        return subscription;
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Looks in the live ring first (every packet of the last <see cref="LiveRetransmissionPackets"/>, whatever the GOP),
    /// then in the GOP cache (the packets of a join or PLI replay, which can be older than the ring reaches). Takes the
    /// fan-out lock for the copy: it is short, and the caller must not hold a viewer's send lock (the fan-out takes this
    /// lock first and the viewer's inside it).
    /// </remarks>
    public bool TryCopyPacket(long packetNumber, Span<byte> destination, out int bytesWritten)
    {
        lock (_lock)
        {
            if (_ring is { } ring && ring.TryCopyTo(packetNumber, destination, out bytesWritten))
            {
                return true;
            }

            return _cache.TryCopyTo(packetNumber, destination, out bytesWritten);
        }
    }

    /// <summary>PLI/FIR answer: replays the cached GOP to <paramref name="sink"/> only (no-op if it is not subscribed).</summary>
    public void ResendKeyFrame(IVideoPacketSink sink)
    {
        lock (_lock)
        {
            foreach (Subscription subscription in _subscriptions)
            {
                if (ReferenceEquals(subscription.Sink, sink))
                {
                    StartFromCache(subscription);
                    return;
                }
            }
        }
    }

    /// <summary>
    /// Forgets the cached GOP (FFmpeg was stopped). Without this, the first viewer of the next run would be shown the
    /// previous run's picture, possibly minutes old, as if it were live; it waits for the new run's keyframe instead.
    /// </summary>
    public void DiscardCache()
    {
        lock (_lock)
        {
            OnSourceRestart();
        }
    }

    public ValueTask DisposeAsync()
    {
        _receiver.Dispose();
        _rtcp.Dispose();
        _codecKnownEvent.Dispose();
        return ValueTask.CompletedTask;
    }

    private static TaskCompletionSource CompletedGate()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        gate.SetResult();
        return gate;
    }

    private void Unsubscribe(Subscription subscription)
    {
        lock (_lock)
        {
            int index = Array.IndexOf(_subscriptions, subscription);
            if (index < 0)
            {
                return;
            }

            var copy = new Subscription[_subscriptions.Length - 1];
            _subscriptions.AsSpan(0, index).CopyTo(copy);
            _subscriptions.AsSpan(index + 1).CopyTo(copy.AsSpan(index));
            _subscriptions = copy;
            if (copy.Length == 0)
            {
                _ring = null; // nobody left to NACK: an unwatched camera does not pin the ring
            }
        }
    }

    /// <summary>Sends the cache (if it holds a GOP) and decides whether the viewer must wait for the next keyframe.</summary>
    private void StartFromCache(Subscription subscription)
    {
        if (!_cache.HasGop)
        {
            subscription.WaitingForKeyFrame = true;
            return;
        }

        for (int i = 0; i < _cache.Count; i++)
        {
            ReadOnlySpan<byte> packet = _cache.GetPacket(i, out GopCache.Entry entry);
            Deliver(subscription, packet, new VideoPacketInfo(
                i == 0, entry.IsAccessUnitEnd, IsFromCache: true, entry.Timestamp, entry.Ssrc, entry.SequenceNumber, _codec,
                entry.PacketNumber));
        }

        // A truncated cache ends before "now": continuing live from there would feed the decoder P-frames whose
        // references it never got (smeared picture, then PLI storms). Show the cached picture, resume at the next IDR.
        subscription.WaitingForKeyFrame = _cache.IsTruncated;
    }

    private void FanOut(ReadOnlySpan<byte> packet, in VideoPacketInfo info, bool gopStartedNow)
    {
        foreach (Subscription subscription in _subscriptions)
        {
            if (!subscription.WaitingForKeyFrame)
            {
                Deliver(subscription, packet, info);
            }
            else if (gopStartedNow)
            {
                // The cache now holds exactly this GOP's start, up to and including this packet.
                StartFromCache(subscription);
            }
        }
    }

    private void Deliver(Subscription subscription, ReadOnlySpan<byte> packet, in VideoPacketInfo info)
    {
        try
        {
            subscription.Sink.OnPacket(packet, info);
        }
        catch (Exception ex)
        {
            // Log the first failure and then every 1000th, so one broken viewer cannot flood the log at packet rate.
            if (subscription.Failures++ % 1000 == 0)
            {
                Log.SinkFailed(_logger, subscription.Failures, ex);
            }
        }
    }

    private sealed class Subscription(VideoRtpSource source, IVideoPacketSink sink) : IDisposable
    {
        private int _disposed;

        public IVideoPacketSink Sink { get; } = sink;

        public bool WaitingForKeyFrame { get; set; }

        public long Failures { get; set; }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                source.Unsubscribe(this);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "A packet sink threw (failure {Count}); it keeps its subscription")]
        public static partial void SinkFailed(ILogger logger, long count, Exception exception);
    }
}
