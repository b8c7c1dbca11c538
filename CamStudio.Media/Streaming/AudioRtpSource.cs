using System.Net;
using System.Net.Sockets;
using CamStudio.Media.Audio;
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
/// Same shape as <see cref="VideoRtpSource"/>: one reused receive buffer, one lock around the fan-out, a subscriber
/// array replaced only on subscribe/unsubscribe. It lives as long as its <see cref="CameraStream"/>, across FFmpeg runs.
/// </remarks>
public sealed partial class AudioRtpSource : IAudioStreamSource, IAsyncDisposable
{
    private readonly ILogger<AudioRtpSource> _logger;
    private readonly TimeProvider _time;
    private readonly Socket _socket;
    private readonly FfmpegRtcpReceiver _rtcp;
    private readonly byte[] _buffer = new byte[VideoRtpSource.ReceiveBufferSize];
    private readonly Lock _lock = new();
    private Subscription[] _subscriptions = [];
    private AudioCodec? _codec;
    private long _packets, _dropped;
    private DateTimeOffset? _lastPacketTime;

    public AudioRtpSource(ILogger<AudioRtpSource> logger, TimeProvider timeProvider)
    {
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _time = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        }
        catch
        {
            _socket.Dispose();
            throw;
        }

        Port = ((IPEndPoint)_socket.LocalEndPoint!).Port;
        try
        {
            _rtcp = new FfmpegRtcpReceiver(_logger);
        }
        catch
        {
            _socket.Dispose();
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

    /// <summary>Receives until <paramref name="ct"/> is cancelled or the source is disposed.</summary>
    public Task RunAsync(CancellationToken ct) => Task.WhenAll(ReceiveRtpAsync(ct), _rtcp.RunAsync(ct));

    private async Task ReceiveRtpAsync(CancellationToken ct)
    {
        Memory<byte> buffer = _buffer;
        while (!ct.IsCancellationRequested)
        {
            int received;
            try
            {
                received = await _socket.ReceiveAsync(buffer, SocketFlags.None, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex)
            {
                Log.ReceiveFailed(_logger, ex.SocketErrorCode, ex);
                continue;
            }

            try
            {
                OnDatagram(_buffer.AsSpan(0, received));
            }
            catch (Exception ex)
            {
                // A bug in packet handling must not silence the camera for every viewer.
                Log.PacketFailed(_logger, ex);
            }
        }
    }

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
        _socket.Dispose();
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
        [LoggerMessage(Level = LogLevel.Warning, Message = "Audio RTP receive failed ({Error}); continuing")]
        public static partial void ReceiveFailed(ILogger logger, SocketError error, Exception exception);

        [LoggerMessage(Level = LogLevel.Error, Message = "Handling an audio RTP packet failed; packet dropped")]
        public static partial void PacketFailed(ILogger logger, Exception exception);

        [LoggerMessage(Level = LogLevel.Warning, Message = "An audio packet sink threw (failure {Count}); it keeps its subscription")]
        public static partial void SinkFailed(ILogger logger, long count, Exception exception);
    }
}
