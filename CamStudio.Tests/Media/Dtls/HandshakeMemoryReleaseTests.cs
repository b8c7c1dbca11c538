using CamStudio.Media.Dtls;
using CamStudio.Media.Memory;
using CamStudio.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace CamStudio.Tests.Media.Dtls;

/// <summary>
/// After a burst of viewers joins, the memory their handshakes left committed goes back to the OS once the handshakes
/// go quiet — but never while they continue, never for a growth too small to matter, and never more than once a minute
/// (a viewer reconnecting in a loop must not turn it into periodic full collections while streaming).
/// </summary>
public sealed class HandshakeMemoryReleaseTests : IDisposable
{
    private const long Mib = 1 << 20;

    private readonly ManualTimeProvider _time = new();
    private readonly HandshakeMemoryRelease _release;
    private long _committed = 20 * Mib;
    private int _collections;

    public HandshakeMemoryReleaseTests() =>
        _release = new HandshakeMemoryRelease(_time, () => _committed, () =>
        {
            _collections++;
            _committed = 21 * Mib; // what the viewers really hold stays
        });

    public void Dispose() => _release.Dispose();

    [Fact]
    public void Collects_once_when_a_burst_of_handshakes_has_gone_quiet()
    {
        Burst(handshakes: 30, growthMib: 12);
        _time.Advance(HandshakeMemoryRelease.QuietPeriod - TimeSpan.FromSeconds(1));
        _collections.Should().Be(0, "the quiet period is not over yet");

        _release.HandshakeEnded(NullLogger.Instance); // a late joiner restarts it
        _time.Advance(HandshakeMemoryRelease.QuietPeriod - TimeSpan.FromSeconds(1));
        _collections.Should().Be(0);

        _time.Advance(TimeSpan.FromSeconds(1));
        _collections.Should().Be(1);
        _release.Releases.Should().Be(1);

        _time.Advance(TimeSpan.FromMinutes(10));
        _collections.Should().Be(1, "nothing happens without new handshakes");
    }

    [Fact]
    public void Does_not_collect_for_a_single_viewer()
    {
        Burst(handshakes: 1, growthMib: 1);
        _time.Advance(TimeSpan.FromMinutes(2));
        _collections.Should().Be(0, "1 MiB more committed is below the threshold");
    }

    [Fact]
    public void A_second_burst_within_the_minimum_interval_waits_for_it()
    {
        Burst(handshakes: 30, growthMib: 12);
        _time.Advance(HandshakeMemoryRelease.QuietPeriod);
        _collections.Should().Be(1);

        Burst(handshakes: 30, growthMib: 12);
        _time.Advance(HandshakeMemoryRelease.QuietPeriod);
        _collections.Should().Be(1, "the last release was only seconds ago");

        _time.Advance(HandshakeMemoryRelease.MinimumInterval);
        _collections.Should().Be(2, "the deferred check runs once the interval is over");
    }

    [Fact]
    public void The_real_GC_figure_sees_a_burst_and_a_heap_above_the_ceiling_is_left_alone()
    {
        // The GC's own committed figure (not a fake) must show a burst's growth. The collection itself is counted, not
        // run: in this ~1 GB test host a blocking compaction would pause every other test's app for hundreds of ms.
        int collections = 0;
        using var release = new HandshakeMemoryRelease(_time, CollectionCeiling.CommittedBytes, () => collections++, long.MaxValue);
        // 64 MiB more committed than at the start, as after a (large) burst; kept alive to the end, so that no collection
        // elsewhere in the test run can take the growth away before the release looks at it.
        var burst = new List<byte[]>();
        for (int i = 0; i < 64; i++)
        {
            burst.Add(new byte[Mib]);
            burst[i].AsSpan().Fill(1);
        }

        // The GC reports its committed memory as of its last collection; a real burst of handshakes always causes some.
        GC.Collect(0);
        release.HandshakeEnded(NullLogger.Instance);
        _time.Advance(HandshakeMemoryRelease.QuietPeriod);
        collections.Should().Be(1, "the GC committed 64 MiB more than when the release was created");

        using var capped = new HandshakeMemoryRelease(_time, () => _committed, () => collections++, maximumHeapBytes: 100 * Mib);
        _committed += 200 * Mib;
        capped.HandshakeEnded(NullLogger.Instance);
        _time.Advance(HandshakeMemoryRelease.QuietPeriod);
        collections.Should().Be(1, "a heap above the ceiling is not compacted: the pause would cost more than it frees");
        GC.KeepAlive(burst);
    }

    private void Burst(int handshakes, int growthMib)
    {
        for (int i = 0; i < handshakes; i++)
        {
            _committed += growthMib * Mib / handshakes;
            _release.HandshakeEnded(NullLogger.Instance);
            _time.Advance(TimeSpan.FromMilliseconds(50));
        }
    }
}
