using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace CamStudio.Media.Net;

/// <summary>Handles one received datagram on the receive thread. The span is only valid during the call.</summary>
internal delegate void UdpDatagramHandler(Span<byte> datagram, SocketAddress remote);

/// <summary>
/// Receives a UDP socket's datagrams on a dedicated thread with a blocking receive and hands each to a callback; it owns
/// the socket from construction on.
/// </summary>
/// <remarks>
/// Why a thread and not <c>ReceiveAsync</c>: on Linux an async receive is one epoll-thread wake-up plus one thread-pool
/// work item per datagram, and the pool's workers spin before they park; at a camera's ~300 packets/s that cost more than
/// the relay itself (docs/benchmarks/performance-round-two.md). Here a datagram is one wake-up of this thread, into one
/// pinned buffer and one <see cref="SocketAddress"/> reused for the socket's lifetime: nothing is allocated per datagram.
/// <para>
/// Stopping never closes the socket under a blocked receive (an earlier version did, from a cancellation callback, and
/// crashed the test host now and then). It sets the stop flag, then <c>shutdown(SHUT_RD)</c>: on Linux that wakes a
/// blocked <c>recvfrom</c> on any UDP socket, connected or not, and it returns 0 (the call itself reports ENOTCONN for
/// an unconnected socket, after it has done so). <see cref="Dispose"/> then joins the thread and only after that closes
/// the socket and drops the buffer, so neither can go away while the thread is inside the system call.
/// </para>
/// </remarks>
internal sealed partial class UdpReceiveThread : IDisposable
{
    // Only a fallback for a platform where shutdown does not wake the receive: then a datagram to ourselves does.
    private static readonly TimeSpan s_wakeFallbackAfter = TimeSpan.FromSeconds(2);

    private readonly Socket _socket;
    private readonly UdpDatagramHandler _onDatagram;
    private readonly Action<SocketException>? _onReceiveError;
    private readonly ILogger _logger;
    private readonly string _name;
    private readonly int _bufferLength;
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private Thread? _thread;
    private CancellationTokenRegistration _cancelRegistration;
    private volatile bool _stopRequested;
    private bool _disposed;
    private bool _closeOnExit; // written and read on the receive thread only

