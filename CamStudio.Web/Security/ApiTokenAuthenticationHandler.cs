using System.Data.Common;
using System.Security.Claims;
using System.Text.Encodings.Web;
using CamStudio.Core.Accounts;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace CamStudio.Web.Security;

/// <summary>
/// <c>Authorization: Bearer cst_…</c> on the machine surfaces. Without a bearer header it defers to the sign-in cookie
/// (the browser player calls the API from a signed-in page). Challenges are a bare 401 with <c>WWW-Authenticate: Bearer</c>
/// and forbids a bare 403; the API's status-code pages turn both into problem+json.
/// </summary>
internal sealed partial class ApiTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiTokenService tokens)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private const string BearerPrefix = "Bearer ";

    public static bool HasBearer(HttpRequest request) =>
        request.Headers.Authorization.ToString().StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            AuthenticateResult cookie = await Context.AuthenticateAsync(IdentityConstants.ApplicationScheme);
            return cookie.Succeeded ? AuthenticateResult.Success(new AuthenticationTicket(cookie.Principal, Scheme.Name)) : AuthenticateResult.NoResult();
        }

        string token = header[BearerPrefix.Length..].Trim();
        string? userId;
        try
        {
            userId = await tokens.FindUserIdAsync(token, Context.RequestAborted);
        }
        catch (DbException ex)
        {
            // An unreachable database fails the token, not the request: anonymous endpoints such as /health/ready
            // must still answer (with their own 503) when a probe happens to send a token.
            LogTokenCheckFailed(Logger, ex);
            return AuthenticateResult.Fail("The API token could not be checked.");
        }

        if (userId is null)
        {
            return AuthenticateResult.Fail("Unknown or revoked API token.");
        }

        UserManager<IdentityUser> users = Context.RequestServices.GetRequiredService<UserManager<IdentityUser>>();
        if (await users.FindByIdAsync(userId) is not { } user || await users.IsLockedOutAsync(user))
        {
            return AuthenticateResult.Fail("The token's user no longer exists or is locked out.");
        }

        ClaimsPrincipal principal = await Context.RequestServices.GetRequiredService<IUserClaimsPrincipalFactory<IdentityUser>>().CreateAsync(user);
        return AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "API token could not be checked: the database is unavailable")]
    private static partial void LogTokenCheckFailed(ILogger logger, Exception exception);
}
