using System.Net;
using CamStudio.Media.Stun;

namespace CamStudio.Tests.Media.Stun;

public class SocketAddressExtensionsTests
{
    [Theory]
    [InlineData("192.0.2.1", 32853, "192.0.2.1")]
    [InlineData("2001:db8:1234:5678:11:2233:4455:6677", 1, "2001:db8:1234:5678:11:2233:4455:6677")]
    [InlineData("::ffff:192.0.2.9", 65535, "192.0.2.9")]
    [InlineData("127.0.0.1", 0, "127.0.0.1")]
    public void TryGetIPAddressAndPort_ReadsTheNativeLayout(string address, int port, string expected)
    {
        var socketAddress = new IPEndPoint(IPAddress.Parse(address), port).Serialize();
        Span<byte> bytes = stackalloc byte[16];

        socketAddress.TryGetIPAddressAndPort(bytes, out int written, out int readPort).Should().BeTrue();

        readPort.Should().Be(port);
        new IPAddress(bytes[..written]).Should().Be(IPAddress.Parse(expected));
        socketAddress.ToIPEndPoint().Should().Be(new IPEndPoint(IPAddress.Parse(expected), port));
    }

    [Fact]
    public void Clone_IsIndependentOfTheOriginal()
    {
        var original = new IPEndPoint(IPAddress.Loopback, 5000).Serialize();
        var copy = original.Clone();

        copy.ContentEquals(original).Should().BeTrue();
        copy.GetContentHashCode().Should().Be(original.GetContentHashCode());

        // A receive loop reuses its SocketAddress for the next datagram: the stored copy must not follow it.
        new IPEndPoint(IPAddress.Loopback, 6000).Serialize().Buffer.Span.CopyTo(original.Buffer.Span);

        copy.ContentEquals(original).Should().BeFalse();
        copy.ToIPEndPoint().Should().Be(new IPEndPoint(IPAddress.Loopback, 5000));
    }
}
