using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace CamStudio.Media.Stun;

/// <summary>
/// Allocation-free helpers over <see cref="SocketAddress"/>, the mutable buffer that
/// <c>Socket.ReceiveFromAsync(..., SocketAddress, ...)</c> fills. Since .NET 8 its buffer holds the native
/// sockaddr, whose port (offset 2, big-endian) and address (offset 4 for IPv4, 8 for IPv6) sit at the same
/// place on Linux, Windows and macOS; the tests pin this against <see cref="IPEndPoint.Serialize"/>.
/// </summary>
public static class SocketAddressExtensions
{
    private const int PortOffset = 2;
    private const int IPv4AddressOffset = 4;
    private const int IPv6AddressOffset = 8;
    private const int IPv4SockAddrLength = 8;
    private const int IPv6SockAddrLength = 24;

    /// <summary>A copy that stays valid when the socket reuses the original for the next datagram.</summary>
    public static SocketAddress Clone(this SocketAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var copy = new SocketAddress(address.Family, address.Size);
        address.Buffer.Span[..address.Size].CopyTo(copy.Buffer.Span);
        return copy;
    }

    /// <summary>Byte-wise equality over the used part of the buffer.</summary>
    public static bool ContentEquals(this SocketAddress address, SocketAddress? other) =>
        other is not null && address.Size == other.Size
        && address.Buffer.Span[..address.Size].SequenceEqual(other.Buffer.Span[..other.Size]);

    /// <summary>Hash over the used part of the buffer (matches <see cref="ContentEquals"/>).</summary>
    public static int GetContentHashCode(this SocketAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var hash = default(HashCode);
        hash.AddBytes(address.Buffer.Span[..address.Size]);
        return hash.ToHashCode();
    }

    /// <summary>
    /// Copies the IP address bytes (4 or 16; an IPv4-mapped IPv6 address yields its 4 IPv4 bytes) and reads the port.
    /// </summary>
    public static bool TryGetIPAddressAndPort(this SocketAddress address, Span<byte> destination, out int bytesWritten, out int port)
    {
        ArgumentNullException.ThrowIfNull(address);
        bytesWritten = 0;
        port = 0;
        ReadOnlySpan<byte> raw = address.Buffer.Span[..address.Size];
        if (address.Family == AddressFamily.InterNetwork && raw.Length >= IPv4SockAddrLength && destination.Length >= 4)
        {
            port = BinaryPrimitives.ReadUInt16BigEndian(raw[PortOffset..]);
            raw.Slice(IPv4AddressOffset, 4).CopyTo(destination);
            bytesWritten = 4;
            return true;
        }

        if (address.Family == AddressFamily.InterNetworkV6 && raw.Length >= IPv6SockAddrLength && destination.Length >= 16)
        {
            port = BinaryPrimitives.ReadUInt16BigEndian(raw[PortOffset..]);
            ReadOnlySpan<byte> ip = raw.Slice(IPv6AddressOffset, 16);
            if (IsIPv4Mapped(ip))
            {
                ip[12..].CopyTo(destination);
                bytesWritten = 4;
            }
            else
            {
                ip.CopyTo(destination);
                bytesWritten = 16;
            }

            return true;
        }

        return false;
    }

    /// <summary>Allocating conversion for logs and tests.</summary>
    public static IPEndPoint? ToIPEndPoint(this SocketAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        return address.TryGetIPAddressAndPort(bytes, out int written, out int port)
            ? new IPEndPoint(new IPAddress(bytes[..written]), port)
            : null;
    }

    private static bool IsIPv4Mapped(ReadOnlySpan<byte> ip) =>
        ip[..10].IndexOfAnyExcept((byte)0) < 0 && ip[10] == 0xFF && ip[11] == 0xFF;
}
