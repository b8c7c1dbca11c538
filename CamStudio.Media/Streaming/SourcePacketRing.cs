using System.Numerics;

namespace CamStudio.Media.Streaming;

/// <summary>
/// The last few seconds of a camera stream's live RTP packets, as the source received them (one copy per stream, not
/// per viewer), keyed by the source's packet number. Viewers answer a NACK from here: their own history only holds
/// packet numbers (see <see cref="Rtp.RetransmissionHistory"/>). Not thread-safe: <see cref="VideoRtpSource"/> guards it
/// with its fan-out lock, which the NACK path takes for the copy.
/// </summary>
/// <remarks>
/// Fixed slots allocated up front, slot = packet number modulo capacity (a power of two). Packet numbers only grow
/// (64-bit, they never wrap), so each slot's stored number is its generation: a slot reused by a newer packet never
/// answers for the older one, and number 0 (never issued) marks an empty slot.
/// </remarks>
internal sealed class SourcePacketRing
{
    /// <summary>FFmpeg sends <c>pkt_size 1200</c>; the slack keeps a header extension, larger packets are not kept.</summary>
    public const int SlotBytes = 1280;

    private readonly byte[] _data;
    private readonly long[] _numbers;
    private readonly ushort[] _lengths;
    private readonly int _mask;

    public SourcePacketRing(int capacityPackets)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacityPackets, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(capacityPackets, 1 << 16);
        int capacity = (int)BitOperations.RoundUpToPowerOf2((uint)capacityPackets);
        Capacity = capacity;
        _mask = capacity - 1;
        _data = new byte[capacity * SlotBytes];
        _numbers = new long[capacity];
        _lengths = new ushort[capacity];
    }

    /// <summary>Number of slots (the requested capacity rounded up to a power of two).</summary>
    public int Capacity { get; }

    /// <summary>Bytes this ring holds on to.</summary>
    public long AllocatedBytes => (long)Capacity * (SlotBytes + sizeof(long) + sizeof(ushort));

    /// <summary>
    /// Keeps <paramref name="packet"/> as number <paramref name="packetNumber"/> (positive, increasing). A packet longer
    /// than <see cref="SlotBytes"/> still takes the slot, empty, so the slot's older packet is not mistaken for it.
    /// </summary>
    public void Store(long packetNumber, ReadOnlySpan<byte> packet)
    {
        if (packetNumber <= 0)
        {
            return;
        }

        int slot = (int)(packetNumber & _mask);
        _numbers[slot] = packetNumber;
        if (packet.Length > SlotBytes)
        {
            _lengths[slot] = 0;
            return;
        }

        packet.CopyTo(_data.AsSpan(slot * SlotBytes, SlotBytes));
        _lengths[slot] = (ushort)packet.Length;
    }

    /// <summary>Copies packet <paramref name="packetNumber"/> when it is still here and fits; false otherwise.</summary>
    public bool TryCopyTo(long packetNumber, Span<byte> destination, out int bytesWritten)
    {
        bytesWritten = 0;
        if (packetNumber <= 0)
        {
            return false;
        }

        int slot = (int)(packetNumber & _mask);
        int length = _lengths[slot];
        if (_numbers[slot] != packetNumber || length == 0 || length > destination.Length)
        {
            return false;
        }

        _data.AsSpan(slot * SlotBytes, length).CopyTo(destination);
        bytesWritten = length;
        return true;
    }
}
