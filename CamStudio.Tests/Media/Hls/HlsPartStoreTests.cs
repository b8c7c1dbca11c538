using CamStudio.Media.Hls;

namespace CamStudio.Tests.Media.Hls;

public class HlsPartStoreTests
{
    private const long Half = HlsPartStoreOptions.Clock / 2;

    private static readonly byte[] s_init = [0, 0, 0, 8, (byte)'f', (byte)'t', (byte)'y', (byte)'p'];

    /// <summary>Target duration 1 s, segments of two 0.5 s parts (an IDR every second), 3 s blocking bound.</summary>
    internal static HlsPartStoreOptions SmallOptions(int maxSegments = 4, long maxBytes = 1 << 20) => new()
    {
        TargetDurationSeconds = 1,
        SegmentDuration = HlsPartStoreOptions.Clock,
        PartTarget = Half,
        MaxSegments = maxSegments,
        MaxBytes = maxBytes,
        BlockingTimeout = TimeSpan.FromSeconds(3),
    };

    internal static HlsPartStore NewStore(ManualTimeProvider clock, HlsPartStoreOptions? options = null)
    {
        var store = new HlsPartStore(options ?? SmallOptions(), clock);
        store.SetInitSegment(s_init);
        return store;
    }

    /// <summary>Appends parts alternating IDR, P, IDR, P… so every segment is [IDR, P]; each part is 0.5 s after the last.</summary>
    internal static void AppendGops(HlsPartStore store, ManualTimeProvider clock, int parts, int size = 10, int startAt = 0)
    {
        for (int i = startAt; i < startAt + parts; i++)
        {
            clock.Advance(TimeSpan.FromMilliseconds(500));
            byte[] data = new byte[size];
            data[0] = (byte)i; // tells the parts apart
            store.AppendPart(data, Half, independent: i % 2 == 0).Should().BeTrue();
        }
    }

    /// <summary>The result of a wait that must have been answered without waiting.</summary>
    private static HlsWaitResult Immediate(ValueTask<HlsWaitResult> wait)
    {
        wait.IsCompletedSuccessfully.Should().BeTrue("the answer was immediate");
        return wait.Result;
    }

    [Fact]
    public void Numbering_SegmentsCloseAtTheFirstIdrPastTheSegmentDuration_AndSurviveEviction()
    {
        var clock = new ManualTimeProvider();
        using HlsPartStore store = NewStore(clock, SmallOptions(maxSegments: 3));
        AppendGops(store, clock, 11); // segments 0..4 complete, segment 5 open with one part

        HlsPlaylistSnapshot snapshot = store.Snapshot();
        snapshot.OpenMsn.Should().Be(5);
        snapshot.OpenParts.Should().HaveCount(1);
        snapshot.Segments.Select(s => s.Msn).Should().Equal(2, 3, 4);
        snapshot.MediaSequence.Should().Be(2, "EXT-X-MEDIA-SEQUENCE grows by one per segment removed (§6.2.2)");
        snapshot.Segments.Should().AllSatisfy(s =>
        {
            s.Parts.Should().HaveCount(2);
            s.Parts[0].Independent.Should().BeTrue();
            s.Duration.Should().Be(HlsPartStoreOptions.Clock);
        });

        store.TryGetPart(4, 1, out HlsPart part).Should().BeTrue();
        part.Data.Span[0].Should().Be(9, "segment 4 holds parts 8 and 9");
        store.TryGetPart(5, 0, out part).Should().BeTrue();
        part.Data.Span[0].Should().Be(10);
        store.TryGetPart(5, 1, out _).Should().BeFalse("not yet written");
        store.TryGetPart(1, 0, out _).Should().BeFalse("evicted");
        store.TryGetSegment(1, out _).Should().BeFalse("evicted");
        store.TryGetSegment(5, out _).Should().BeFalse("still open");
        store.TryGetSegment(3, out HlsSegment segment).Should().BeTrue();
        segment.Parts.Select(p => p.Data.Span[0]).Should().Equal((byte)6, (byte)7);
        store.TryGetInitSegment(out ReadOnlyMemory<byte> init).Should().BeTrue();
        init.ToArray().Should().Equal(s_init);
    }

    [Fact]
    public void MemoryBound_OldSegmentsGoUntilTheBytesFit()
    {
        var clock = new ManualTimeProvider();
        using HlsPartStore store = NewStore(clock, SmallOptions(maxSegments: 100, maxBytes: 1000));
        for (int round = 0; round < 40; round++)
        {
            AppendGops(store, clock, 1, size: 300, startAt: round);
            store.ByteCount.Should().BeLessThanOrEqualTo(1000 + 600, "the bound plus at most the newest complete segment");
            HlsPlaylistSnapshot snapshot = store.Snapshot();
            snapshot.Segments.Select(s => s.Msn).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
            (snapshot.MediaSequence + snapshot.Segments.Count).Should().Be(snapshot.OpenMsn, "no gap in the numbering");
        }

        store.Snapshot().Segments.Should().HaveCount(1, "600-byte segments: one complete + the open one fit in 1000 bytes");
        store.Snapshot().OpenMsn.Should().Be(19, "parts 38 and 39 make the open segment 19");
    }

