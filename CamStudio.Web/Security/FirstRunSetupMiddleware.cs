using CamStudio.Core.Accounts;
using Microsoft.AspNetCore.Components.Endpoints;

namespace CamStudio.Web.Security;

/// <summary>
/// While no account exists, every page request goes to <c>/account/setup</c>, where the operator creates the admin:
/// there is no default account and no default password. Machine surfaces are not redirected (they answer 401).
/// </summary>
internal sealed class FirstRunSetupMiddleware(RequestDelegate next, UserAccountService accounts)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<ComponentTypeMetadata>() is not null
            && !context.Request.Path.StartsWithSegments(SecuritySchemes.SetupPath, StringComparison.OrdinalIgnoreCase)
            && !await accounts.HasUsersAsync(context.RequestAborted))
        {
            context.Response.Redirect(SecuritySchemes.SetupPath);
            return;
        }

        await next(context);
    }
}
