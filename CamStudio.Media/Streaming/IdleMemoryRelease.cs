using Microsoft.Extensions.Logging;

namespace CamStudio.Media.Streaming;

/// <summary>
/// Hands the memory of stopped streams back to the operating system once no camera is running any more.
/// </summary>
/// <remarks>
/// A running camera holds megabytes in short-lived, large buffers: its cached GOP and every viewer's retransmission
/// history. When the last one stops, that memory is garbage, but an idle server allocates so little that the GC would
/// not collect the old generations for hours: after four cameras had run, the process kept ~11 MiB more than it needed
/// (the benchmark's memory step, x64). One compacting, decommitting collection at that moment returns it. It runs once
/// per idle transition (these are spaced out by the streams' grace period) and never while a camera streams or waits
/// out its grace period; it is a blocking collection of a heap of ~10 MiB.
/// </remarks>
public sealed partial class IdleMemoryRelease(ILogger<IdleMemoryRelease> logger)
{
    private int _scheduled;
    private Func<bool>? _pending;
    private long _requests;
    private long _releases;

    /// <summary>
    /// How many idle transitions were handled (tests watch it; the log says how much each release returned). Above
    /// <see cref="Dtls.HandshakeMemoryRelease.MaximumHeapBytes"/> of committed GC memory the collection itself is left
    /// out: in a process that large (the test host, ~1 GB) its blocking compaction paused every stream for hundreds of
    /// ms, while CamStudio's own heap stays at 10–30 MiB.
    /// </summary>
    public long Releases => Interlocked.Read(ref _releases);

    /// <summary>How many times a release was asked for, counted when asked (tests need no thread-pool timing).</summary>
    internal long Requests => Interlocked.Read(ref _requests);

    /// <summary>Schedules one release on the thread pool; <paramref name="stillIdle"/> is asked again just before.</summary>
    /// <remarks>
    /// A request that comes while a release is under way is not dropped: that release may already have asked whether
    /// the streams were idle (before this new idle transition), so the worker looks for a newer request before it ends.
    /// </remarks>
    public void Request(Func<bool> stillIdle)
    {
        ArgumentNullException.ThrowIfNull(stillIdle);
        Interlocked.Increment(ref _requests);
        Volatile.Write(ref _pending, stillIdle);
        if (Interlocked.Exchange(ref _scheduled, 1) == 1)
        {
            return; // the running worker picks it up
        }

        ThreadPool.UnsafeQueueUserWorkItem(static self => self.Drain(), this, preferLocal: false);
    }

    private void Drain()
    {
        while (true)
        {
            try
            {
                if (Interlocked.Exchange(ref _pending, null) is { } idle && idle())
                {
                    Release();
                }
            }
            finally
            {
                Volatile.Write(ref _scheduled, 0);
            }

            // A request that arrived after the exchange above, but saw _scheduled still 1, left its work to us.
            if (Volatile.Read(ref _pending) is null || Interlocked.Exchange(ref _scheduled, 1) == 1)
            {
                return;
            }
        }
    }

    private void Release()
    {
        if (GC.GetGCMemoryInfo().TotalCommittedBytes > Dtls.HandshakeMemoryRelease.MaximumHeapBytes)
        {
            Interlocked.Increment(ref _releases);
            return;
        }

        long before = Environment.WorkingSet;
        // Aggressive: compacts every generation (the large-object heap included) and decommits what is free.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        Interlocked.Increment(ref _releases);
        LogReleased(logger, (before - Environment.WorkingSet) / (1024 * 1024), Environment.WorkingSet / (1024 * 1024));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "No camera is streaming: released {ReleasedMiB} MiB of stream buffers, resident now {ResidentMiB} MiB")]
    private static partial void LogReleased(ILogger logger, long releasedMiB, long residentMiB);
}
