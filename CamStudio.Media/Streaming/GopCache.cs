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

    /// <summary>
    /// Appends a copy of <paramref name="packet"/>, known by the source's increasing <paramref name="packetNumber"/> (by
    /// which a NACK finds it again); false (and truncated from now on) if the bound is reached.
    /// </summary>
    public bool TryAppend(ReadOnlySpan<byte> packet, bool isAccessUnitEnd, uint timestamp, uint ssrc, ushort sequenceNumber,
        long packetNumber)
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
        _entries[Count++] = new Entry(Bytes, packet.Length, isAccessUnitEnd, timestamp, ssrc, sequenceNumber, packetNumber);
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

    /// <summary>
    /// Copies the cached packet numbered <paramref name="packetNumber"/>: how a viewer answers a NACK for a packet it
    /// sent in a replay, which the stream's live ring may have dropped since. Entries are appended in arrival order,
    /// so their numbers increase and a binary search finds it (no allocation, ~10 steps for a 1,000-packet GOP).
    /// </summary>
    public bool TryCopyTo(long packetNumber, Span<byte> destination, out int bytesWritten)
    {
        bytesWritten = 0;
        int low = 0;
        int high = Count - 1;
        while (packetNumber > 0 && low <= high)
        {
            int middle = low + ((high - low) >> 1);
            Entry entry = _entries[middle];
            if (entry.PacketNumber == packetNumber)
            {
                if (entry.Length > destination.Length)
                {
                    return false;
                }

                _data.AsSpan(entry.Offset, entry.Length).CopyTo(destination);
                bytesWritten = entry.Length;
                return true;
            }

            if (entry.PacketNumber < packetNumber)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return false;
    }

    internal readonly record struct Entry(int Offset, int Length, bool IsAccessUnitEnd, uint Timestamp, uint Ssrc,
        ushort SequenceNumber, long PacketNumber);
}
