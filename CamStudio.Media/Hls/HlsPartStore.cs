namespace CamStudio.Media.Hls;

/// <summary>
/// One stream's LL-HLS window in memory: the init segment, the last few complete Media Segments and the parts of the
/// segment being filled, numbered as RFC 8216bis wants — Media Sequence Numbers from 0 that never decrease or wrap
/// (§6.2.2), Part Indexes from 0 within each Parent Segment (§4.4.4.9). Also the blocking playlist reload of §6.2.5.2.
/// <para>
/// One writer (the stream's muxer calls <see cref="SetInitSegment"/> and <see cref="AppendPart"/>), any number of
/// readers. Everything readers get is immutable, so the lock only guards the window's bookkeeping for a few
/// instructions; waiters are completed outside it, and their continuations run asynchronously, never on the writer.
/// </para>
/// Segment boundaries (§6.2.1): a segment closes at the first independent (IDR) part once it has reached
/// <see cref="HlsPartStoreOptions.SegmentDuration"/>, or earlier, at any part, if that part would make it round above
/// the target duration — the target duration is a hard MUST, starting at an IDR only a SHOULD.
/// </summary>
public sealed partial class HlsPartStore : IDisposable
{
    private readonly HlsPartStoreOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly Lock _lock = new();
    private readonly List<HlsSegment> _segments = [];
    private readonly List<HlsPart> _openParts = [];
    private readonly List<Waiter> _waiters = [];
    private ReadOnlyMemory<byte>? _init;
    private long _openMsn;
    private long _openDuration;
    private DateTimeOffset _openProgramDateTime;
    private long _byteCount;
    private bool _disposed;

    public HlsPartStore(HlsPartStoreOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        options.Validate();
        _options = options;
        _timeProvider = timeProvider;
    }

    public HlsPartStoreOptions Options => _options;

    /// <summary>Bytes of part data held now (what <see cref="HlsPartStoreOptions.MaxBytes"/> bounds).</summary>
    public long ByteCount
    {
        get
        {
            lock (_lock)
            {
                return _byteCount;
            }
        }
    }

    /// <summary>
    /// Sets the EXT-X-MAP bytes (copied). Only before the first part: a different init segment mid-stream needs an
    /// EXT-X-DISCONTINUITY, which this store does not do — start a new store (and a new playlist) instead.
    /// </summary>
    public void SetInitSegment(ReadOnlySpan<byte> init)
    {
        if (init.IsEmpty)
        {
            throw new ArgumentException("The init segment is empty.", nameof(init));
        }

        byte[] copy = init.ToArray();
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_segments.Count > 0 || _openParts.Count > 0)
            {
                throw new InvalidOperationException("The init segment cannot change once parts exist; start a new store.");
            }

