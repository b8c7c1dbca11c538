using System.Net;
using System.Net.NetworkInformation;

namespace CamStudio.Tests.Infrastructure;

/// <summary>
/// The private network namespace scripts/test.sh runs the .NET tests in (scripts/netns-run.sh): a veth pair
/// cs0 = 10.213.0.1 and cs1 = 10.213.0.2 and a default route through it. WebRTC needs a non-loopback address to gather
/// ICE candidates; inside the namespace that address exists and no packet can leave the machine.
/// </summary>
public static class NetworkNamespace
{
    /// <summary>The address the server side of WebRTC tests uses (cs0).</summary>
    public static IPAddress WebRtcHost { get; } = IPAddress.Parse("10.213.0.1");

    /// <summary>The peer end of the veth pair (cs1), the namespace's default gateway.</summary>
    public static IPAddress Gateway { get; } = IPAddress.Parse("10.213.0.2");

    /// <summary>True when an interface of this process's network namespace has <see cref="WebRtcHost"/>.</summary>
    public static bool IsInside => LocalAddresses().Contains(WebRtcHost);

    /// <summary>Every unicast address on the interfaces this process can see.</summary>
    public static IReadOnlyList<IPAddress> LocalAddresses() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .SelectMany(nic => nic.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .ToList();

    /// <summary>
    /// Returns <see cref="WebRtcHost"/> when running inside the project's namespace; otherwise throws, so a WebRTC test
    /// run outside the namespace fails with a clear message instead of talking to the machine's real network.
    /// </summary>
    public static IPAddress RequireWebRtcHost()
    {
        if (IsInside)
        {
            return WebRtcHost;
        }

        throw new InvalidOperationException(
            "This test needs the private network namespace with 10.213.0.1: run through scripts/test.sh " +
            "(needs the network namespace), e.g. scripts/test.sh --filter \"FullyQualifiedName~MyTest\".");
    }
}
