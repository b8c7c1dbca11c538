using System.Globalization;
using System.Net;
using System.Net.Sockets;
using CamStudio.Media.Net;
using CamStudio.Tests.Web.Operations;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CamStudio.Tests.Media.Net;

public sealed class UdpReceiveThreadTests : IDisposable
{
    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(20);
    private readonly Socket _sender = LoopbackUdp.Bind();

    public void Dispose() => _sender.Dispose();

    /// <summary>
    /// Regression: the first receive thread closed the socket under the blocked receive and crashed the test host about
    /// once in ten runs. Each cycle waits until the kernel shows the thread asleep (in recvfrom: its callback has returned,
    /// nothing else blocks it), then disposes: the loop must have ended and the socket be closed when Dispose returns,
    /// woken by the shutdown (not by the fallback datagram, which would log a warning).
    /// </summary>
    [Fact]
    public async Task Dispose_while_blocked_in_receive_ends_the_loop_and_closes_the_socket_200_times()
    {
        using var logs = new CapturingLoggerProvider();
        using var factory = new LoggerFactory([logs]);
        ILogger logger = factory.CreateLogger("rx");
        for (int cycle = 0; cycle < 200; cycle++)
        {
            string name = string.Create(CultureInfo.InvariantCulture, $"rx-test-{cycle}");
            Socket socket = LoopbackUdp.Bind();
            using var received = new SemaphoreSlim(0);
            var receiver = new UdpReceiveThread(socket, 64, name, (_, _) => received.Release(), logger);
            Task completion = receiver.Start(CancellationToken.None);
            _sender.SendTo([0x80, 1, 2], socket.LocalEndPoint!);
            (await received.WaitAsync(s_deadline)).Should().BeTrue("the loop delivers datagrams (cycle {0})", cycle);
            await WaitUntilAsleepAsync(name);

            receiver.Dispose();

            completion.IsCompletedSuccessfully.Should().BeTrue("Dispose joins the thread (cycle {0})", cycle);
            socket.SafeHandle.IsClosed.Should().BeTrue("Dispose closes the socket after the join (cycle {0})", cycle);
            logs.Entries.Should().BeEmpty("shutdown alone wakes a blocked receive on Linux (cycle {0})", cycle);
        }
    }

    [Fact]
    public async Task Dispose_right_after_start_races_the_first_receive_and_still_ends_cleanly_200_times()
    {
        for (int cycle = 0; cycle < 200; cycle++)
        {
            Socket socket = LoopbackUdp.Bind();
            var receiver = new UdpReceiveThread(socket, 64, "rx-test-race", (_, _) => { }, NullLogger.Instance);
            Task completion = receiver.Start(CancellationToken.None);

            receiver.Dispose();

            (await Task.WhenAny(completion, Task.Delay(s_deadline))).Should().BeSameAs(completion);
            socket.SafeHandle.IsClosed.Should().BeTrue();
        }
    }

    [Fact]
    public async Task Cancelling_ends_the_loop_but_leaves_the_socket_open_until_disposed()
    {
        Socket socket = LoopbackUdp.Bind();
        using var receiver = new UdpReceiveThread(socket, 64, "rx-test-cancel", (_, _) => { }, NullLogger.Instance);
        using var cts = new CancellationTokenSource();
        Task completion = receiver.Start(cts.Token);

        await cts.CancelAsync();

        await completion.WaitAsync(s_deadline);
        socket.SafeHandle.IsClosed.Should().BeFalse("only Dispose closes the socket, once the thread is gone");
        receiver.Dispose();
        socket.SafeHandle.IsClosed.Should().BeTrue();
    }

    [Fact]
    public async Task Empty_and_garbage_datagrams_reach_the_callback_and_do_not_stop_the_loop()
    {
        var lengths = new List<int>();
        using var received = new SemaphoreSlim(0);
        using var receiver = Start((datagram, _) =>
        {
            lock (lengths)
            {
                lengths.Add(datagram.Length);
            }

            received.Release();
        });

        // An empty datagram also makes recvfrom return 0, like the shutdown that stops the loop: it must not stop it.
        Send(receiver, []);
        Send(receiver, [0xFF, 0x00, 0x13]);
        Send(receiver, new byte[100]); // longer than the 64-byte buffer: truncated, not fatal
        Send(receiver, [0x80, 0x60]);
        for (int i = 0; i < 4; i++)
        {
            (await received.WaitAsync(s_deadline)).Should().BeTrue();
        }

        lock (lengths)
        {
            lengths.Should().Equal(0, 3, 64, 2);
        }

        receiver.Completion.IsCompleted.Should().BeFalse();
    }

