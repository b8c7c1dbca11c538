using CamStudio.Media.Memory;
using Microsoft.Extensions.Logging;

namespace CamStudio.Media.Dtls;

/// <summary>
/// Hands the memory of a burst of DTLS handshakes back to the operating system once the handshakes have gone quiet.
/// </summary>
/// <remarks>
/// A handshake allocates ~1 MiB of short-lived garbage (BouncyCastle's ECDHE and ECDSA arithmetic, record and message
/// buffers). Part of it outlives a gen0 collection mid-handshake and lands in the older generations, which a relay that
/// allocates nothing per packet does not collect again for hours: after 30 viewers joined, the GC kept ~4–5 MiB more
/// committed than the viewers hold (the memory probe: ~160 KiB per viewer, against ~25 KiB of live session state).
/// The space would be reused by the next burst, so it is a high-water mark, not a leak, but it is resident.
/// One compacting, decommitting collection after the burst returns it. It runs only when
/// <see cref="QuietPeriod"/> passed without a handshake ending, only when the GC's committed memory grew by
/// <see cref="MinimumGrowthBytes"/> since the last one (a single viewer joining costs nothing), and at most once per
/// <see cref="MinimumInterval"/> (viewers that reconnect in a loop cannot turn it into periodic full collections). Its
/// pause (a blocking collection of the whole heap, a few ms for the app's ~10–30 MiB) happens once per burst, never per
/// packet; the relay's sockets buffer the packets that arrive meanwhile.
/// </remarks>
public sealed partial class HandshakeMemoryRelease : IDisposable
{
    /// <summary>How long no handshake may end before the burst counts as over.</summary>
    public static readonly TimeSpan QuietPeriod = TimeSpan.FromSeconds(5);

    /// <summary>The shortest time between two releases.</summary>
    public static readonly TimeSpan MinimumInterval = TimeSpan.FromSeconds(60);

    /// <summary>Growth of the GC's committed memory since the last release below which nothing is collected.</summary>
    public const long MinimumGrowthBytes = 4L << 20;

    private readonly TimeProvider _time;
    private readonly Func<long> _committedBytes;
    private readonly Action _collect;
    private readonly ITimer _timer;
    private readonly long _maximumHeapBytes;
    private readonly Lock _lock = new();
    private ILogger? _logger;
    private long _baselineCommitted;
    private long _lastReleaseTimestamp;
    private bool _released;
    private long _releases;

    /// <summary>Creates a release on <paramref name="time"/>, measuring and collecting with the real GC.</summary>
    /// <remarks>
    /// The GC reports its committed memory as of its last collection; a burst of handshakes always runs some (each
    /// handshake allocates ~0.4–0.8 MiB against the service's 4 MiB gen0 budget), so the figure is recent enough.
    /// </remarks>
    public HandshakeMemoryRelease(TimeProvider time)
        : this(time, CollectionCeiling.CommittedBytes, NativeHeap.CollectAndTrim)
    {
    }

    /// <summary>Creates a release with its measurement and collection replaced (tests).</summary>
    internal HandshakeMemoryRelease(TimeProvider time, Func<long> committedBytes, Action collect, long maximumHeapBytes = CollectionCeiling.MaximumCommittedBytes)
    {
        _maximumHeapBytes = maximumHeapBytes;
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _committedBytes = committedBytes;
        _collect = collect;
        _baselineCommitted = committedBytes();
        _timer = time.CreateTimer(static self => ((HandshakeMemoryRelease)self!).OnQuiet(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>The one every <see cref="DtlsServerSession"/> of the process reports to.</summary>
    public static HandshakeMemoryRelease Shared { get; } = new(TimeProvider.System);

    /// <summary>How many times memory was handed back.</summary>
    public long Releases => Interlocked.Read(ref _releases);

    /// <summary>A handshake ended (completed or failed); restarts the quiet period. Not on the packet path.</summary>
    public void HandshakeEnded(ILogger logger)
    {
        lock (_lock)
        {
            _logger = logger;
            _timer.Change(QuietPeriod, Timeout.InfiniteTimeSpan);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _timer.Dispose();

    private void OnQuiet()
    {
        ILogger? logger;
        lock (_lock)
        {
            if (_released && _time.GetElapsedTime(_lastReleaseTimestamp) is var since && since < MinimumInterval)
            {
                // Too soon after the last one: look again when the interval is over (still one timer, not a loop).
                _timer.Change(MinimumInterval - since, Timeout.InfiniteTimeSpan);
                return;
            }

            logger = _logger;
        }

        long before = _committedBytes();
        if (before - Volatile.Read(ref _baselineCommitted) < MinimumGrowthBytes || !CollectionCeiling.Allows(before, _maximumHeapBytes))
        {
            return;
        }

        long residentBefore = Environment.WorkingSet;
        _collect();
        long after = _committedBytes();
        lock (_lock)
        {
            _released = true;
            _lastReleaseTimestamp = _time.GetTimestamp();
        }

        Volatile.Write(ref _baselineCommitted, after);
        Interlocked.Increment(ref _releases);
        if (logger is not null)
        {
            // The pause is what the relay paid for it (the benchmark's record of the lever's cost).
            double pauseMs = GC.GetGCMemoryInfo(GCKind.FullBlocking).PauseDurations[0].TotalMilliseconds;
            LogReleased(logger, (before - after) >> 10, (residentBefore - Environment.WorkingSet) >> 10, Environment.WorkingSet >> 20, pauseMs);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "DTLS handshakes went quiet: the GC released {CommittedKiB} KiB ({ResidentKiB} KiB resident), resident now {ResidentMiB} MiB, pause {PauseMs:0.0} ms")]
    private static partial void LogReleased(ILogger logger, long committedKiB, long residentKiB, long residentMiB, double pauseMs);
}
