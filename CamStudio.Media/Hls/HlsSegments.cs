namespace CamStudio.Media.Hls;

/// <summary>What a blocking wait on <see cref="HlsPartStore.WaitForAsync"/> ended with.</summary>
public enum HlsWaitResult : byte
{
    /// <summary>The segment (or part) exists now: answer with the current playlist, or serve the resource.</summary>
    Ready,

    /// <summary>The bound passed first. §6.2.5.2 says a playlist request SHOULD then get 503 Service Unavailable.</summary>
    TimedOut,

    /// <summary>
    /// Refused at once: the MSN is more than 2 beyond the last complete segment, or the part is beyond the Advance Part
    /// Limit (§6.2.5.2 SHOULD get 400 Bad Request).
    /// </summary>
    TooFarAhead,

    /// <summary>
    /// Older than the window. A playlist request MUST still be answered with the whole current playlist (§6.2.5.2);
    /// a resource request gets 404.
    /// </summary>
    Gone,

    /// <summary>The store was disposed (the stream stopped) while waiting.</summary>
    Closed,
}

/// <summary>
/// One Partial Segment: a single fMP4 fragment (moof + mdat). <paramref name="Data"/> is an exact-size array owned by
/// the store that is never written again nor returned to a pool, so a reader may keep it after the part leaves the
/// window; a reader must never write into it (e.g. through MemoryMarshal.TryGetArray), as every viewer shares it.
/// </summary>
/// <param name="Data">The fragment bytes.</param>
/// <param name="Duration">Duration in 90 kHz ticks.</param>
/// <param name="Independent">Starts with an IDR picture (EXT-X-PART INDEPENDENT=YES).</param>
public sealed record HlsPart(ReadOnlyMemory<byte> Data, long Duration, bool Independent);

/// <summary>A complete Media Segment: its parts in order, immutable once published.</summary>
/// <param name="Msn">Media Sequence Number.</param>
/// <param name="Parts">Its Partial Segments; the segment resource is their concatenation.</param>
/// <param name="Duration">Sum of the part durations, 90 kHz ticks.</param>
/// <param name="ProgramDateTime">Wall-clock time of its first picture (EXT-X-PROGRAM-DATE-TIME).</param>
public sealed record HlsSegment(long Msn, IReadOnlyList<HlsPart> Parts, long Duration, DateTimeOffset ProgramDateTime)
{
    /// <summary>Total bytes of the segment resource.</summary>
    public long ByteCount { get; } = Parts.Sum(p => (long)p.Data.Length);
}

/// <summary>
/// A consistent view of a store's window for the playlist writer: the complete segments (oldest first), then the parts
/// of the segment still being filled (Media Sequence Number <see cref="OpenMsn"/>).
/// </summary>
public sealed record HlsPlaylistSnapshot(
    int TargetDurationSeconds,
    long PartTarget,
    IReadOnlyList<HlsSegment> Segments,
    long OpenMsn,
    IReadOnlyList<HlsPart> OpenParts,
    DateTimeOffset? OpenProgramDateTime)
{
    /// <summary>The EXT-X-MEDIA-SEQUENCE: the first listed segment's MSN, or the open one when none is complete yet.</summary>
    public long MediaSequence => Segments.Count > 0 ? Segments[0].Msn : OpenMsn;
}
