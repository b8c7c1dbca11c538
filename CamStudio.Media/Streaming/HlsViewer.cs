namespace CamStudio.Media.Streaming;

/// <summary>
/// One LL-HLS client of a <see cref="CameraStream"/>. HLS has no connection to watch, so a viewer is a client that
/// fetched within the last three target durations (or has a request in flight — a blocking playlist reload may wait
/// that long): <see cref="CameraStream"/> ends it after that much silence, or when its owner closes it.
/// </summary>
public sealed class HlsViewer
{
    private readonly Lock _lock = new();
    private EventHandler? _closed;
    private bool _isClosed;

    internal HlsViewer(string id, string owner, CameraStream stream, IDisposable lease, long now)
    {
        Id = id;
        Owner = owner;
        Stream = stream;
        Lease = lease;
        LastSeen = now;
    }

    /// <summary>The session id: unguessable, and the path segment the client's resources live under.</summary>
    public string Id { get; }

    /// <summary>Who opened it (the app's user key); requests from anybody else are treated as for an unknown session.</summary>
    public string Owner { get; }

    public CameraStream Stream { get; }

    /// <summary>
    /// The packager generation the client's playlist belongs to, set by its first playlist request. When the camera's
    /// picture format changes, a new generation restarts numbering, which this client cannot follow: it must open anew.
    /// </summary>
    public long? Generation { get { long g = Interlocked.Read(ref _generation); return g < 0 ? null : g; } }

    private long _generation = -1;

    /// <summary>Binds the viewer to <paramref name="generation"/> on its first request; false when it is bound to another.</summary>
    public bool BindGeneration(long generation)
    {
        long bound = Interlocked.CompareExchange(ref _generation, generation, -1);
        return bound == -1 || bound == generation;
    }

    internal IDisposable Lease { get; }

    /// <summary><see cref="TimeProvider.GetTimestamp"/> of the last request's start or end.</summary>
    internal long LastSeen { get; set; }

    internal int InFlight { get; set; }

    public bool IsClosed
    {
        get
        {
            lock (_lock)
            {
                return _isClosed;
            }
        }
    }

    /// <summary>Raised once when the viewer ends (expired, closed by its owner, or the stream went away).</summary>
    public event EventHandler? Closed
    {
        add
        {
            bool already;
            lock (_lock)
            {
                already = _isClosed;
                if (!already)
                {
                    _closed += value;
                }
            }

            if (already)
            {
                value?.Invoke(this, EventArgs.Empty);
            }
        }

        remove
        {
            lock (_lock)
            {
                _closed -= value;
            }
        }
    }

    /// <summary>Marks it closed and releases its place; true only the first time.</summary>
    internal bool MarkClosed()
    {
        EventHandler? handlers;
        lock (_lock)
        {
            if (_isClosed)
            {
                return false;
            }

            _isClosed = true;
            handlers = _closed;
            _closed = null;
        }

        Lease.Dispose();
        handlers?.Invoke(this, EventArgs.Empty);
        return true;
    }
}