    [Fact]
    public void TargetDuration_IsNeverExceeded_ASegmentClosesAtANonIndependentPartInstead()
    {
        var clock = new ManualTimeProvider();
        using HlsPartStore store = NewStore(clock);
        store.AppendPart([1], Half, independent: true);
        store.AppendPart([2], Half, independent: false);
        store.AppendPart([3], Half, independent: false); // 1.5 s would round to 2 > TARGETDURATION 1

        HlsPlaylistSnapshot snapshot = store.Snapshot();
        snapshot.Segments.Should().ContainSingle().Which.Duration.Should().Be(HlsPartStoreOptions.Clock);
        snapshot.OpenParts.Should().ContainSingle().Which.Independent.Should().BeFalse();
    }

    [Fact]
    public void PartsBeforeTheFirstIdr_AreDropped_AndPartsLongerThanPartTarget_Throw()
    {
        var clock = new ManualTimeProvider();
        using HlsPartStore store = NewStore(clock);
        store.AppendPart([1], Half, independent: false).Should().BeFalse();
        store.Snapshot().OpenParts.Should().BeEmpty();
        FluentActions.Invoking(() => store.AppendPart([1], Half + 1, independent: true))
            .Should().Throw<ArgumentOutOfRangeException>("§4.4.4.9: a part is at most PART-TARGET long");
        store.AppendPart([1], Half, independent: true).Should().BeTrue();
        FluentActions.Invoking(() => store.SetInitSegment(s_init))
            .Should().Throw<InvalidOperationException>("a new init segment needs a discontinuity");
    }

    [Fact]
    public void Wait_ForWhatExists_CompletesSynchronously()
    {
        var clock = new ManualTimeProvider();
        using HlsPartStore store = NewStore(clock);
        AppendGops(store, clock, 3); // segment 0 = parts 0,1; segment 1 open with part 0

        ValueTask<HlsWaitResult> part = store.WaitForAsync(1, 0, CancellationToken.None);
        part.IsCompletedSuccessfully.Should().BeTrue();
        Immediate(part).Should().Be(HlsWaitResult.Ready);
        Immediate(store.WaitForAsync(0, null, CancellationToken.None)).Should().Be(HlsWaitResult.Ready);

        // §6.2.5.2: a Part Index past the segment's last part means part 0 of the next segment, which exists.
        ValueTask<HlsWaitResult> pastLast = store.WaitForAsync(0, 5, CancellationToken.None);
        pastLast.IsCompletedSuccessfully.Should().BeTrue();
        Immediate(pastLast).Should().Be(HlsWaitResult.Ready);
        clock.TimerCount.Should().Be(0, "no timer for an immediate answer");
    }

    [Fact]
    public async Task Wait_ForTheNextPartAndSegment_CompletesWhenTheyAreAdded()
    {
        var clock = new ManualTimeProvider();
        using HlsPartStore store = NewStore(clock);
        AppendGops(store, clock, 3);

        ValueTask<HlsWaitResult> nextPart = store.WaitForAsync(1, 1, CancellationToken.None);
        ValueTask<HlsWaitResult> nextSegment = store.WaitForAsync(1, null, CancellationToken.None);
        nextPart.IsCompleted.Should().BeFalse();
        nextSegment.IsCompleted.Should().BeFalse();

        AppendGops(store, clock, 1, startAt: 3); // part 1 of segment 1
        (await nextPart).Should().Be(HlsWaitResult.Ready);
        nextSegment.IsCompleted.Should().BeFalse("segment 1 is complete only when segment 2 starts");

        AppendGops(store, clock, 1, startAt: 4);
        (await nextSegment).Should().Be(HlsWaitResult.Ready);
        clock.TimerCount.Should().Be(0, "completed waits free their timers");
    }

    [Fact]
    public async Task Wait_GivesUpAfterTheBound()
    {
        var clock = new ManualTimeProvider();
        using HlsPartStore store = NewStore(clock);
        AppendGops(store, clock, 1);

        ValueTask<HlsWaitResult> wait = store.WaitForAsync(0, 3, CancellationToken.None);
        clock.Advance(TimeSpan.FromSeconds(2.9));
        wait.IsCompleted.Should().BeFalse();
        clock.Advance(TimeSpan.FromSeconds(0.1));
        (await wait).Should().Be(HlsWaitResult.TimedOut);
        clock.TimerCount.Should().Be(0);

        // A late part must not trip over the expired waiter.
        AppendGops(store, clock, 3, startAt: 1);
    }

