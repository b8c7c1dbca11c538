using System.Buffers;
using System.Collections.Concurrent;
using Org.BouncyCastle.Tls;

namespace CamStudio.Media.Dtls;

/// <summary>
/// Adapts the shared UDP socket to BouncyCastle's blocking <see cref="DatagramTransport"/>: the receive thread pushes
/// copies into a bounded queue, the DTLS thread blocks in <see cref="Receive(Span{byte}, int)"/> for at most the wait
/// time BouncyCastle asks for (its retransmission timer depends on that). Sends go straight to the caller's delegate.
/// </summary>
internal sealed class QueuedDatagramTransport : DatagramTransport
{
    private readonly DtlsDatagramSender _send;
    private readonly int _sendLimit;
    private readonly int _receiveLimit;
    private readonly int _capacity;
    private readonly ConcurrentQueue<(byte[] Buffer, int Length)> _queue = new();
    private readonly SemaphoreSlim _available = new(0);
    private readonly CancellationTokenSource _closed = new();
    private int _count;
    private int _closeRequested;
    private long _dropped;

    public QueuedDatagramTransport(DtlsDatagramSender send, int sendLimit, int receiveLimit, int capacity)
    {
        _send = send;
        _sendLimit = sendLimit;
        _receiveLimit = receiveLimit;
        _capacity = capacity;
    }

    /// <summary>Set once BouncyCastle (after close_notify or a fatal alert) or the session closed the transport.</summary>
    public bool IsClosed => Volatile.Read(ref _closeRequested) != 0;

    /// <summary>Datagrams dropped because the queue was full, oversized, or arrived after close.</summary>
    public long DroppedCount => Interlocked.Read(ref _dropped);

    /// <summary>Datagrams queued and not yet read by BouncyCastle.</summary>
    public int PendingCount => Volatile.Read(ref _count);

    /// <summary>Copies a datagram into the queue. Never blocks and never throws; drops when full or closed.</summary>
    public bool TryEnqueue(ReadOnlySpan<byte> datagram)
    {
        if (datagram.IsEmpty || datagram.Length > _receiveLimit || IsClosed)
        {
            Interlocked.Increment(ref _dropped);
            return false;
        }

        // Reserve a slot first so concurrent producers cannot overshoot the bound.
        if (Interlocked.Increment(ref _count) > _capacity)
        {
            Interlocked.Decrement(ref _count);
            Interlocked.Increment(ref _dropped);
            return false;
        }

        byte[] buffer = ArrayPool<byte>.Shared.Rent(datagram.Length);
        datagram.CopyTo(buffer);
        _queue.Enqueue((buffer, datagram.Length));
        try
        {
            _available.Release();
        }
        catch (ObjectDisposedException)
        {
            // Raced with Dispose; the buffer is lost to the pool, which is harmless.
        }

        return true;
    }

    public int GetReceiveLimit() => _receiveLimit;

    public int GetSendLimit() => _sendLimit;

    public int Receive(byte[] buf, int off, int len, int waitMillis) => Receive(buf.AsSpan(off, len), waitMillis);

    public int Receive(Span<byte> buffer, int waitMillis)
    {
        // BouncyCastle never asks for a zero wait in practice; treat it like a socket's ReceiveTimeout = 0 (infinite).
        int timeout = waitMillis > 0 ? waitMillis : Timeout.Infinite;
        bool signalled;
        try
        {
            signalled = _available.Wait(timeout, _closed.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
        {
            // An IOException makes BouncyCastle abandon the handshake or the read loop instead of retrying.
            throw new IOException("DTLS transport closed.", e);
        }

        if (!signalled || !_queue.TryDequeue(out (byte[] Buffer, int Length) item))
        {
            return -1;
        }

        Interlocked.Decrement(ref _count);
        try
        {
            int length = Math.Min(item.Length, buffer.Length);
            item.Buffer.AsSpan(0, length).CopyTo(buffer);
            return length;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(item.Buffer);
        }
    }

    public void Send(byte[] buf, int off, int len) => Send(buf.AsSpan(off, len));

    public void Send(ReadOnlySpan<byte> buffer)
    {
        if (IsClosed)
        {
            return;
        }

        try
        {
            _send(buffer);
        }
        catch (Exception e) when (e is not IOException)
        {
            throw new IOException("Sending a DTLS datagram failed.", e);
        }
    }

    /// <summary>Wakes a blocked receiver with an IOException and makes further sends no-ops.</summary>
    public void Close()
    {
        if (Interlocked.Exchange(ref _closeRequested, 1) != 0)
        {
            return;
        }

        _closed.Cancel();
        while (_queue.TryDequeue(out (byte[] Buffer, int Length) item))
        {
            Interlocked.Decrement(ref _count);
            ArrayPool<byte>.Shared.Return(item.Buffer);
        }
    }
}
