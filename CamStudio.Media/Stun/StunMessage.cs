using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace CamStudio.Media.Stun;

// RFC 8489 §5, message header:
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |0 0|     STUN Message Type     |         Message Length        |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                         Magic Cookie                          |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                     Transaction ID (96 bits)                  |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// RFC 8489 §14, each attribute (value padded to a multiple of 4 bytes):
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |         Type                  |            Length             |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                         Value (variable)                ....
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+

/// <summary>
/// A validated, zero-copy view of one STUN message. <see cref="TryRead"/> checks the framing (header,
/// cookie, every attribute inside the length, MESSAGE-INTEGRITY 20 bytes, FINGERPRINT 4 bytes and last);
/// the accessors then only slice.
/// </summary>
public readonly ref struct StunMessage
{
    public const int HeaderLength = 20;
    public const int TransactionIdLength = 12;
    public const uint MagicCookie = 0x2112A442;
    public const int AttributeHeaderLength = 4;
    public const int MessageIntegrityLength = 20;
    public const int FingerprintLength = 4;

    internal const int TypeOffset = 0;
    internal const int LengthOffset = 2;
    internal const int CookieOffset = 4;
    internal const int TransactionIdOffset = 8;
    internal const uint FingerprintXor = 0x5354554E;

    private const int MaxStackScratch = 512;

    private readonly ReadOnlySpan<byte> _data;
    private readonly int _integrityOffset;
    private readonly int _fingerprintOffset;

    private StunMessage(ReadOnlySpan<byte> data, int integrityOffset, int fingerprintOffset)
    {
        _data = data;
        _integrityOffset = integrityOffset;
        _fingerprintOffset = fingerprintOffset;
    }

    /// <summary>The raw message type; compare with <see cref="StunMessageType"/> values.</summary>
    public StunMessageType Type => (StunMessageType)RawType;

    public ushort RawType => BinaryPrimitives.ReadUInt16BigEndian(_data);

    public StunMessageClass Class => StunMessageTypes.GetClass(RawType);

    public ushort Method => StunMessageTypes.GetMethod(RawType);

    public ReadOnlySpan<byte> TransactionId => _data.Slice(TransactionIdOffset, TransactionIdLength);

    /// <summary>The whole message, header included.</summary>
    public ReadOnlySpan<byte> Data => _data;

    /// <summary>The attribute area (everything after the header).</summary>
    public ReadOnlySpan<byte> AttributeData => _data[HeaderLength..];

    public bool HasMessageIntegrity => _integrityOffset >= 0;

    public bool HasFingerprint => _fingerprintOffset >= 0;

    /// <summary>
    /// Parses one STUN message from the start of <paramref name="data"/>. Returns false (never throws) on
    /// anything malformed. <paramref name="bytesRead"/> is 20 + the header's length field; a datagram
    /// carrying trailing bytes is the caller's call (the ICE agent rejects it).
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> data, out StunMessage message, out int bytesRead)
    {
        message = default;
        bytesRead = 0;
        if (data.Length < HeaderLength || (data[0] & 0xC0) != 0
            || BinaryPrimitives.ReadUInt32BigEndian(data[CookieOffset..]) != MagicCookie)
        {
            return false;
        }

        int length = BinaryPrimitives.ReadUInt16BigEndian(data[LengthOffset..]);
        if ((length & 3) != 0 || HeaderLength + length > data.Length)
        {
            return false;
        }

        int end = HeaderLength + length;
        int offset = HeaderLength;
        int integrityOffset = -1;
        int fingerprintOffset = -1;
        while (offset < end)
        {
            if (fingerprintOffset >= 0 || end - offset < AttributeHeaderLength)
            {
                // FINGERPRINT must be the last attribute (RFC 8489 §14.7).
                return false;
            }

            var type = (StunAttributeType)BinaryPrimitives.ReadUInt16BigEndian(data[offset..]);
            int valueLength = BinaryPrimitives.ReadUInt16BigEndian(data[(offset + 2)..]);
            int padded = Pad(valueLength);
            if (padded > end - offset - AttributeHeaderLength)
            {
                return false;
            }

            if (type == StunAttributeType.MessageIntegrity && integrityOffset < 0)
            {
                if (valueLength != MessageIntegrityLength)
                {
                    return false;
                }

                integrityOffset = offset;
            }
            else if (type == StunAttributeType.Fingerprint)
            {
                if (valueLength != FingerprintLength)
                {
                    return false;
                }

                fingerprintOffset = offset;
            }

            offset += AttributeHeaderLength + padded;
        }

        message = new StunMessage(data[..end], integrityOffset, fingerprintOffset);
        bytesRead = end;
        return true;
    }

    /// <summary>Value length rounded up to the 4-byte attribute boundary.</summary>
    public static int Pad(int valueLength) => (valueLength + 3) & ~3;

    /// <summary>Enumerates every attribute in wire order, including any that follow MESSAGE-INTEGRITY.</summary>
    public StunAttributeEnumerator GetAttributes() => new(AttributeData);

    /// <summary>
    /// Finds the first attribute of <paramref name="type"/>. Attributes after MESSAGE-INTEGRITY are ignored
    /// as RFC 8489 §14.5 requires (they are not covered by the HMAC), except FINGERPRINT.
    /// </summary>
    public bool TryGetAttribute(StunAttributeType type, out ReadOnlySpan<byte> value)
    {
        if (type == StunAttributeType.Fingerprint)
        {
            value = HasFingerprint ? _data.Slice(_fingerprintOffset + AttributeHeaderLength, FingerprintLength) : default;
            return HasFingerprint;
        }

        ReadOnlySpan<byte> searched = HasMessageIntegrity
            ? _data[HeaderLength..(_integrityOffset + AttributeHeaderLength + MessageIntegrityLength)]
            : AttributeData;
        foreach (var attribute in new StunAttributeEnumerator(searched))
        {
            if (attribute.Type == type)
            {
                value = attribute.Value;
                return true;
            }
        }

        value = default;
        return false;
    }

    public bool HasAttribute(StunAttributeType type) => TryGetAttribute(type, out _);

    public bool TryGetUsername(out ReadOnlySpan<byte> utf8) => TryGetAttribute(StunAttributeType.Username, out utf8);

    public bool TryGetSoftware(out ReadOnlySpan<byte> utf8) => TryGetAttribute(StunAttributeType.Software, out utf8);

    /// <summary>PRIORITY (RFC 8445 §16.1): exactly 4 bytes.</summary>
    public bool TryGetPriority(out uint priority) => TryGetUInt32(StunAttributeType.Priority, out priority);

    /// <summary>USE-CANDIDATE (RFC 8445 §16.1): a flag with an empty value.</summary>
    public bool HasUseCandidate => TryGetAttribute(StunAttributeType.UseCandidate, out _);

    /// <summary>ICE-CONTROLLING tie-breaker (RFC 8445 §16.1): exactly 8 bytes.</summary>
    public bool TryGetIceControlling(out ulong tieBreaker) => TryGetUInt64(StunAttributeType.IceControlling, out tieBreaker);

    /// <summary>ICE-CONTROLLED tie-breaker (RFC 8445 §16.1): exactly 8 bytes.</summary>
    public bool TryGetIceControlled(out ulong tieBreaker) => TryGetUInt64(StunAttributeType.IceControlled, out tieBreaker);

    /// <summary>ERROR-CODE (RFC 8489 §14.8): class*100 + number, and the UTF-8 reason phrase.</summary>
    public bool TryGetErrorCode(out int code, out ReadOnlySpan<byte> reasonUtf8)
    {
        code = 0;
        reasonUtf8 = default;
        if (!TryGetAttribute(StunAttributeType.ErrorCode, out var value) || value.Length < 4)
        {
            return false;
        }

        int errorClass = value[2] & 0x07;
        int number = value[3];
        if (errorClass < 3 || number > 99)
        {
            return false;
        }

        code = (errorClass * 100) + number;
        reasonUtf8 = value[4..];
        return true;
    }

    /// <summary>XOR-MAPPED-ADDRESS (RFC 8489 §14.2), IPv4 or IPv6. Allocates the endpoint: client/test use.</summary>
    public bool TryGetXorMappedAddress([NotNullWhen(true)] out IPEndPoint? endPoint)
    {
        endPoint = null;
        if (!TryGetAttribute(StunAttributeType.XorMappedAddress, out var value) || value.Length < 4)
        {
            return false;
        }

        int port = BinaryPrimitives.ReadUInt16BigEndian(value[2..]) ^ (int)(MagicCookie >> 16);
        Span<byte> mask = stackalloc byte[16];
        BinaryPrimitives.WriteUInt32BigEndian(mask, MagicCookie);
        TransactionId.CopyTo(mask[4..]);
        Span<byte> address = stackalloc byte[16];
        int addressLength = value[1] switch
        {
            StunAddressFamily.IPv4 => 4,
            StunAddressFamily.IPv6 => 16,
            _ => 0,
        };
        if (addressLength == 0 || value.Length != 4 + addressLength)
        {
            return false;
        }

        for (int i = 0; i < addressLength; i++)
        {
            address[i] = (byte)(value[4 + i] ^ mask[i]);
        }

        endPoint = new IPEndPoint(new IPAddress(address[..addressLength]), port);
        return true;
    }

    /// <summary>
    /// Checks MESSAGE-INTEGRITY (RFC 8489 §14.5): HMAC-SHA1 keyed with <paramref name="key"/> over the message
    /// up to the attribute, with the header length field rewritten to end right after it. For short-term
    /// credentials (ICE) the key is the password's UTF-8 bytes; see <see cref="StunCredentials"/> for long-term.
    /// </summary>
    public bool VerifyMessageIntegrity(ReadOnlySpan<byte> key)
    {
        if (!HasMessageIntegrity)
        {
            return false;
        }

        Span<byte> mac = stackalloc byte[MessageIntegrityLength];
        ComputeIntegrity(key, _data[.._integrityOffset], mac);
        return CryptographicOperations.FixedTimeEquals(
            mac, _data.Slice(_integrityOffset + AttributeHeaderLength, MessageIntegrityLength));
    }

    /// <summary>Checks FINGERPRINT (RFC 8489 §14.7): CRC-32 of everything before it, XOR 0x5354554E.</summary>
    public bool VerifyFingerprint()
    {
        if (!HasFingerprint)
        {
            return false;
        }

        uint expected = StunCrc32.Compute(_data[.._fingerprintOffset]) ^ FingerprintXor;
        return BinaryPrimitives.ReadUInt32BigEndian(_data[(_fingerprintOffset + AttributeHeaderLength)..]) == expected;
    }

    /// <summary>HMAC over <paramref name="prefix"/> (header + attributes before MESSAGE-INTEGRITY) with the length patched.</summary>
    internal static void ComputeIntegrity(ReadOnlySpan<byte> key, ReadOnlySpan<byte> prefix, Span<byte> destination)
    {
        // The header length must claim to end right after MESSAGE-INTEGRITY, so hash a patched copy;
        // STUN checks are small, so the copy almost always lives on the stack.
        byte[]? rented = null;
        Span<byte> scratch = prefix.Length <= MaxStackScratch
            ? stackalloc byte[MaxStackScratch]
            : (rented = ArrayPool<byte>.Shared.Rent(prefix.Length));
        try
        {
            prefix.CopyTo(scratch);
            int patchedLength = prefix.Length - HeaderLength + AttributeHeaderLength + MessageIntegrityLength;
            BinaryPrimitives.WriteUInt16BigEndian(scratch[LengthOffset..], (ushort)patchedLength);
            HMACSHA1.HashData(key, scratch[..prefix.Length], destination);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private bool TryGetUInt32(StunAttributeType type, out uint result)
    {
        bool ok = TryGetAttribute(type, out var value) && value.Length == 4;
        result = ok ? BinaryPrimitives.ReadUInt32BigEndian(value) : 0;
        return ok;
    }

    private bool TryGetUInt64(StunAttributeType type, out ulong result)
    {
        bool ok = TryGetAttribute(type, out var value) && value.Length == 8;
        result = ok ? BinaryPrimitives.ReadUInt64BigEndian(value) : 0;
        return ok;
    }
}

/// <summary>Address family byte of (XOR-)MAPPED-ADDRESS (RFC 8489 §14.1).</summary>
public static class StunAddressFamily
{
    public const byte IPv4 = 0x01;
    public const byte IPv6 = 0x02;

    internal static byte From(AddressFamily family) => family == AddressFamily.InterNetworkV6 ? IPv6 : IPv4;
}

/// <summary>One attribute as seen by <see cref="StunAttributeEnumerator"/>; <see cref="Value"/> excludes padding.</summary>
public readonly ref struct StunAttribute
{
    public StunAttribute(StunAttributeType type, ReadOnlySpan<byte> value)
    {
        Type = type;
        Value = value;
    }

    public StunAttributeType Type { get; }

    public ReadOnlySpan<byte> Value { get; }
}

/// <summary>Walks an attribute area that <see cref="StunMessage.TryRead"/> already validated.</summary>
public ref struct StunAttributeEnumerator
{
    private readonly ReadOnlySpan<byte> _attributes;
    private int _next;
    private StunAttribute _current;

    internal StunAttributeEnumerator(ReadOnlySpan<byte> attributes)
    {
        _attributes = attributes;
        _next = 0;
        _current = default;
    }

    public readonly StunAttribute Current => _current;

    public readonly StunAttributeEnumerator GetEnumerator() => this;

    public bool MoveNext()
    {
        if (_attributes.Length - _next < StunMessage.AttributeHeaderLength)
        {
            return false;
        }

        var type = (StunAttributeType)BinaryPrimitives.ReadUInt16BigEndian(_attributes[_next..]);
        int length = BinaryPrimitives.ReadUInt16BigEndian(_attributes[(_next + 2)..]);
        int start = _next + StunMessage.AttributeHeaderLength;
        if (length > _attributes.Length - start)
        {
            return false;
        }

        _current = new StunAttribute(type, _attributes.Slice(start, length));
        _next = start + Math.Min(StunMessage.Pad(length), _attributes.Length - start);
        return true;
    }
}
