using System.Collections.Concurrent;
using Org.BouncyCastle.Tls;

namespace CamStudio.Tests.Media.Dtls;

/// <summary>
/// The client end of an in-process datagram pipe: BouncyCastle's client reads what the server session sends, and its
/// sends go to <see cref="Outgoing"/> (normally the server session's EnqueueIncoming) unless <see cref="DropOutgoing"/>
/// says to lose them.
/// </summary>
internal sealed class TestDatagramTransport : DatagramTransport
{
    private readonly ConcurrentQueue<byte[]> _incoming = new();
    private readonly SemaphoreSlim _available = new(0);
    private readonly CancellationTokenSource _closed = new();
    private readonly int _limit;

    public TestDatagramTransport(int limit = 1200) => _limit = limit;

    public Action<byte[]>? Outgoing { get; set; }

    /// <summary>Return true to drop a datagram the client sends (simulated loss).</summary>
    public Func<byte[], bool>? DropOutgoing { get; set; }

    public ConcurrentQueue<byte[]> Sent { get; } = new();

    public int DroppedOutgoing;

    public void Deliver(ReadOnlySpan<byte> datagram)
    {
        _incoming.Enqueue(datagram.ToArray());
        _available.Release();
    }

    public int GetReceiveLimit() => 1500;

    public int GetSendLimit() => _limit;

    public int Receive(byte[] buf, int off, int len, int waitMillis) => Receive(buf.AsSpan(off, len), waitMillis);

    public int Receive(Span<byte> buffer, int waitMillis)
    {
        try
        {
            if (!_available.Wait(waitMillis > 0 ? waitMillis : Timeout.Infinite, _closed.Token))
            {
                return -1;
            }
        }
        catch (OperationCanceledException e)
        {
            throw new IOException("test transport closed", e);
        }

        _incoming.TryDequeue(out byte[]? datagram);
        int length = Math.Min(datagram!.Length, buffer.Length);
        datagram.AsSpan(0, length).CopyTo(buffer);
        return length;
    }

    public void Send(byte[] buf, int off, int len) => Send(buf.AsSpan(off, len));

    public void Send(ReadOnlySpan<byte> buffer)
    {
        byte[] datagram = buffer.ToArray();
        Sent.Enqueue(datagram);
        if (DropOutgoing?.Invoke(datagram) == true)
        {
            Interlocked.Increment(ref DroppedOutgoing);
            return;
        }

        Outgoing?.Invoke(datagram);
    }

    public void Close() => _closed.Cancel();
}
