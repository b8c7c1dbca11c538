using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace CamStudio.Web.Security;

/// <summary>
/// The rate-limit middleware's policies: sign-in posts per client address, snapshots per user (429 problem+json with
/// Retry-After). Offers are
/// limited per user by <see cref="OfferRateLimiter"/> inside the offer service, which sees every surface.
/// </summary>
public static class SecurityRateLimits
{
    public const string SignIn = "sign-in";

    /// <summary>Snapshot requests per user (<see cref="SecurityOptions.SnapshotsPerMinute"/>): each may start an FFmpeg.</summary>
    public const string Snapshot = "snapshot";

    internal static void Configure(RateLimiterOptions limiter)
    {
        limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        limiter.OnRejected = OnRejectedAsync;
        limiter.AddPolicy(SignIn, context => HttpMethods.IsPost(context.Request.Method)
            ? RateLimitPartition.GetFixedWindowLimiter(ClientAddress(context), _ => PerMinute(Options(context).SignInPerMinute))
            : RateLimitPartition.GetNoLimiter(string.Empty));
        // Per user, not per address: Home Assistant and a browser behind one proxy are different budgets, and one user
        // cannot dodge the limit by changing address. Only signed-in requests get this far (authorization runs first).
        limiter.AddPolicy(Snapshot, context => RateLimitPartition.GetFixedWindowLimiter(
            "snapshot:" + Services.ViewerOfferService.UserKey(context.User), _ => PerMinute(Options(context).SnapshotsPerMinute)));
    }

    private static SecurityOptions Options(HttpContext context) =>
        context.RequestServices.GetRequiredService<IOptionsMonitor<SecurityOptions>>().CurrentValue;

    private static string ClientAddress(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    /// <summary>Whole seconds (at least 1) until a refused <paramref name="lease"/>'s limiter has room again; a minute when it does not say.</summary>
    internal static int RetryAfterSeconds(RateLimitLease lease) =>
        lease.TryGetMetadata(MetadataName.RetryAfter, out TimeSpan wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 60;

    internal static FixedWindowRateLimiterOptions PerMinute(int permits) => new()
    {
        PermitLimit = permits,
        Window = TimeSpan.FromMinutes(1),
        QueueLimit = 0,
    };

    private static async ValueTask OnRejectedAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        HttpContext context = rejected.HttpContext;
        int retryAfter = RetryAfterSeconds(rejected.Lease);
        context.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests.",
                Detail = string.Create(CultureInfo.InvariantCulture, $"Slow down; try again in {retryAfter} s."),
                Extensions = { ["code"] = "rate_limited" },
            },
        });
    }
}
