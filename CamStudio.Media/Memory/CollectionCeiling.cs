namespace CamStudio.Media.Memory;

/// <summary>
/// The committed GC memory above which the memory releases leave their blocking collection out.
/// </summary>
/// <remarks>
/// The pause of a blocking compaction grows with the heap. CamStudio's own heap is 10–30 MiB (a pause of 15–24 ms);
/// in a process that hosts far more — the test host, ~1 GB — the same collection paused everything for 360–495 ms,
/// long enough to starve an LL-HLS player, while the few MiB a release would return are nothing next to such a heap.
/// Both releases (after a burst of DTLS handshakes, when the last camera stops) ask this one place.
/// </remarks>
public static class CollectionCeiling
{
    /// <summary>Committed GC memory above which nothing is collected.</summary>
    public const long MaximumCommittedBytes = 256L << 20;

    /// <summary>The GC's committed memory as of its last collection.</summary>
    public static long CommittedBytes() => GC.GetGCMemoryInfo().TotalCommittedBytes;

    /// <summary>Whether a blocking collection may run with <paramref name="committedBytes"/> committed.</summary>
    public static bool Allows(long committedBytes, long maximumCommittedBytes = MaximumCommittedBytes) =>
        committedBytes <= maximumCommittedBytes;
}
