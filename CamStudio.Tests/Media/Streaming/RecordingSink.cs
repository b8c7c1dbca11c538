using CamStudio.Media.Rtp;
using CamStudio.Media.Streaming;
using CamStudio.Media.Video;

namespace CamStudio.Tests.Media.Streaming;

/// <summary>Keeps a copy of every packet it gets and lets a test wait for a count with a deadline.</summary>
internal sealed class RecordingSink : IVideoPacketSink, IDisposable
{
    private readonly Lock _lock = new();
    private readonly List<(byte[] Packet, VideoPacketInfo Info)> _packets = [];
    private readonly SemaphoreSlim _arrived = new(0);

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _packets.Count;
            }
        }
    }

    public void OnPacket(ReadOnlySpan<byte> rtpPacket, in VideoPacketInfo info)
    {
        lock (_lock)
        {
            _packets.Add((rtpPacket.ToArray(), info));
        }

        _arrived.Release();
    }

    public (byte[] Packet, VideoPacketInfo Info)[] Snapshot()
    {
        lock (_lock)
        {
            return [.. _packets];
        }
    }

    public ushort[] SourceSequenceNumbers() =>
        Snapshot().Select(p => RtpHeader.TryRead(p.Packet, out RtpHeader h) ? h.SequenceNumber : (ushort)0).ToArray();

    public async Task WaitForCountAsync(int count, TimeSpan? timeout = null)
    {
        DateTime deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (Count < count)
        {
            TimeSpan left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !await _arrived.WaitAsync(left))
            {
                throw new TimeoutException($"expected {count} packets, got {Count}");
            }
        }
    }

    /// <summary>Re-checks <paramref name="condition"/> each time a packet arrives, until it holds or the deadline passes.</summary>
    public async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        DateTime deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            TimeSpan left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !await _arrived.WaitAsync(left))
            {
                throw new TimeoutException($"condition not met after {Count} packets");
            }
        }
    }

    public void Dispose() => _arrived.Dispose();
}
