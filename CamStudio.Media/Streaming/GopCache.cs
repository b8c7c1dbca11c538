namespace CamStudio.Media.Streaming;

/// <summary>
/// The packets of the current GOP (and of a possible next GOP being assembled at its end), stored back to back in one
/// byte buffer. Not thread-safe: <see cref="VideoRtpSource"/> guards it with its fan-out lock.
/// </summary>
/// <remarks>
/// The buffer starts small and doubles up to the byte bound, so a camera with a 200 kB GOP does not pin the whole bound;
/// growth happens a handful of times per stream, never per packet. When a packet would exceed the bound the cache is
/// marked <see cref="IsTruncated"/> and takes nothing more; the source then starts over at the next keyframe.
/// </remarks>
internal sealed class GopCache
{
    private const int InitialBytes = 256 * 1024;
    private const int InitialEntries = 256;

    private readonly int _maxBytes;
    private byte[] _data;
    private Entry[] _entries = new Entry[InitialEntries];

    public GopCache(int maxBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1);
        _maxBytes = maxBytes;
        _data = new byte[Math.Min(maxBytes, InitialBytes)];
    }

    public int Count { get; private set; }

    /// <summary>The most packets the cache has held since the stream (re)started: the largest burst a replay may send.</summary>
    public int PeakCount { get; private set; }

    public int Bytes { get; private set; }

    /// <summary>Entry 0 is the first packet of a GOP (SPS/PPS/IDR access unit).</summary>
    public bool HasGop { get; set; }

    public bool IsTruncated { get; private set; }

    public int MaxBytes => _maxBytes;

    /// <summary>Appends a copy of <paramref name="packet"/>; false (and truncated from now on) if the bound is reached.</summary>
    public bool TryAppend(ReadOnlySpan<byte> packet, bool isAccessUnitEnd, uint timestamp, uint ssrc, ushort sequenceNumber)
    {
        if (IsTruncated || Bytes + packet.Length > _maxBytes)
        {
            IsTruncated = true;
            return false;
        }

        if (Bytes + packet.Length > _data.Length)
        {
            int size = _data.Length;
            while (size < Bytes + packet.Length)
            {
                size = (int)Math.Min((long)size * 2, _maxBytes);
            }

            Array.Resize(ref _data, size);
        }

        if (Count == _entries.Length)
        {
            Array.Resize(ref _entries, _entries.Length * 2);
        }

        packet.CopyTo(_data.AsSpan(Bytes));
        _entries[Count++] = new Entry(Bytes, packet.Length, isAccessUnitEnd, timestamp, ssrc, sequenceNumber);
        Bytes += packet.Length;
        PeakCount = Math.Max(PeakCount, Count);
        return true;
    }

    /// <summary>Drops entries before <paramref name="index"/> (compacting the rest to the front) and clears truncation.</summary>
    public void DiscardBefore(int index)
    {
        if (index <= 0)
        {
            return;
        }

        if (index >= Count)
        {
            Clear();
            return;
        }

        int offset = _entries[index].Offset;
        _data.AsSpan(offset, Bytes - offset).CopyTo(_data);
        for (int i = index; i < Count; i++)
        {
            Entry e = _entries[i];
            _entries[i - index] = e with { Offset = e.Offset - offset };
        }

        Count -= index;
        Bytes -= offset;
        IsTruncated = false;
    }

    public void Clear()
    {
        Count = 0;
        PeakCount = 0;
        Bytes = 0;
        HasGop = false;
        IsTruncated = false;
    }

    public ReadOnlySpan<byte> GetPacket(int index, out Entry entry)
    {
        entry = _entries[index];
        return _data.AsSpan(entry.Offset, entry.Length);
    }

    internal readonly record struct Entry(int Offset, int Length, bool IsAccessUnitEnd, uint Timestamp, uint Ssrc,
        ushort SequenceNumber);
}
