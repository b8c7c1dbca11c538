using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

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
        // Several nodes of a cluster may start together on one new database: EF's own migration lock does not cover
        // creating the database and its first tables (seen: "relation AspNetRoles already exists"), so on PostgreSQL
        // the nodes create it tolerantly and then migrate one at a time under a session advisory lock.
        await using NpgsqlConnection? migrationLock = data.Provider == DatabaseProvider.PostgreSql
            ? await LockPostgreSqlAsync(context, cancellationToken).ConfigureAwait(false)
            : null;
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

    /// <summary>Creates the database if missing (a concurrent creator is fine) and takes the migration lock.</summary>
    /// <returns>The connection holding the lock; disposing it releases the lock.</returns>
    private static async Task<NpgsqlConnection> LockPostgreSqlAsync(CamStudioDbContext context, CancellationToken cancellationToken)
    {
        var creator = context.GetService<IRelationalDatabaseCreator>();
        if (!await creator.ExistsAsync(cancellationToken).ConfigureAwait(false))
        {
            try
            {
                await creator.CreateAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateDatabase)
            {
                // Another node created it first.
            }
        }

        var connection = new NpgsqlConnection(context.Database.GetConnectionString());
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = new NpgsqlCommand($"SELECT pg_advisory_lock({MigrationLockKey})", connection);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The migration lock's advisory key: any constant no other CamStudio code uses ("CSMIGRAT").</summary>
    internal const long MigrationLockKey = 0x43534D49_47524154;

    [LoggerMessage(Level = LogLevel.Information, Message = "Database ready: {Provider}, {Applied} migration(s) applied, at {Location}")]
    private static partial void LogMigrated(ILogger logger, DatabaseProvider provider, int applied, string location);
}
