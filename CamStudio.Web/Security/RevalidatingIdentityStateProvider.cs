using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace CamStudio.Web.Security;

/// <summary>
/// A Blazor circuit outlives the request that opened it: every minute, check that its user still exists and that
/// their security stamp is unchanged, so a deleted user or a changed password ends open circuits too.
/// </summary>
internal sealed class RevalidatingIdentityStateProvider(
    ILoggerFactory loggerFactory, IServiceScopeFactory scopes, IOptions<IdentityOptions> options)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    protected override TimeSpan RevalidationInterval => TimeSpan.FromMinutes(1);

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken)
    {
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        UserManager<IdentityUser> users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        if (await users.GetUserAsync(authenticationState.User) is not { } user)
        {
            return false;
        }

        string? stamp = authenticationState.User.FindFirstValue(options.Value.ClaimsIdentity.SecurityStampClaimType);
        return !users.SupportsUserSecurityStamp || string.Equals(stamp, await users.GetSecurityStampAsync(user), StringComparison.Ordinal);
    }
}
