using CamStudio.Web.Api;

namespace CamStudio.Web.Security;

/// <summary>Names of the authentication schemes and authorization policies.</summary>
public static class SecuritySchemes
{
    /// <summary>Picks the API scheme or the sign-in cookie per request (a policy scheme).</summary>
    public const string Default = "CamStudio";

    /// <summary>Bearer API tokens; falls back to the sign-in cookie so the browser player can call the API.</summary>
    public const string ApiToken = "ApiToken";

    /// <summary>Policy: the Admin role.</summary>
    public const string AdminPolicy = "Admin";

    public const string LoginPath = "/account/login";
    public const string SetupPath = "/account/setup";
    public const string LogoutPath = "/account/logout";
    public const string DeniedPath = "/account/denied";

    /// <summary>
    /// Machine surfaces (the REST API, WHEP, the legacy WebSocket, metrics, the OpenAPI document, the cluster's internal
    /// node-to-node endpoints) answer 401/403 and never
    /// redirect to the sign-in page; so does any request that carries a bearer token.
    /// </summary>
    public static bool IsMachineRequest(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        PathString path = context.Request.Path;
        return CameraApi.IsApiRequest(context)
            || path.StartsWithSegments("/metrics", StringComparison.OrdinalIgnoreCase)
            || path.StartsWithSegments("/openapi", StringComparison.OrdinalIgnoreCase)
            || path.StartsWithSegments("/internal", StringComparison.OrdinalIgnoreCase)
            || ApiTokenAuthenticationHandler.HasBearer(context.Request);
    }
}
