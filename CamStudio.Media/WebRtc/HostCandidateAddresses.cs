using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace CamStudio.Media.WebRtc;

/// <summary>Decides which addresses the answer advertises as host candidates.</summary>
public static class HostCandidateAddresses
{
    /// <summary>
    /// The configured addresses when there are any, otherwise every up, non-loopback IPv4 interface address.
    /// IPv6 link-local addresses are skipped: browsers cannot use them without a zone.
    /// </summary>
    public static IReadOnlyList<IPAddress> Resolve(IReadOnlyList<string> configured)
    {
        ArgumentNullException.ThrowIfNull(configured);
        if (configured.Count > 0)
        {
            var list = new List<IPAddress>(configured.Count);
            foreach (string text in configured)
            {
                if (!IPAddress.TryParse(text, out IPAddress? address))
                {
                    throw new InvalidOperationException(
                        $"WebRtc:AdvertisedAddresses contains '{text}', which is not an IP address.");
                }

                list.Add(address);
            }

            return list;
        }

        var detected = new List<IPAddress>();
        foreach (NetworkInterface nic in NetworkInterface.GetAllNetworkInterfaces())
        {
            if (nic.OperationalStatus != OperationalStatus.Up || nic.NetworkInterfaceType == NetworkInterfaceType.Loopback)
            {
                continue;
            }

            foreach (UnicastIPAddressInformation unicast in nic.GetIPProperties().UnicastAddresses)
            {
                IPAddress address = unicast.Address;
                if (IPAddress.IsLoopback(address))
                {
                    continue;
                }

                if (address.AddressFamily == AddressFamily.InterNetwork ||
                    (address.AddressFamily == AddressFamily.InterNetworkV6 && !address.IsIPv6LinkLocal))
                {
                    detected.Add(address);
                }
            }
        }

        // A machine with nothing but loopback (a developer laptop offline) still gets a usable answer for
        // local tools; browsers will not gather loopback candidates, which is explained in the README.
        if (detected.Count == 0)
        {
            detected.Add(IPAddress.Loopback);
        }

        return detected;
    }
}
