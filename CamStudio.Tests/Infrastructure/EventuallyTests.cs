using System.Diagnostics;

namespace CamStudio.Tests.Infrastructure;

public sealed class EventuallyTests
{
    [Fact]
    public async Task Returns_as_soon_as_the_condition_holds()
    {
        var clock = Stopwatch.StartNew();
        int calls = 0;

        await Eventually.WaitUntilAsync(() => ++calls == 3, TimeSpan.FromSeconds(30), "third poll");

        calls.Should().Be(3);
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Throws_with_the_reason_when_the_deadline_passes()
    {
        Func<Task> waiting = () => Eventually.WaitUntilAsync(() => Task.FromResult(false), TimeSpan.FromMilliseconds(100), "the moon turns blue");

        (await waiting.Should().ThrowAsync<TimeoutException>()).WithMessage("*the moon turns blue*");
    }

    [Fact]
    public void Free_ports_are_bindable_on_loopback()
    {
        int tcp = FreePort.Tcp();
        int udp = FreePort.Udp();

        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, tcp);
        listener.Start();
        listener.Stop();
        using var client = new System.Net.Sockets.UdpClient(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, udp));
        tcp.Should().BePositive();
        udp.Should().BePositive();
    }
}