    /// <param name="socket">A bound UDP socket; owned (and disposed) by this object from now on.</param>
    /// <param name="bufferLength">The receive buffer; a datagram longer than this is truncated to it.</param>
    /// <param name="name">The thread's name (shown by <c>top -H</c> and the benchmarks' per-thread CPU).</param>
    /// <param name="onDatagram">Called for each datagram; an exception it throws is logged and the loop continues.</param>
    /// <param name="logger">For receive errors and callback failures.</param>
    /// <param name="onReceiveError">Optional: told of each failed receive (the loop continues), e.g. to count it.</param>
    public UdpReceiveThread(Socket socket, int bufferLength, string name, UdpDatagramHandler onDatagram, ILogger logger,
        Action<SocketException>? onReceiveError = null)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentOutOfRangeException.ThrowIfLessThan(bufferLength, 1);
        ArgumentException.ThrowIfNullOrEmpty(name);
        _socket = socket;
        _bufferLength = bufferLength;
        _name = name;
        _onDatagram = onDatagram ?? throw new ArgumentNullException(nameof(onDatagram));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _onReceiveError = onReceiveError;
    }

    /// <summary>The socket received on (to send from it, or read its local end point).</summary>
    public Socket Socket => _socket;

    /// <summary>Cancelled when stopping begins; a callback that waits on something must wait with this token.</summary>
    public CancellationToken Stopping => _stopping.Token;

    /// <summary>Completes (never faults) once the receive loop has ended, or at once if it was never started.</summary>
    public Task Completion => _completion.Task;

    /// <summary>Starts the thread. Cancelling <paramref name="cancellationToken"/> ends the loop; the socket stays open until disposal.</summary>
    public Task Start(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_thread is not null)
            {
                throw new InvalidOperationException("The receive thread is already started.");
            }

            _thread = new Thread(Run) { IsBackground = true, Name = _name };
            _thread.Start();
            _cancelRegistration = cancellationToken.UnsafeRegister(static state => ((UdpReceiveThread)state!).RequestStop(), this);
        }

        return _completion.Task;
    }

    /// <summary>Stops and joins the thread, then closes the socket. Idempotent; may be called from the callback itself.</summary>
    public void Dispose()
    {
        Thread? thread;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            thread = _thread;
        }

        // Waits for a cancellation callback that is running right now, so none can touch the socket after it is closed.
        _cancelRegistration.Dispose();
        RequestStop();
        if (thread == Thread.CurrentThread)
        {
            // Disposed from inside the callback: the loop sees the stop flag when the callback returns, and closes then.
            _closeOnExit = true;
            return;
        }

        if (thread is not null && !thread.Join(s_wakeFallbackAfter))
        {
            Log.ShutdownDidNotWake(_logger, _name);
            WakeWithDatagram();
            thread.Join();
        }

        // The thread is gone (or never ran): nothing can be inside a receive on this socket any more.
        Close();
    }

    private void Close()
    {
        _socket.Dispose();
        _stopping.Dispose();
        _completion.TrySetResult();
    }

    private void RequestStop()
    {
        if (_stopRequested)
        {
            return;
        }

        // The flag first: the receive that shutdown wakes returns 0, which is only read as "stop" because of it.
        _stopRequested = true;
        try
        {
            _stopping.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }

        try
        {
            _socket.Shutdown(SocketShutdown.Receive);
        }
        catch (SocketException)
        {
            // ENOTCONN on an unconnected UDP socket, reported after the shutdown flag is set and waiters are woken.
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private void WakeWithDatagram()
    {
        try
        {
            using Socket waker = new(_socket.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            var local = (IPEndPoint)_socket.LocalEndPoint!;
            var target = local.Address.Equals(IPAddress.Any) || local.Address.Equals(IPAddress.IPv6Any)
                ? new IPEndPoint(
                    local.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Loopback : IPAddress.Loopback,
                    local.Port)
                : local;
            waker.SendTo(ReadOnlySpan<byte>.Empty, target);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            Log.WakeFailed(_logger, _name, ex);
        }
    }

    private void Run()
    {
        // Pinned for the socket's lifetime, so the kernel copy never races a compacting GC; dropped only after the loop.
        byte[] buffer = GC.AllocateUninitializedArray<byte>(_bufferLength, pinned: true);
        var remote = new SocketAddress(_socket.AddressFamily);
        try
        {
            while (!_stopRequested)
            {
                int length;
                try
                {
                    length = _socket.ReceiveFrom(buffer, SocketFlags.None, remote);
                }
                catch (SocketException ex)
                {
                    if (_stopRequested)
                    {
                        break;
                    }

                    _onReceiveError?.Invoke(ex);
                    Log.ReceiveFailed(_logger, _name, ex.SocketErrorCode, ex);
                    continue;
                }
                catch (ObjectDisposedException)
                {
                    break; // only if the owner broke the contract and closed the socket itself
                }

                if (_stopRequested)
                {
                    break; // the 0 that shutdown returns, or a datagram that raced it
                }

                try
                {
                    _onDatagram(buffer.AsSpan(0, length), remote);
                }
                catch (OperationCanceledException) when (_stopRequested)
                {
                    break;
                }
                catch (Exception ex)
                {
                    // A bug in one datagram's handling must not stop the stream for everyone.
                    Log.HandlerFailed(_logger, _name, ex);
                }
            }
        }
        finally
        {
            if (_closeOnExit)
            {
                Close();
            }

            _completion.TrySetResult();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "{Thread}: UDP receive failed ({Error}); continuing")]
        public static partial void ReceiveFailed(ILogger logger, string thread, SocketError error, Exception exception);

        [LoggerMessage(Level = LogLevel.Error, Message = "{Thread}: handling a datagram failed; datagram dropped")]
        public static partial void HandlerFailed(ILogger logger, string thread, Exception exception);

        [LoggerMessage(Level = LogLevel.Warning, Message = "{Thread}: shutdown did not end the receive loop within 2 s; waking it with a datagram")]
        public static partial void ShutdownDidNotWake(ILogger logger, string thread);

        [LoggerMessage(Level = LogLevel.Warning, Message = "{Thread}: waking the receive with a datagram failed")]
        public static partial void WakeFailed(ILogger logger, string thread, Exception exception);
    }
}
