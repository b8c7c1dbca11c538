using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CamStudio.Core.Data;

/// <summary>
/// Hands out contexts of the configured provider from that provider's pool. Both pools are registered but only the
/// configured one is ever resolved, so the choice is made from options at run time, not at registration.
/// </summary>
internal sealed class CamStudioDbContextFactory(IOptions<CamStudioDataOptions> options, IServiceProvider services)
    : IDbContextFactory<CamStudioDbContext>
{
    private readonly Func<CamStudioDbContext> _create = options.Value.Provider == DatabaseProvider.PostgreSql
        ? services.GetRequiredService<IDbContextFactory<PostgreSqlCamStudioDbContext>>().CreateDbContext
        : services.GetRequiredService<IDbContextFactory<SqliteCamStudioDbContext>>().CreateDbContext;

    public CamStudioDbContext CreateDbContext() => _create();
}
