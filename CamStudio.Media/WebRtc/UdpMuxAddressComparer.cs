using System.Net;
using CamStudio.Media.Stun;

namespace CamStudio.Media.WebRtc;

/// <summary>
/// Compares socket addresses by their bytes so the receive loop can look up the reused, mutable receive
/// <see cref="SocketAddress"/> without allocating. Keys stored in a dictionary must be copies.
/// </summary>
internal sealed class UdpMuxAddressComparer : IEqualityComparer<SocketAddress>
{
    public static UdpMuxAddressComparer Instance { get; } = new();

    public bool Equals(SocketAddress? x, SocketAddress? y) =>
        ReferenceEquals(x, y) || (x is not null && x.ContentEquals(y));

    public int GetHashCode(SocketAddress obj) => obj.GetContentHashCode();
}
