using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CamStudio.Core.Data;

/// <summary>
/// Creates or upgrades the database before the app serves: hosted services registered by the app start before the web
/// server, and a failed migration fails start-up instead of surfacing later as broken requests.
/// </summary>
public sealed partial class DatabaseMigrationHost(
    IDbContextFactory<CamStudioDbContext> contextFactory,
    IOptions<CamStudioDataOptions> options,
    ILogger<DatabaseMigrationHost> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        CamStudioDataOptions data = options.Value;
        Directory.CreateDirectory(data.DataDirectory);
        await using CamStudioDbContext context = await contextFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        List<string> pending = [.. await context.Database.GetPendingMigrationsAsync(cancellationToken).ConfigureAwait(false)];
        if (pending.Count > 0)
        {
            // Only when there is something to apply: MigrateAsync also builds the design-time model and diffs it
            // against the last migration's snapshot (EF Core's pending-model-changes check), which on every ordinary
            // restart would load EF's whole migrations machinery for nothing (~MiBs of resident code on a Pi).
            await context.Database.MigrateAsync(cancellationToken).ConfigureAwait(false);
        }
        LogMigrated(logger, data.Provider, pending.Count, data.Provider == DatabaseProvider.Sqlite ? data.SqliteDatabasePath : "(connection string)");
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Database ready: {Provider}, {Applied} migration(s) applied, at {Location}")]
    private static partial void LogMigrated(ILogger logger, DatabaseProvider provider, int applied, string location);
}
