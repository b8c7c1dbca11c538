using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace CamStudio.Web.Security;

/// <summary>
/// The one per-user offer budget (<see cref="SecurityOptions.OffersPerMinute"/>) that every way of opening a viewer
/// session draws from: the REST offer, WHEP and the live tiles over the Blazor circuit. It lives here rather than in the
/// rate-limiting middleware because that middleware never sees circuit traffic, and two budgets per user (one per
/// surface) would let a script in a signed-in tab open and drop sessions (each a DTLS handshake) twice as fast.
/// </summary>
public sealed class OfferRateLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;

    public OfferRateLimiter(IOptionsMonitor<SecurityOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _limiter = PartitionedRateLimiter.Create<string, string>(user => RateLimitPartition.GetFixedWindowLimiter(
            user, _ => SecurityRateLimits.PerMinute(options.CurrentValue.OffersPerMinute)));
    }

    /// <summary>Takes one offer from <paramref name="user"/>'s budget; false (and in how many seconds to try again) when it is spent.</summary>
    public bool TryAcquire(string user, out int retryAfterSeconds)
    {
        ArgumentNullException.ThrowIfNull(user);
        using RateLimitLease lease = _limiter.AttemptAcquire(user);
        retryAfterSeconds = lease.IsAcquired ? 0 : SecurityRateLimits.RetryAfterSeconds(lease);
        return lease.IsAcquired;
    }

    public void Dispose() => _limiter.Dispose();
}
