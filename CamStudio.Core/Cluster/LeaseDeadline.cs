namespace CamStudio.Core.Cluster;

/// <summary>
/// The holder's side of the lease timing (docs/design/cluster-plan.md §1.2), pure and on the local monotonic clock: a
/// renew that succeeds proves the database expiry is at least <c>t0 + LeaseTtl</c>, where t0 was taken <b>before</b>
/// the request was sent (the transaction started later). The node may run a camera until
/// <c>t0 + LeaseTtl − FenceMargin</c> ("valid until"), so its FFmpeg is gone before any other node may claim at
/// expiry + ClaimMargin. No wall clock is involved: nodes need no clock synchronisation, only similar clock rates.
/// Not thread-safe: one owner (the renew loop) updates it; readers copy <see cref="ValidUntil"/>.
/// </summary>
public sealed class LeaseDeadline
{
    private readonly TimeProvider _clock;
    private readonly TimeSpan _ttl;
    private readonly TimeSpan _fenceMargin;
    private long? _validUntil;

    public LeaseDeadline(TimeProvider clock, TimeSpan leaseTtl, TimeSpan fenceMargin)
    {
        ArgumentNullException.ThrowIfNull(clock);
        if (leaseTtl <= TimeSpan.Zero || fenceMargin < TimeSpan.Zero || fenceMargin >= leaseTtl)
        {
            throw new ArgumentOutOfRangeException(nameof(fenceMargin), "Needs 0 <= fenceMargin < leaseTtl.");
        }

        _clock = clock;
        _ttl = leaseTtl;
        _fenceMargin = fenceMargin;
    }

    /// <summary>The monotonic timestamp until which the node may run the camera; null while it holds no lease.</summary>
    public long? ValidUntil => _validUntil;

    /// <summary>Take this immediately before sending the renew (or claim) statement.</summary>
    public long Start() => _clock.GetTimestamp();

    /// <summary>
    /// The statement sent at <paramref name="sentAt"/> succeeded: the lease is good until sentAt + TTL − FenceMargin.
    /// Never moves the deadline backwards (a slow older renew finishing after a newer one proves less, not more).
    /// </summary>
    public void Succeeded(long sentAt)
    {
        long until = sentAt + ToTimestamp(_ttl - _fenceMargin);
        if (_validUntil is not { } current || until > current)
        {
            _validUntil = until;
        }
    }

    /// <summary>The renew came back without this camera (expired, taken, released): stop at once.</summary>
    public void Lost() => _validUntil = null;

    /// <summary>Time left before the node must have stopped the camera; zero or less = fence now.</summary>
    public TimeSpan Remaining => _validUntil is { } until
        ? TimeSpan.FromSeconds((double)(until - _clock.GetTimestamp()) / _clock.TimestampFrequency)
        : TimeSpan.Zero;

    /// <summary>Whether the lease still allows running the camera.</summary>
    public bool IsValid => Remaining > TimeSpan.Zero;

    /// <summary>
    /// Whether a stream (or a relaunch, or a one-shot grab) may start now: only with at least
    /// <paramref name="startMargin"/> left, so nothing starts just before the fence would stop it.
    /// </summary>
    public bool MayStart(TimeSpan startMargin) => _validUntil is not null && Remaining >= startMargin;

    /// <summary>
    /// The database time from which another node may claim a lease that expires at <paramref name="expiresAt"/>
    /// (the claim statement re-checks it on the database clock; this only schedules the attempt).
    /// </summary>
    public static DateTime ClaimAt(DateTime expiresAt, TimeSpan claimMargin) => expiresAt + claimMargin;

    private long ToTimestamp(TimeSpan span) => (long)(span.TotalSeconds * _clock.TimestampFrequency);
}