    [Fact]
    public void Wait_TooFarAhead_IsRefusedAtOnce()
    {
        var clock = new ManualTimeProvider();
        using HlsPartStore store = NewStore(clock);
        AppendGops(store, clock, 3); // last complete segment 0, open segment 1 with part 0

        Immediate(store.WaitForAsync(3, null, CancellationToken.None)).Should().Be(HlsWaitResult.TooFarAhead, "3 > 0 + 2");
        store.WaitForAsync(2, null, CancellationToken.None).IsCompleted.Should().BeFalse("2 = 0 + 2 is allowed");

        // Advance Part Limit = 3 / 0.5 s = 6 parts beyond the last part (part 0 of segment 1).
        store.WaitForAsync(1, 6, CancellationToken.None).IsCompleted.Should().BeFalse();
        Immediate(store.WaitForAsync(1, 7, CancellationToken.None)).Should().Be(HlsWaitResult.TooFarAhead);
        Immediate(store.WaitForAsync(2, 6, CancellationToken.None)).Should().Be(HlsWaitResult.TooFarAhead);
    }

    [Fact]
    public void Wait_BeforeTheWindow_IsGone()
    {
        var clock = new ManualTimeProvider();
        using HlsPartStore store = NewStore(clock, SmallOptions(maxSegments: 2));
        AppendGops(store, clock, 9); // segments 0..3 complete, 0 and 1 evicted

        Immediate(store.WaitForAsync(1, null, CancellationToken.None)).Should().Be(HlsWaitResult.Gone);
        Immediate(store.WaitForAsync(1, 0, CancellationToken.None)).Should().Be(HlsWaitResult.Gone);
        Immediate(store.WaitForAsync(2, 0, CancellationToken.None)).Should().Be(HlsWaitResult.Ready);
    }

    [Fact]
    public async Task Wait_CancelledOrDisposed_EndsThePendingWaits()
    {
        var clock = new ManualTimeProvider();
        HlsPartStore store = NewStore(clock);
        AppendGops(store, clock, 1);
        using var cancellation = new CancellationTokenSource();

        ValueTask<HlsWaitResult> cancelled = store.WaitForAsync(0, 1, cancellation.Token);
        ValueTask<HlsWaitResult> closed = store.WaitForAsync(0, 2, CancellationToken.None);
        await cancellation.CancelAsync();
        await FluentActions.Awaiting(async () => await cancelled).Should().ThrowAsync<OperationCanceledException>();

        store.Dispose();
        (await closed).Should().Be(HlsWaitResult.Closed);
        Immediate(store.WaitForAsync(0, 0, CancellationToken.None)).Should().Be(HlsWaitResult.Closed);
        clock.TimerCount.Should().Be(0);
    }

    [Fact]
    public async Task OneWriterManyReaders_EveryWaitForTheNextPartEndsReady_UntilTheStoreCloses()
    {
        // Waits registered while the writer appends race with it: each must end Ready, Gone (the writer may move the
        // window past the part between the reader's snapshot and its wait — a reader that fell behind, which a loaded
        // CI machine produced), or Closed by Dispose; never TimedOut (the manual clock never advances), never throw,
        // never hang (the deadline below), and free its timer.
        var clock = new ManualTimeProvider();
        HlsPartStore store = NewStore(clock, SmallOptions(maxSegments: 3));
        const int Parts = 400;
        using var started = new SemaphoreSlim(0);

        async Task<int> ReadAsync()
        {
            await Task.Yield();
            started.Release();
            int ready = 0;
            while (true)
            {
                HlsPlaylistSnapshot snapshot = store.Snapshot();
                HlsWaitResult result = await store.WaitForAsync(snapshot.OpenMsn, snapshot.OpenParts.Count, CancellationToken.None);
                if (result == HlsWaitResult.Closed)
                {
                    return ready;
                }

                result.Should().BeOneOf(HlsWaitResult.Ready, HlsWaitResult.Gone);
                ready += result == HlsWaitResult.Ready ? 1 : 0;
            }
        }

        Task<int>[] readers = [.. Enumerable.Range(0, 4).Select(_ => Task.Run(ReadAsync))];
        for (int i = 0; i < readers.Length; i++)
        {
            await started.WaitAsync();
        }

        await Task.Run(() =>
        {
            for (int i = 0; i < Parts; i++)
            {
                store.AppendPart([(byte)i], Half, independent: i % 2 == 0);
            }
        });
        store.Dispose();

        int[] readys = await Task.WhenAll(readers).WaitAsync(TimeSpan.FromSeconds(30));
        readys.Should().AllSatisfy(r => r.Should().BeInRange(0, Parts));
        clock.TimerCount.Should().Be(0, "every wait freed its timer");
    }
}
