using System.Numerics;

namespace CamStudio.Media.Rtp;

/// <summary>
/// One viewer's record of what it sent, for answering generic NACKs (RFC 4585 §6.2.1): for each of its recent output
/// sequence numbers, which source packet it carried (the stream's packet number, whose bytes the stream keeps once for
/// all its viewers) and the output timestamp the viewer gave it. SSRC and payload type are the viewer's constants, so
/// with these two values the viewer rebuilds exactly the header it sent.
/// </summary>
/// <remarks>
/// 16 bytes per slot instead of a copy of the protected packet (1,500 bytes per slot): a GOP-sized history of 2,048
/// slots is 32 KiB per viewer, not 3 MiB. Slot = sequence number modulo capacity (a power of two, so the mapping
/// survives the 16-bit wrap); each slot remembers its sequence number, so a slot reused by a newer packet never answers
/// for an older one, and a sequence number never sent finds nothing. Not thread-safe: the viewer guards it with its
/// send lock. Allocates only in the constructor.
/// </remarks>
public sealed class RetransmissionHistory
{
    /// <summary>
    /// Larger histories could hold two packets whose sequence numbers are 2^15 apart, and SRTP could no longer tell
    /// their rollover counters apart when it protects the older one again (RFC 3711 §3.3.1 index estimate).
    /// </summary>
    public const int MaxCapacity = 16384;

    private readonly Entry[] _entries;
    private readonly int _mask;

    public RetransmissionHistory(int capacityPackets)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacityPackets, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(capacityPackets, MaxCapacity);
        int capacity = (int)BitOperations.RoundUpToPowerOf2((uint)capacityPackets);
        Capacity = capacity;
        _mask = capacity - 1;
        _entries = new Entry[capacity];
    }

    /// <summary>Number of slots (the requested capacity rounded up to a power of two).</summary>
    public int Capacity { get; }

    /// <summary>Bytes the slots take (what a viewer pays for its NACK history).</summary>
    public long AllocatedBytes => (long)Capacity * System.Runtime.CompilerServices.Unsafe.SizeOf<Entry>();

    /// <summary>
    /// Records that output <paramref name="sequenceNumber"/> carried source packet <paramref name="sourcePacket"/>
    /// (0 = a packet the stream does not keep: the slot is cleared, so a NACK for it is not answered).
    /// </summary>
    public void Store(ushort sequenceNumber, long sourcePacket, uint timestamp) =>
        _entries[sequenceNumber & _mask] = new Entry(sourcePacket, timestamp, sequenceNumber);

    /// <summary>The source packet and output timestamp sent as <paramref name="sequenceNumber"/>, if still recorded.</summary>
    public bool TryGet(ushort sequenceNumber, out long sourcePacket, out uint timestamp)
    {
        Entry entry = _entries[sequenceNumber & _mask];
        if (entry.SourcePacket <= 0 || entry.SequenceNumber != sequenceNumber)
        {
            sourcePacket = 0;
            timestamp = 0;
            return false;
        }

        sourcePacket = entry.SourcePacket;
        timestamp = entry.Timestamp;
        return true;
    }

    private readonly record struct Entry(long SourcePacket, uint Timestamp, ushort SequenceNumber);
}
