using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace CamStudio.Web.Security;

/// <summary>
/// The per-user offer rate limit (<see cref="SecurityOptions.OffersPerMinute"/>) for offers that arrive over a Blazor
/// circuit. The REST offer endpoints get theirs from the rate-limiting middleware, which never sees circuit traffic:
/// without this, a script in a signed-in tab could open and drop sessions (each a DTLS handshake) as fast as it liked.
/// </summary>
public sealed class CircuitOfferRateLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;

    public CircuitOfferRateLimiter(IOptionsMonitor<SecurityOptions> options)
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
