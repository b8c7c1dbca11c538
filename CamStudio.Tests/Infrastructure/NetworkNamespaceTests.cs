using System.Net;
using System.Net.Sockets;

namespace CamStudio.Tests.Infrastructure;

public sealed class NetworkNamespaceTests
{
    [Fact]
    public void Tests_run_inside_the_private_namespace_with_only_its_addresses()
    {
        IPAddress host = NetworkNamespace.RequireWebRtcHost();

        host.Should().Be(IPAddress.Parse("10.213.0.1"));
        NetworkNamespace.IsInside.Should().BeTrue();
        NetworkNamespace.LocalAddresses().Where(a => a.AddressFamily == AddressFamily.InterNetwork)
            .Should().BeEquivalentTo([IPAddress.Loopback, NetworkNamespace.WebRtcHost, NetworkNamespace.Gateway],
                "scripts/netns-run.sh creates exactly lo, cs0 and cs1; any other address means the tests see the real network");
    }

    [Fact]
    public async Task Udp_between_the_namespace_addresses_stays_on_the_veth_pair()
    {
        NetworkNamespace.RequireWebRtcHost();
        using var receiver = new UdpClient(new IPEndPoint(NetworkNamespace.WebRtcHost, 0));
        using var sender = new UdpClient(new IPEndPoint(NetworkNamespace.Gateway, 0));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));

        await sender.SendAsync(new byte[] { 1, 2, 3 }, (IPEndPoint)receiver.Client.LocalEndPoint!, timeout.Token);
        UdpReceiveResult received = await receiver.ReceiveAsync(timeout.Token);

        received.Buffer.Should().Equal(1, 2, 3);
        received.RemoteEndPoint.Address.Should().Be(NetworkNamespace.Gateway);
    }
}
