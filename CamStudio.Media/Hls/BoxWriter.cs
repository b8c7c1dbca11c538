using System.Buffers.Binary;

namespace CamStudio.Media.Hls;

/// <summary>
/// Sequential big-endian writer of ISO BMFF boxes (ISO/IEC 14496-12 §4.2). A box's 32-bit size is patched in
/// <see cref="EndBox"/>, so nesting needs no size arithmetic at the call site. The callers size the destination with
/// their GetByteCount first; writing past the end is a bug in that count, not bad input.
/// </summary>
internal ref struct BoxWriter(Span<byte> destination)
{
    /// <summary>size (4) + type (4).</summary>
    public const int BoxHeaderSize = 8;

    /// <summary>Box header + version (1) + flags (3).</summary>
    public const int FullBoxHeaderSize = 12;

    private readonly Span<byte> _destination = destination;

    public int Position { get; private set; }

    /// <summary>Writes a box header with a placeholder size; returns where the box starts, for <see cref="EndBox"/>.</summary>
    public int BeginBox(scoped ReadOnlySpan<byte> type)
    {
        int start = Position;
        WriteUInt32(0);
        WriteBytes(type);
        return start;
    }

    public int BeginFullBox(scoped ReadOnlySpan<byte> type, byte version, uint flags)
    {
        int start = BeginBox(type);
        WriteUInt32(((uint)version << 24) | (flags & 0x00FF_FFFF));
        return start;
    }

    public readonly void EndBox(int start) =>
        BinaryPrimitives.WriteUInt32BigEndian(_destination[start..], (uint)(Position - start));

    public void WriteByte(byte value) => _destination[Position++] = value;

    public void WriteUInt16(ushort value)
    {
        BinaryPrimitives.WriteUInt16BigEndian(_destination[Position..], value);
        Position += sizeof(ushort);
    }

    public void WriteUInt32(uint value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(_destination[Position..], value);
        Position += sizeof(uint);
    }

    public void WriteUInt64(ulong value)
    {
        BinaryPrimitives.WriteUInt64BigEndian(_destination[Position..], value);
        Position += sizeof(ulong);
    }

    public void WriteZeros(int count)
    {
        _destination.Slice(Position, count).Clear();
        Position += count;
    }

    public void WriteBytes(scoped ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(_destination[Position..]);
        Position += bytes.Length;
    }

    /// <summary>Writes the unity transformation matrix of mvhd/tkhd (§8.2.2.3): {0x00010000,0,0, 0,0x00010000,0, 0,0,0x40000000}.</summary>
    public void WriteUnityMatrix()
    {
        WriteUInt32(0x0001_0000);
        WriteZeros(12);
        WriteUInt32(0x0001_0000);
        WriteZeros(12);
        WriteUInt32(0x4000_0000);
    }
}
