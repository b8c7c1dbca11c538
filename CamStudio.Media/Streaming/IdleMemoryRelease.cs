using CamStudio.Media.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CamStudio.Media.Streaming;

/// <summary>
/// Hands the memory of stopped streams back to the operating system once no camera is running any more, and the cold
/// pages of the mapped images once start-up has settled (<see cref="StartupMemoryRelease"/>) and at each such idle
/// transition.
/// </summary>
/// <remarks>
/// A running camera holds megabytes in short-lived, large buffers: its cached GOP and every viewer's retransmission
/// history. When the last one stops, that memory is garbage, but an idle server allocates so little that the GC would
/// not collect the old generations for hours: after four cameras had run, the process kept ~11 MiB more than it needed
/// (the benchmark's memory step, x64). One compacting, decommitting collection at that moment returns it. It runs once
/// per idle transition (these are spaced out by the streams' grace period) and never while a camera streams or waits
/// out its grace period; it is a blocking collection of a heap of ~10 MiB. Then, unless
/// <see cref="MemoryReleaseOptions.ImagePagesWhenIdle"/> says Keep, the pages of the assemblies and libraries the
/// streams (or start-up) touched leave the resident set too (<see cref="ImagePages"/>): by default unmapped and kept in
/// the page cache, so what the next page or stream touches comes back without a disk read.
/// </remarks>
public sealed partial class IdleMemoryRelease
{
    private readonly ILogger _logger;
    private readonly bool _releaseImagePages;
    private readonly Func<ImagePageOutcome> _pageOutImages;
    private readonly string _imagePagesHow;
    private readonly Func<long> _committedBytes;
    private readonly Action _collect;
    private int _scheduled;
    private Func<bool>? _pending;
    private long _requests;
    private long _releases;

    /// <summary>Creates the release the app uses: the real GC and <see cref="ImagePages.Self"/>, as configured.</summary>
    [ActivatorUtilitiesConstructor]
    public IdleMemoryRelease(ILogger<IdleMemoryRelease> logger, IOptions<MemoryReleaseOptions> options)
        : this(logger, options?.Value.ImagePagesWhenIdle ?? throw new ArgumentNullException(nameof(options)))
    {
    }

    private IdleMemoryRelease(ILogger logger, IdleImagePages imagePages)
        : this(logger, imagePages != IdleImagePages.Keep,
            () => ImagePages.Self.Release(imagePages == IdleImagePages.Evict ? ReleaseMode.Evict : ReleaseMode.Unmap),
            imagePages == IdleImagePages.Evict ? "evicted" : "unmapped, kept in the page cache")
    {
    }

    /// <summary>Creates a release that only collects (the image pages are the host's, e.g. in tests).</summary>
    public IdleMemoryRelease(ILogger<IdleMemoryRelease> logger)
        : this(logger, releaseImagePages: false, ImagePages.Self.PageOut, "evicted")
    {
    }

    /// <summary>Creates a release with the page-out, the measurement and the collection replaced (tests).</summary>
    internal IdleMemoryRelease(ILogger logger, bool releaseImagePages, Func<ImagePageOutcome> pageOutImages,
        string imagePagesHow = "evicted", Func<long>? committedBytes = null, Action? collect = null)
    {
        _imagePagesHow = imagePagesHow;
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _releaseImagePages = releaseImagePages;
        _pageOutImages = pageOutImages ?? throw new ArgumentNullException(nameof(pageOutImages));
        _committedBytes = committedBytes ?? CollectionCeiling.CommittedBytes;
        _collect = collect ?? NativeHeap.CollectAndTrim;
    }

    /// <summary>
    /// How many idle transitions were handled (tests watch it; the log says how much each release returned). Above
    /// <see cref="CollectionCeiling.MaximumCommittedBytes"/> of committed GC memory the collection itself is left
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
        long before = Environment.WorkingSet;
        bool collected = CollectionCeiling.Allows(_committedBytes());
        if (collected)
        {
            // Aggressive: compacts every generation (the large-object heap included) and decommits what is free; then
            // the C heap's free pages.
            _collect();
            LogReleased(_logger, (before - Environment.WorkingSet) >> 20, Environment.WorkingSet >> 20);
        }

        if (_releaseImagePages)
        {
            long beforePages = Environment.WorkingSet;
            ImagePageOutcome outcome = _pageOutImages();
            if (outcome.Error is null)
            {
                LogImagePages(_logger, outcome.Mappings, _imagePagesHow, (beforePages - Environment.WorkingSet) >> 20, Environment.WorkingSet >> 20, outcome.Failures);
            }
            else
            {
                LogImagePagesKept(_logger, outcome.Error);
            }
        }

        Interlocked.Increment(ref _releases);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "No camera is streaming: released {ReleasedMiB} MiB of stream buffers, resident now {ResidentMiB} MiB")]
    private static partial void LogReleased(ILogger logger, long releasedMiB, long residentMiB);

    [LoggerMessage(Level = LogLevel.Information, Message = "Idle: handed the pages of {Mappings} mapped images back to the kernel ({How}; {ReleasedMiB} MiB), resident now {ResidentMiB} MiB ({Failures} mappings refused)")]
    private static partial void LogImagePages(ILogger logger, int mappings, string how, long releasedMiB, long residentMiB, int failures);

    [LoggerMessage(Level = LogLevel.Information, Message = "Idle: the pages of the mapped images stay resident: {Reason}")]
    private static partial void LogImagePagesKept(ILogger logger, string reason);
}
