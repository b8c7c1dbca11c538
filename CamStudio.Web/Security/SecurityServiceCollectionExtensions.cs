using CamStudio.Core.Accounts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Identity;

namespace CamStudio.Web.Security;

/// <summary>
/// Sign-in and roles on every surface: the Identity cookie for pages and the Blazor circuit, bearer API tokens for
/// the machine surfaces, a fallback policy that makes every endpoint require a signed-in user unless it opts out,
/// rate limits, the per-user viewer cap and the first-run set-up redirect.
/// </summary>
public static class SecurityServiceCollectionExtensions
{
    public static IServiceCollection AddCamStudioSecurity(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<SecurityOptions>().BindConfiguration(SecurityOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();

        new IdentityBuilder(typeof(IdentityUser), typeof(IdentityRole), services).AddSignInManager();
        services.AddAuthentication(o =>
            {
                o.DefaultScheme = SecuritySchemes.Default;
                o.DefaultChallengeScheme = SecuritySchemes.Default;
                o.DefaultForbidScheme = SecuritySchemes.Default;
            })
            .AddPolicyScheme(SecuritySchemes.Default, null, o => o.ForwardDefaultSelector = context =>
                SecuritySchemes.IsMachineRequest(context) ? SecuritySchemes.ApiToken : IdentityConstants.ApplicationScheme)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiTokenAuthenticationHandler>(SecuritySchemes.ApiToken, null)
            .AddIdentityCookies();
        services.ConfigureApplicationCookie(o =>
        {
            o.Cookie.Name = "CamStudio.Auth";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            // Secure whenever the request is HTTPS (directly or, with forwarded headers, at the proxy).
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.LoginPath = SecuritySchemes.LoginPath;
            o.LogoutPath = SecuritySchemes.LogoutPath;
            o.AccessDeniedPath = SecuritySchemes.DeniedPath;
            o.ExpireTimeSpan = TimeSpan.FromHours(12);
            o.SlidingExpiration = true;
        });
        // A deleted user or a changed password ends existing cookies within a minute, not the default 30.
        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.FromMinutes(1));

        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(SecuritySchemes.AdminPolicy, p => p.RequireAuthenticatedUser().RequireRole(CamStudioRoles.Admin));
        services.AddCascadingAuthenticationState();
        services.AddScoped<Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider, RevalidatingIdentityStateProvider>();

        services.AddRateLimiter(SecurityRateLimits.Configure);
        services.AddSingleton<ViewerSessionLimiter>();
        services.AddSingleton<OfferRateLimiter>();

        // Behind a reverse proxy (README: Security model): trust X-Forwarded-For/-Proto from loopback proxies only.
        services.Configure<ForwardedHeadersOptions>(o => o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto);
        return services;
    }

    /// <summary>Forwarded headers, authentication, first-run set-up, authorization and rate limiting, in that order.</summary>
    public static IApplicationBuilder UseCamStudioSecurity(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseAuthentication();
        app.UseMiddleware<FirstRunSetupMiddleware>();
        app.UseAuthorization();
        app.UseRateLimiter();
        return app;
    }

    /// <summary>Maps <c>POST /account/logout</c> (a form post: antiforgery is checked because it binds the form).</summary>
    public static IEndpointRouteBuilder MapCamStudioAccountEndpoints(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapPost(SecuritySchemes.LogoutPath, SignOutAsync)
            .WithName("SignOut")
            .ExcludeFromDescription();
        return app;
    }

    private static async Task<RedirectHttpResult> SignOutAsync(IFormCollection form, SignInManager<IdentityUser> signIn)
    {
        _ = form;
        await signIn.SignOutAsync();
        return TypedResults.LocalRedirect(SecuritySchemes.LoginPath);
    }
}
