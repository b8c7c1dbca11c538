using CamStudio.Core.Data;
using CamStudio.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace CamStudio.Tests.Core.Data;

/// <summary>
/// What every migration upgrade test shares: a database of each provider to upgrade, and the step that brings it to the
/// migration just before the one under test (so the rows go in as the schema was, then the real upgrade runs).
/// </summary>
public static class MigrationUpgrade
{
    /// <summary>Migrates <paramref name="context"/>'s database to the migration before the one named <c>*_<paramref name="migration"/></c>.</summary>
    public static async Task MigrateToJustBeforeAsync(CamStudioDbContext context, string migration)
    {
        string[] all = [.. context.Database.GetMigrations()];
        int index = Array.FindIndex(all, m => m.EndsWith("_" + migration, StringComparison.Ordinal));
        index.Should().BeGreaterThan(0, $"{migration} follows the earlier migrations");
        await context.GetService<IMigrator>().MigrateAsync(all[index - 1]);
    }
}

/// <summary>An SQLite database file in a temporary folder, deleted with the folder.</summary>
public sealed class SqliteUpgradeDatabase : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("camstudio-migration-").FullName;

    public CamStudioDbContext CreateContext() => new SqliteCamStudioDbContext(
        new DbContextOptionsBuilder<SqliteCamStudioDbContext>()
            .UseSqlite($"Data Source={Path.Combine(_directory, "camstudio.db")};Pooling=False")
            .Options);

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}

/// <summary>A new database on the tests' PostgreSQL server, dropped at the end.</summary>
public sealed class PostgreSqlUpgradeDatabase(PostgresServer server) : IAsyncDisposable
{
    private readonly string _connectionString = server.ConnectionString(PostgresServer.NewDatabaseName());

    public CamStudioDbContext CreateContext() => new PostgreSqlCamStudioDbContext(
        new DbContextOptionsBuilder<PostgreSqlCamStudioDbContext>().UseNpgsql(_connectionString).Options);

    public async ValueTask DisposeAsync()
    {
        await using CamStudioDbContext context = CreateContext();
        await context.Database.EnsureDeletedAsync();
    }
}
