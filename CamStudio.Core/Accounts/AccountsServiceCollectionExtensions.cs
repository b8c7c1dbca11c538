using CamStudio.Core.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CamStudio.Core.Accounts;

/// <summary>Registers Identity's user and role stores on the camera database, the API token service and user administration.</summary>
public static class AccountsServiceCollectionExtensions
{
    /// <summary>Minimum password length; no composition rules (length beats character classes, NIST SP 800-63B).</summary>
    public const int MinPasswordLength = 10;

    public static IdentityBuilder AddCamStudioAccounts(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);

        // Identity's EF stores want a scoped context: one from the pool per DI scope (request, command or operation).
        services.TryAddScoped(sp => sp.GetRequiredService<IDbContextFactory<CamStudioDbContext>>().CreateDbContext());
        services.TryAddSingleton<ApiTokenService>();
        services.TryAddSingleton<UserAccountService>();
        return services.AddIdentityCore<IdentityUser>(o =>
            {
                o.Password.RequiredLength = MinPasswordLength;
                o.Password.RequireDigit = false;
                o.Password.RequireLowercase = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireNonAlphanumeric = false;
                o.Password.RequiredUniqueChars = 4;
                o.Lockout.AllowedForNewUsers = true;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(5);
                o.User.RequireUniqueEmail = false;
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<CamStudioDbContext>();
    }
}