            _init = copy;
        }
    }

    /// <summary>
    /// Adds one muxed fragment (copied) as the next part. Returns false, dropping it, while no independent part has
    /// arrived yet: a playlist must start where a decoder can. Throws when <paramref name="duration"/> (90 kHz ticks)
    /// is not in 1..PartTarget, which §4.4.4.9 forbids, or when no init segment is set.
    /// </summary>
    public bool AppendPart(ReadOnlySpan<byte> fragment, long duration, bool independent)
    {
        if (fragment.IsEmpty)
        {
            throw new ArgumentException("The part is empty.", nameof(fragment));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(duration, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(duration, _options.PartTarget);
        var part = new HlsPart(fragment.ToArray(), duration, independent);
        DateTimeOffset now = _timeProvider.GetUtcNow();
        List<Waiter>? ready = null;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_init is null)
            {
                throw new InvalidOperationException("Set the init segment before the first part.");
            }

            if (_segments.Count == 0 && _openParts.Count == 0 && !independent)
            {
                return false;
            }

            long roundingLimit = (_options.TargetDurationSeconds * HlsPartStoreOptions.Clock) + (HlsPartStoreOptions.Clock / 2);
            bool reachedSegmentDuration = independent && _openDuration >= _options.SegmentDuration;
            bool wouldExceedTarget = _openDuration + duration >= roundingLimit;
            if (_openParts.Count > 0 && (reachedSegmentDuration || wouldExceedTarget))
            {
                CloseOpenSegment();
            }

            if (_openParts.Count == 0)
            {
                // The part arrives once its last picture is known, so its first picture was about its duration ago.
                _openProgramDateTime = now - TimeSpan.FromTicks(duration * TimeSpan.TicksPerSecond / HlsPartStoreOptions.Clock);
            }

            _openParts.Add(part);
            _openDuration += duration;
            _byteCount += part.Data.Length;
            Evict();
            ready = TakeReadyWaiters();
        }

        CompleteAll(ready, HlsWaitResult.Ready);
        return true;
    }

    /// <summary>The EXT-X-MAP bytes, once set. Shared by all readers: never write into them.</summary>
    public bool TryGetInitSegment(out ReadOnlyMemory<byte> init)
    {
        lock (_lock)
        {
            init = _init ?? default;
            return _init is not null;
        }
    }

    /// <summary>
    /// A complete segment in the window. Its resource is the concatenation of <see cref="HlsSegment.Parts"/>' data in
    /// order (write them one after the other; no copy is made). Shared by all readers: never write into the data.
    /// </summary>
    public bool TryGetSegment(long msn, out HlsSegment segment)
    {
        lock (_lock)
        {
            long index = msn - FirstMsn;
            if (index >= 0 && index < _segments.Count)
            {
                segment = _segments[(int)index];
                return true;
            }
        }

        segment = null!;
        return false;
    }

    /// <summary>A part of a complete or of the open segment. Shared by all readers: never write into the data.</summary>
    public bool TryGetPart(long msn, int index, out HlsPart part)
    {
        part = null!;
        if (index < 0)
        {
            return false;
        }

        lock (_lock)
        {
            IReadOnlyList<HlsPart>? parts = msn == _openMsn ? _openParts : null;
            long segmentIndex = msn - FirstMsn;
            if (parts is null && segmentIndex >= 0 && segmentIndex < _segments.Count)
            {
                parts = _segments[(int)segmentIndex].Parts;
            }

            if (parts is null || index >= parts.Count)
            {
                return false;
            }

            part = parts[index];
            return true;
        }
    }

    /// <summary>The window as the playlist writer needs it, consistent at one instant.</summary>
    public HlsPlaylistSnapshot Snapshot()
    {
        lock (_lock)
        {
            return new HlsPlaylistSnapshot(
                _options.TargetDurationSeconds,
                _options.PartTarget,
                _segments.ToArray(),
                _openMsn,
                _openParts.ToArray(),
                _openParts.Count > 0 ? _openProgramDateTime : null);
        }
    }

    /// <summary>
    /// Blocking reload (§6.2.5.2): completes with <see cref="HlsWaitResult.Ready"/> once segment <paramref name="msn"/>
    /// (or a later one) is complete, or — with <paramref name="part"/> — once that part exists, a Part Index beyond the
    /// segment's last meaning part 0 of the next segment. Synchronously when it already holds, or when the request is
    /// <see cref="HlsWaitResult.Gone"/> or <see cref="HlsWaitResult.TooFarAhead"/>; otherwise after at most
    /// <see cref="HlsPartStoreOptions.BlockingTimeout"/>. Cancelling <paramref name="cancellationToken"/> cancels the task.
    /// </summary>
    public ValueTask<HlsWaitResult> WaitForAsync(long msn, int? part, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(msn);
        if (part is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(part), part, "A Part Index is not negative.");
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<HlsWaitResult>(cancellationToken);
        }

        var waiter = new Waiter(this, msn, part);
        lock (_lock)
        {
            if (_disposed)
            {
                return new ValueTask<HlsWaitResult>(HlsWaitResult.Closed);
            }

            if (msn < FirstMsn)
            {
                return new ValueTask<HlsWaitResult>(HlsWaitResult.Gone);
            }

            if (IsTooFarAhead(msn, part))
            {
                return new ValueTask<HlsWaitResult>(HlsWaitResult.TooFarAhead);
            }

            if (IsAvailable(msn, part))
            {
                return new ValueTask<HlsWaitResult>(HlsWaitResult.Ready);
            }

            _waiters.Add(waiter);
        }

        // Timer and registration are made outside the lock: either may complete the waiter at once, and completion
        // takes the lock to remove it.
        ITimer timer = _timeProvider.CreateTimer(
            static state => ((Waiter)state!).Store.Expire((Waiter)state), waiter, _options.EffectiveBlockingTimeout, Timeout.InfiniteTimeSpan);
        CancellationTokenRegistration registration = cancellationToken.UnsafeRegister(
            static (state, token) => ((Waiter)state!).Store.Cancel((Waiter)state, token), waiter);
        waiter.Hold(timer, registration);
        return new ValueTask<HlsWaitResult>(waiter.Completion.Task);
    }

    /// <summary>Ends every pending wait with <see cref="HlsWaitResult.Closed"/>; the stream is gone.</summary>
    public void Dispose()
    {
        List<Waiter> pending;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            pending = [.. _waiters];
            _waiters.Clear();
        }

        CompleteAll(pending, HlsWaitResult.Closed);
    }

    private long FirstMsn => _segments.Count > 0 ? _segments[0].Msn : _openMsn;

    private void CloseOpenSegment()
    {
        _segments.Add(new HlsSegment(_openMsn, _openParts.ToArray(), _openDuration, _openProgramDateTime));
        _openParts.Clear();
        _openDuration = 0;
        _openMsn++;
    }

    private void Evict()
    {
        while (_segments.Count > _options.MaxSegments || (_byteCount > _options.MaxBytes && _segments.Count > 1))
        {
            _byteCount -= _segments[0].ByteCount;
            _segments.RemoveAt(0);
        }
    }

    private bool IsTooFarAhead(long msn, int? part)
    {
        // "Greater than the Media Sequence Number of the last Media Segment in the current Playlist plus two".
        long lastComplete = _openMsn - 1;
        if (msn > lastComplete + 2)
        {
            return true;
        }

        if (part is not int index || msn < _openMsn)
        {
            return false;
        }

        // The Advance Part Limit: 3 / PART-TARGET when PART-TARGET is under a second, else 3. Past the open segment the
        // distance is at least index + 1 parts (the open segment may still grow), so refusing on that is never wrong.
        double partTargetSeconds = (double)_options.PartTarget / HlsPartStoreOptions.Clock;
        double limit = partTargetSeconds < 1 ? 3 / partTargetSeconds : 3;
        long distance = msn == _openMsn ? index - (_openParts.Count - 1L) : index + 1L;
        return distance > limit;
    }

    private bool IsAvailable(long msn, int? part)
    {
        if (part is not int index)
        {
            return msn < _openMsn;
        }

        if (msn == _openMsn)
        {
            return index < _openParts.Count;
        }

        if (msn > _openMsn)
        {
            return false;
        }

        if (index < _segments[(int)(msn - FirstMsn)].Parts.Count)
        {
            return true;
        }

        // §6.2.5.2: past the segment's final part means part 0 of the next one.
        return msn + 1 < _openMsn || _openParts.Count > 0;
    }

    private List<Waiter>? TakeReadyWaiters()
    {
        List<Waiter>? ready = null;
        for (int i = _waiters.Count - 1; i >= 0; i--)
        {
            Waiter waiter = _waiters[i];
            if (IsAvailable(waiter.Msn, waiter.Part))
            {
                (ready ??= []).Add(waiter);
                _waiters.RemoveAt(i);
            }
        }

        return ready;
    }

    private void Expire(Waiter waiter) => RemoveAndComplete(waiter, HlsWaitResult.TimedOut, default);

    private void Cancel(Waiter waiter, CancellationToken token) => RemoveAndComplete(waiter, null, token);

    private void RemoveAndComplete(Waiter waiter, HlsWaitResult? result, CancellationToken canceled)
    {
        lock (_lock)
        {
            if (!_waiters.Remove(waiter))
            {
                return; // Already completed by the writer or Dispose.
            }
        }

        if (result is HlsWaitResult value)
        {
            waiter.Completion.TrySetResult(value);
        }
        else
        {
            waiter.Completion.TrySetCanceled(canceled);
        }

        waiter.Release();
    }

    private static void CompleteAll(List<Waiter>? waiters, HlsWaitResult result)
    {
        if (waiters is null)
        {
            return;
        }

        foreach (Waiter waiter in waiters)
        {
            waiter.Completion.TrySetResult(result);
            waiter.Release();
        }
    }
}
