using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace CamStudio.Media.Stun;

/// <summary>
/// Builds a STUN message in place in a caller-provided span (see <see cref="StunMessage"/> for the layout).
/// Write the header first, then attributes in order, then MESSAGE-INTEGRITY and FINGERPRINT last. Every
/// method returns false, leaving the buffer consistent up to the previous attribute, when the span is too small
/// or the call is out of order. The header length field always matches what has been written.
/// </summary>
public ref struct StunMessageWriter
{
    private const int XorAddressHeaderLength = 4;
    private const int ErrorCodeHeaderLength = 4;

    private readonly Span<byte> _buffer;
    private int _length;
    private bool _sealed;

    public StunMessageWriter(Span<byte> buffer)
    {
        _buffer = buffer;
        _length = 0;
        _sealed = false;
    }

    /// <summary>Bytes written so far: the whole message once FINGERPRINT (or the last attribute) is written.</summary>
    public readonly int BytesWritten => _length;

    public readonly ReadOnlySpan<byte> WrittenSpan => _buffer[.._length];

    /// <summary>Size of one attribute on the wire.</summary>
    public static int GetAttributeByteCount(int valueLength) => StunMessage.AttributeHeaderLength + StunMessage.Pad(valueLength);

    public bool TryWriteHeader(StunMessageType type, scoped ReadOnlySpan<byte> transactionId) =>
        TryWriteHeader((ushort)type, transactionId);

    public bool TryWriteHeader(ushort rawType, scoped ReadOnlySpan<byte> transactionId)
    {
        if (_length != 0 || (rawType & 0xC000) != 0 || transactionId.Length != StunMessage.TransactionIdLength
            || _buffer.Length < StunMessage.HeaderLength)
        {
            return false;
        }

        BinaryPrimitives.WriteUInt16BigEndian(_buffer, rawType);
        BinaryPrimitives.WriteUInt16BigEndian(_buffer[StunMessage.LengthOffset..], 0);
        BinaryPrimitives.WriteUInt32BigEndian(_buffer[StunMessage.CookieOffset..], StunMessage.MagicCookie);
        transactionId.CopyTo(_buffer[StunMessage.TransactionIdOffset..]);
        _length = StunMessage.HeaderLength;
        return true;
    }

    /// <summary>
    /// Appends an attribute. <paramref name="padding"/> fills the bytes up to the 4-byte boundary; RFC 8489 §14
    /// lets them be anything and receivers must ignore them (RFC 5769's samples use spaces).
    /// </summary>
    public bool TryWriteAttribute(StunAttributeType type, scoped ReadOnlySpan<byte> value, byte padding = 0)
    {
        if (!TryBeginAttribute(type, value.Length, out var destination))
        {
            return false;
        }

        value.CopyTo(destination);
        destination[value.Length..StunMessage.Pad(value.Length)].Fill(padding);
        return true;
    }

    public bool TryWriteUInt32Attribute(StunAttributeType type, uint value)
    {
        if (!TryBeginAttribute(type, 4, out var destination))
        {
            return false;
        }

        BinaryPrimitives.WriteUInt32BigEndian(destination, value);
        return true;
    }

    public bool TryWriteUInt64Attribute(StunAttributeType type, ulong value)
    {
        if (!TryBeginAttribute(type, 8, out var destination))
        {
            return false;
        }

        BinaryPrimitives.WriteUInt64BigEndian(destination, value);
        return true;
    }

    /// <summary>XOR-MAPPED-ADDRESS (RFC 8489 §14.2); an IPv4-mapped IPv6 address is written as IPv4.</summary>
    public bool TryWriteXorMappedAddress(IPAddress address, int port)
    {
        ArgumentNullException.ThrowIfNull(address);
        Span<byte> bytes = stackalloc byte[16];
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if ((uint)port > ushort.MaxValue || !address.TryWriteBytes(bytes, out int written))
        {
            return false;
        }

        return TryWriteXorMappedAddress(bytes[..written], port);
    }

    /// <summary>XOR-MAPPED-ADDRESS from a socket address as received by the socket, without allocating.</summary>
    public bool TryWriteXorMappedAddress(SocketAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        return address.TryGetIPAddressAndPort(bytes, out int written, out int port)
            && TryWriteXorMappedAddress(bytes[..written], port);
    }

    /// <summary>ERROR-CODE (RFC 8489 §14.8) with a UTF-8 reason phrase (keep it under 128 characters).</summary>
    public bool TryWriteErrorCode(int code, scoped ReadOnlySpan<byte> reasonUtf8)
    {
        if (code is < 300 or > 699 || reasonUtf8.Length > 763
            || !TryBeginAttribute(StunAttributeType.ErrorCode, ErrorCodeHeaderLength + reasonUtf8.Length, out var destination))
        {
            return false;
        }

        destination[0] = 0;
        destination[1] = 0;
        destination[2] = (byte)(code / 100);
        destination[3] = (byte)(code % 100);
        reasonUtf8.CopyTo(destination[ErrorCodeHeaderLength..]);
        destination[(ErrorCodeHeaderLength + reasonUtf8.Length)..StunMessage.Pad(ErrorCodeHeaderLength + reasonUtf8.Length)].Clear();
        return true;
    }

    /// <summary>UNKNOWN-ATTRIBUTES (RFC 8489 §14.9) for a 420 response.</summary>
    public bool TryWriteUnknownAttributes(scoped ReadOnlySpan<ushort> types)
    {
        if (!TryBeginAttribute(StunAttributeType.UnknownAttributes, types.Length * 2, out var destination))
        {
            return false;
        }

        for (int i = 0; i < types.Length; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(destination[(2 * i)..], types[i]);
        }

        destination[(types.Length * 2)..StunMessage.Pad(types.Length * 2)].Clear();
        return true;
    }

    /// <summary>MESSAGE-INTEGRITY (RFC 8489 §14.5) over everything written so far, keyed with <paramref name="key"/>.</summary>
    public bool TryWriteMessageIntegrity(scoped ReadOnlySpan<byte> key)
    {
        int start = _length;
        if (!TryBeginAttribute(StunAttributeType.MessageIntegrity, StunMessage.MessageIntegrityLength, out var destination))
        {
            return false;
        }

        // The header already claims the length up to the end of this attribute, as the HMAC requires.
        Span<byte> mac = stackalloc byte[StunMessage.MessageIntegrityLength];
        StunMessage.ComputeIntegrity(key, _buffer[..start], mac);
        mac.CopyTo(destination);
        return true;
    }

    /// <summary>FINGERPRINT (RFC 8489 §14.7); nothing may be written after it.</summary>
    public bool TryWriteFingerprint()
    {
        int start = _length;
        if (!TryBeginAttribute(StunAttributeType.Fingerprint, StunMessage.FingerprintLength, out var destination))
        {
            return false;
        }

        uint crc = StunCrc32.Compute(_buffer[..start]) ^ StunMessage.FingerprintXor;
        BinaryPrimitives.WriteUInt32BigEndian(destination, crc);
        _sealed = true;
        return true;
    }

    private bool TryWriteXorMappedAddress(scoped ReadOnlySpan<byte> address, int port)
    {
        if (!TryBeginAttribute(StunAttributeType.XorMappedAddress, XorAddressHeaderLength + address.Length, out var destination))
        {
            return false;
        }

        destination[0] = 0;
        destination[1] = address.Length == 16 ? StunAddressFamily.IPv6 : StunAddressFamily.IPv4;
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)(port ^ (int)(StunMessage.MagicCookie >> 16)));

        // The XOR mask is the cookie followed by the transaction id, both already in the header.
        ReadOnlySpan<byte> mask = _buffer.Slice(StunMessage.CookieOffset, 16);
        for (int i = 0; i < address.Length; i++)
        {
            destination[XorAddressHeaderLength + i] = (byte)(address[i] ^ mask[i]);
        }

        return true;
    }

    private bool TryBeginAttribute(StunAttributeType type, int valueLength, out Span<byte> value)
    {
        value = default;
        int total = GetAttributeByteCount(valueLength);
        if (_length < StunMessage.HeaderLength || _sealed || valueLength > ushort.MaxValue
            || total > _buffer.Length - _length || _length - StunMessage.HeaderLength + total > ushort.MaxValue)
        {
            return false;
        }

        BinaryPrimitives.WriteUInt16BigEndian(_buffer[_length..], (ushort)type);
        BinaryPrimitives.WriteUInt16BigEndian(_buffer[(_length + 2)..], (ushort)valueLength);
        value = _buffer.Slice(_length + StunMessage.AttributeHeaderLength, StunMessage.Pad(valueLength));
        _length += total;
        BinaryPrimitives.WriteUInt16BigEndian(_buffer[StunMessage.LengthOffset..], (ushort)(_length - StunMessage.HeaderLength));
        return true;
    }
}
