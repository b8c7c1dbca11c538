using System.Numerics;

namespace CamStudio.Media.Rtp;

/// <summary>
/// Per-viewer ring buffer of recently sent, already SRTP-protected packets, answered from when a generic NACK
/// (RFC 4585 §6.2.1) arrives. Retransmitting the protected bytes as they were sent is what RFC 4585 asks for without
/// RTX (RFC 4588): same SSRC, same sequence number, and no second SRTP pass (the SRTP index is unchanged).
/// </summary>
/// <remarks>
/// All slots live in one array allocated up front; <see cref="Store"/> copies into the slot, so there is no
/// allocation per packet. Slot = sequence number modulo capacity (capacity rounded up to a power of two so the
/// mapping survives the 16-bit wrap), and each slot remembers its sequence number, so a slot reused by a newer packet
/// never answers for an older one. Thread safety: <see cref="Store"/> and <see cref="TryCopyTo"/> take an internal
/// lock, because packets are stored on the camera's receive thread while NACKs arrive on the socket's receive thread.
/// <see cref="TryGet"/> hands out a view into the ring, which the next <see cref="Store"/> may overwrite: use it only
/// when the caller serialises both itself.
/// </remarks>
public sealed class RtpPacketHistory
{
    private readonly Lock _lock = new();
    private readonly byte[] _data;
    private readonly int[] _lengths;
    private readonly ushort[] _sequenceNumbers;
    private readonly int _mask;
    private readonly int _maxPacketSize;

    public RtpPacketHistory(int capacityPackets, int maxPacketSize = 1500)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacityPackets, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(capacityPackets, 32768);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPacketSize, 12);
        int capacity = (int)BitOperations.RoundUpToPowerOf2((uint)capacityPackets);
        Capacity = capacity;
        _mask = capacity - 1;
        _maxPacketSize = maxPacketSize;
        _data = new byte[capacity * maxPacketSize];
        _lengths = new int[capacity];
        _sequenceNumbers = new ushort[capacity];
    }

    /// <summary>Number of slots (the requested capacity rounded up to a power of two).</summary>
    public int Capacity { get; }

    /// <summary>
    /// Copies <paramref name="protectedPacket"/> into the slot for <paramref name="sequenceNumber"/>. A packet larger than
    /// maxPacketSize is not kept (the slot is emptied, so a NACK for it is simply not answered).
    /// </summary>
    public void Store(ushort sequenceNumber, ReadOnlySpan<byte> protectedPacket)
    {
        int slot = sequenceNumber & _mask;
        lock (_lock)
        {
            _sequenceNumbers[slot] = sequenceNumber;
            if (protectedPacket.Length > _maxPacketSize || protectedPacket.IsEmpty)
            {
                _lengths[slot] = 0;
                return;
            }

            protectedPacket.CopyTo(_data.AsSpan(slot * _maxPacketSize, _maxPacketSize));
            _lengths[slot] = protectedPacket.Length;
        }
    }

    /// <summary>
    /// A view of the stored packet, valid until the next <see cref="Store"/>. Not synchronised: see the class remarks.
    /// </summary>
    public bool TryGet(ushort sequenceNumber, out ReadOnlySpan<byte> protectedPacket)
    {
        int slot = sequenceNumber & _mask;
        int length = _lengths[slot];
        if (length == 0 || _sequenceNumbers[slot] != sequenceNumber)
        {
            protectedPacket = default;
            return false;
        }

        protectedPacket = _data.AsSpan(slot * _maxPacketSize, length);
        return true;
    }

    /// <summary>Copies the stored packet into <paramref name="destination"/> under the lock (safe from any thread).</summary>
    public bool TryCopyTo(ushort sequenceNumber, Span<byte> destination, out int bytesWritten)
    {
        int slot = sequenceNumber & _mask;
        lock (_lock)
        {
            int length = _lengths[slot];
            if (length == 0 || _sequenceNumbers[slot] != sequenceNumber || destination.Length < length)
            {
                bytesWritten = 0;
                return false;
            }

            _data.AsSpan(slot * _maxPacketSize, length).CopyTo(destination);
            bytesWritten = length;
            return true;
        }
    }
}
