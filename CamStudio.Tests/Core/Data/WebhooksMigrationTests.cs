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
            await MigrationUpgrade.MigrateToJustBeforeAsync(before, "AddWebhooks");
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
    private readonly SqliteUpgradeDatabase _database = new();

    protected override CamStudioDbContext CreateContext() => _database.CreateContext();

    public void Dispose() => _database.Dispose();
}

[Collection(PostgresServerCollection.Name)]
public sealed class PostgreSqlWebhooksMigrationTests(PostgresServer server) : WebhooksMigrationTests, IAsyncLifetime
{
    private readonly PostgreSqlUpgradeDatabase _database = new(server);

    protected override CamStudioDbContext CreateContext() => _database.CreateContext();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _database.DisposeAsync().AsTask();
}