    [Fact]
    public async Task A_throwing_callback_is_logged_and_the_loop_continues()
    {
        using var logs = new CapturingLoggerProvider();
        using var factory = new LoggerFactory([logs]);
        using var received = new SemaphoreSlim(0);
        using var receiver = Start((datagram, _) =>
        {
            received.Release();
            if (datagram[0] == 1)
            {
                throw new InvalidOperationException("bug in packet handling");
            }
        }, factory.CreateLogger("rx"));

        Send(receiver, [1]);
        Send(receiver, [2]);

        (await received.WaitAsync(s_deadline)).Should().BeTrue();
        (await received.WaitAsync(s_deadline)).Should().BeTrue("the datagram after the failure is still received");
        logs.Entries.Should().ContainSingle(e => e.StartsWith("Error", StringComparison.Ordinal)
            && e.Contains("rx-test: handling a datagram failed", StringComparison.Ordinal)
            && e.Contains("bug in packet handling", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_callback_sees_the_senders_address()
    {
        var from = new TaskCompletionSource<IPEndPoint>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var receiver = Start((_, remote) => from.TrySetResult((IPEndPoint)new IPEndPoint(IPAddress.Any, 0).Create(remote)));

        Send(receiver, [0x80]);

        (await from.Task.WaitAsync(s_deadline)).Should().Be(_sender.LocalEndPoint);
    }

    [Fact]
    public async Task Receiving_allocates_nothing_per_datagram()
    {
        const int Warmup = 200, Measured = 2_000;
        long atWarmupEnd = 0, atEnd = 0;
        int count = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var receiver = Start((_, _) =>
        {
            // Runs on the receive thread, so this counts what the receive loop itself allocates there.
            count++;
            if (count == Warmup)
            {
                atWarmupEnd = GC.GetAllocatedBytesForCurrentThread();
            }
            else if (count == Warmup + Measured)
            {
                atEnd = GC.GetAllocatedBytesForCurrentThread();
                done.TrySetResult();
            }
        });

        // Sent in paced batches so the 200 kB default receive buffer never overflows under a loaded machine.
        byte[] datagram = new byte[40];
        datagram[0] = 0x80;
        for (int sent = 0; sent < Warmup + Measured; sent++)
        {
            Send(receiver, datagram);
            if (sent % 100 == 99)
            {
                await WaitForAsync(() => Volatile.Read(ref count) > sent - 50);
            }
        }

        await done.Task.WaitAsync(s_deadline);
        // A per-datagram allocation would be at least 24 bytes x 2,000 = 48 kB; tier-up may allocate a little once.
        (atEnd - atWarmupEnd).Should().BeLessThan(1024);
    }

    [Fact]
    public void Dispose_is_idempotent_and_works_without_start()
    {
        Socket socket = LoopbackUdp.Bind();
        var receiver = new UdpReceiveThread(socket, 64, "rx-test", (_, _) => { }, NullLogger.Instance);

        receiver.Dispose();
        receiver.Dispose();

        socket.SafeHandle.IsClosed.Should().BeTrue();
        receiver.Completion.IsCompletedSuccessfully.Should().BeTrue();
        FluentActions.Invoking(() => { _ = receiver.Start(CancellationToken.None); }).Should().Throw<ObjectDisposedException>();
    }

    [Fact]
    public async Task Dispose_from_inside_the_callback_ends_the_loop_and_closes_the_socket()
    {
        Socket socket = LoopbackUdp.Bind();
        UdpReceiveThread? receiver = null;
        receiver = new UdpReceiveThread(socket, 64, "rx-test", (_, _) => receiver!.Dispose(), NullLogger.Instance);
        Task completion = receiver.Start(CancellationToken.None);

        _sender.SendTo([0x80], socket.LocalEndPoint!);

        await completion.WaitAsync(s_deadline);
        socket.SafeHandle.IsClosed.Should().BeTrue();
    }

    private UdpReceiveThread Start(UdpDatagramHandler onDatagram, ILogger? logger = null)
    {
        var receiver = new UdpReceiveThread(LoopbackUdp.Bind(), 64, "rx-test", onDatagram, logger ?? NullLogger.Instance);
        receiver.Start(CancellationToken.None);
        return receiver;
    }

    private void Send(UdpReceiveThread receiver, byte[] datagram) => _sender.SendTo(datagram, receiver.Socket.LocalEndPoint!);

    /// <summary>Waits until the kernel reports the named thread of this process as sleeping ('S' in its stat).</summary>
    private static Task WaitUntilAsleepAsync(string threadName) => WaitForAsync(() =>
    {
        foreach (string task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                if (File.ReadAllText(Path.Combine(task, "comm")).TrimEnd() == threadName)
                {
                    string stat = File.ReadAllText(Path.Combine(task, "stat"));
                    return stat[(stat.LastIndexOf(')') + 2)..].StartsWith('S');
                }
            }
            catch (IOException)
            {
                // a thread that ended while we looked
            }
        }

        return false;
    });

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + s_deadline;
        while (!condition())
        {
            DateTime.UtcNow.Should().BeBefore(deadline, "the condition should hold within the deadline");
            await Task.Delay(1);
        }
    }
}
