using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CamStudio.Web.Security;

/// <summary>The limits on the offer endpoints (JSON offer and WHEP): SDP size, offer rate, concurrent sessions per user.</summary>
public static class ViewerLimits
{
    /// <summary>A browser offer is 3–8 KB; 16 KiB leaves room and keeps a hostile offer from costing parser time.</summary>
    public const int MaxSdpBytes = 16 * 1024;

    /// <summary>Rate limit, SDP size limit and their problem documents on an offer endpoint.</summary>
    public static RouteHandlerBuilder WithViewerLimits(this RouteHandlerBuilder endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return endpoint
            .RequireRateLimiting(SecurityRateLimits.Offer)
            .AddEndpointFilter(async (context, next) =>
                BodyLength(context.HttpContext.Request) > MaxSdpBytes ? SdpTooLarge() : await next(context))
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
    }

    /// <summary>Who a viewer session counts against: the signed-in user's id.</summary>
    public static string UserKey(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.User.FindFirstValue(ClaimTypes.NameIdentifier) ?? "anonymous";
    }

    public static ProblemHttpResult TooManySessions(int limit) => TypedResults.Problem(
        statusCode: StatusCodes.Status429TooManyRequests,
        title: "Too many viewer sessions.",
        detail: string.Create(CultureInfo.InvariantCulture,
            $"This account already has {limit} open viewer sessions (Security:MaxViewerSessionsPerUser); close one (DELETE its session) first."),
        extensions: new Dictionary<string, object?> { ["code"] = "viewer_limit" });

    private static ProblemHttpResult SdpTooLarge() => TypedResults.Problem(
        statusCode: StatusCodes.Status413PayloadTooLarge,
        title: "The offer is too large.",
        detail: string.Create(CultureInfo.InvariantCulture, $"Offers are limited to {MaxSdpBytes} bytes."),
        extensions: new Dictionary<string, object?> { ["code"] = "sdp_too_large" });

    // ApiProblemMiddleware has already buffered the body (seekable, at most 64 KiB).
    private static long BodyLength(HttpRequest request) =>
        request.Body.CanSeek ? request.Body.Length : request.ContentLength ?? 0;
}
