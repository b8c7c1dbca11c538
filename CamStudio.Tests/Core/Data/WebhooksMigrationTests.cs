using CamStudio.Core.Data;
using CamStudio.Core.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace CamStudio.Tests.Core.Data;

/// <summary>
/// Upgrading a database that predates <c>AddWebhooks</c> on both providers: its cameras survive and the new table takes
/// a webhook with its encrypted secret (a long text column) and the state list. Guards against a migration made for one
/// provider only or one that touches existing tables.
/// </summary>
public abstract class WebhooksMigrationTests
{
    protected abstract CamStudioDbContext CreateContext();

    [Fact]
    public async Task An_existing_database_upgraded_to_AddWebhooks_keeps_its_cameras_and_stores_webhooks()
    {
        await using (CamStudioDbContext before = CreateContext())
        {
            string[] all = [.. before.Database.GetMigrations()];
            int webhooks = Array.FindIndex(all, m => m.EndsWith("_AddWebhooks", StringComparison.Ordinal));
            webhooks.Should().BeGreaterThan(0);
            await before.GetService<IMigrator>().MigrateAsync(all[webhooks - 1]);
            // Plain SQL, as the schema was: the EF model has columns later migrations add (pinned_node, AddCluster).
            var created = new DateTime(2026, 12, 4, 10, 0, 0, DateTimeKind.Utc);
            await before.Database.ExecuteSqlAsync($"""
                INSERT INTO cameras (name, normalized_name, source, ip_address, rtsp_port, brand, hd_path, sd_path, username,
                                     password_protected, stream_quality, audio, description, created_at, updated_at, version)
                VALUES ('Porch', 'PORCH', 'Rtsp', '192.0.2.10', 554, 'custom', 'stream1', 'stream2', '',
                        NULL, 'Stream2', FALSE, '', {created}, {created}, 0)
                """);
        }

        await using CamStudioDbContext after = CreateContext();
        await after.Database.MigrateAsync();

        (await after.Cameras.AsNoTracking().Select(c => c.Name).ToListAsync()).Should().Equal("Porch");
        var at = new DateTime(2026, 12, 4, 18, 0, 0, DateTimeKind.Utc);
        after.Webhooks.Add(new Webhook
        {
            Name = "Phone",
            Url = "https://ntfy.example.com/" + new string('x', 1500),
            ProtectedSecret = new string('C', 400),
            SecretHint = "abcd",
            EventKinds = "offline,wrong_password",
            CreatedAt = at,
            UpdatedAt = at,
        });
        await after.SaveChangesAsync();
        Webhook stored = await after.Webhooks.AsNoTracking().SingleAsync();
        (stored.Name, stored.Enabled, stored.EventKinds, stored.CreatedAt, stored.Url.Length)
            .Should().Be(("Phone", true, "offline,wrong_password", at, 1525));
    }
}

public sealed class SqliteWebhooksMigrationTests : WebhooksMigrationTests, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("camstudio-webhooks-migration-").FullName;

    protected override CamStudioDbContext CreateContext() => new SqliteCamStudioDbContext(
        new DbContextOptionsBuilder<SqliteCamStudioDbContext>()
            .UseSqlite($"Data Source={Path.Combine(_directory, "camstudio.db")};Pooling=False")
            .Options);

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}

[Collection(PostgresServerCollection.Name)]
public sealed class PostgreSqlWebhooksMigrationTests(PostgresServer server) : WebhooksMigrationTests, IAsyncLifetime
{
    private readonly string _connectionString = server.ConnectionString(PostgresServer.NewDatabaseName());

    protected override CamStudioDbContext CreateContext() => new PostgreSqlCamStudioDbContext(
        new DbContextOptionsBuilder<PostgreSqlCamStudioDbContext>().UseNpgsql(_connectionString).Options);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await using CamStudioDbContext context = CreateContext();
        await context.Database.EnsureDeletedAsync();
    }
}
