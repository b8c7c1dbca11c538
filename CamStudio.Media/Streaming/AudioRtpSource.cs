using CamStudio.Media.Audio;
using CamStudio.Media.Net;
using CamStudio.Media.Rtcp;
using CamStudio.Media.Rtp;
using Microsoft.Extensions.Logging;

namespace CamStudio.Media.Streaming;

/// <summary>
/// A camera stream's audio: receives FFmpeg's audio RTP (G.711 copied, or Opus transcoded) on a loopback UDP port and
/// fans every packet out to the subscribed sessions. Unlike video there is nothing to cache: each packet decodes on its
/// own, so a new viewer simply starts with the next one (20 ms later).
/// </summary>
/// <remarks>
/// Same shape as <see cref="VideoRtpSource"/>: a receive thread of its own (<see cref="UdpReceiveThread"/>), one lock
/// around the fan-out, a subscriber array replaced only on subscribe/unsubscribe. It lives as long as its <see cref="CameraStream"/>, across FFmpeg runs.
/// </remarks>
public sealed partial class AudioRtpSource : IAudioStreamSource, IAsyncDisposable
{
    private readonly ILogger<AudioRtpSource> _logger;
    private readonly TimeProvider _time;
    private readonly UdpReceiveThread _receiver;
    private readonly FfmpegRtcpReceiver _rtcp;
    private readonly Lock _lock = new();
    private Subscription[] _subscriptions = [];
    private AudioCodec? _codec;
    private long _packets, _dropped;
    private DateTimeOffset? _lastPacketTime;

    /// <param name="logger">For receive errors and sink failures.</param>
    /// <param name="timeProvider">Stamps <see cref="LastPacketTime"/>.</param>
    /// <param name="threadName">The receive thread's name (15 characters show in <c>/proc</c>).</param>
    public AudioRtpSource(ILogger<AudioRtpSource> logger, TimeProvider timeProvider, string threadName = "camstudio-audio")
    {
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _time = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        var socket = LoopbackUdp.Bind();
        Port = LoopbackUdp.PortOf(socket);
        _receiver = new UdpReceiveThread(socket, VideoRtpSource.ReceiveBufferSize, threadName, (datagram, _) => OnDatagram(datagram), logger);
        try
        {
            _rtcp = new FfmpegRtcpReceiver(_logger, "camstudio-artcp");
        }
        catch
        {
            _receiver.Dispose();
            throw;
        }
    }

    /// <summary>The bound UDP port on 127.0.0.1, for FFmpeg's audio <c>rtp://127.0.0.1:PORT</c>.</summary>
    public int Port { get; }

    /// <summary>The loopback UDP port for FFmpeg's sender reports on this output (<c>?rtcpport=</c>).</summary>
    public int RtcpPort => _rtcp.Port;

    /// <inheritdoc/>
    public RtpClockAnchor? ClockAnchor => _rtcp.Latest;

    /// <inheritdoc/>
    public AudioCodec? Codec { get { lock (_lock) { return _codec; } } }

    public int SubscriberCount => Volatile.Read(ref _subscriptions).Length;

    /// <summary>Packets received and fanned out since construction.</summary>
    public long Packets { get { lock (_lock) { return _packets; } } }

    /// <summary>Datagrams that were not RTP (or too long) and were dropped.</summary>
    public long DroppedPackets { get { lock (_lock) { return _dropped; } } }

    public DateTimeOffset? LastPacketTime { get { lock (_lock) { return _lastPacketTime; } } }

    /// <summary>
    /// What the next FFmpeg run sends (set before it launches), or null when the stream carries no audio (the setting
    /// is off, or the camera turned out to have none).
    /// </summary>
    public void SetCodec(AudioCodec? codec)
    {
        lock (_lock)
        {
            _codec = codec;
        }
    }

    /// <inheritdoc/>
    public IDisposable Subscribe(IAudioPacketSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        var subscription = new Subscription(this, sink);
        lock (_lock)
        {
            _subscriptions = [.. _subscriptions, subscription];
        }

        return subscription;
    }

    /// <summary>Receives until <paramref name="ct"/> is cancelled or the source is disposed; the task never faults.</summary>
    public Task RunAsync(CancellationToken ct) =>
        Task.WhenAll(_receiver.Start(ct), _rtcp.RunAsync(ct));

    /// <summary>Handles one datagram (internal for tests that feed packets without a socket).</summary>
    internal void OnDatagram(ReadOnlySpan<byte> packet)
    {
        lock (_lock)
        {
            if (_codec is not { } codec || packet.Length >= VideoRtpSource.ReceiveBufferSize
                || !RtpHeader.TryRead(packet, out RtpHeader header) || header.PayloadLength == 0)
            {
                _dropped++;
                return;
            }

            _packets++;
            _lastPacketTime = _time.GetUtcNow();
            var info = new AudioPacketInfo(codec, header.Timestamp, header.Ssrc, header.SequenceNumber);
            foreach (Subscription subscription in _subscriptions)
            {
                try
                {
                    subscription.Sink.OnAudioPacket(packet, info);
                }
                catch (Exception ex)
                {
                    if (subscription.Failures++ % 1000 == 0)
                    {
                        Log.SinkFailed(_logger, subscription.Failures, ex);
                    }
                }
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        _receiver.Dispose();
        _rtcp.Dispose();
        return ValueTask.CompletedTask;
    }

    private void Unsubscribe(Subscription subscription)
    {
        lock (_lock)
        {
            _subscriptions = Array.FindAll(_subscriptions, s => !ReferenceEquals(s, subscription));
        }
    }

    private sealed class Subscription(AudioRtpSource source, IAudioPacketSink sink) : IDisposable
    {
        private int _disposed;

        public IAudioPacketSink Sink { get; } = sink;

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
        [LoggerMessage(Level = LogLevel.Warning, Message = "An audio packet sink threw (failure {Count}); it keeps its subscription")]
        public static partial void SinkFailed(ILogger logger, long count, Exception exception);
    }
}
