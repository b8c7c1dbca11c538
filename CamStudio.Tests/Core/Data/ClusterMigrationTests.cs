using CamStudio.Core.Cameras;
using CamStudio.Core.Cluster;
using CamStudio.Core.Data;
using CamStudio.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace CamStudio.Tests.Core.Data;

/// <summary>
/// Upgrading a database that predates <c>AddCluster</c> (both providers; SQLite gets the tables but never uses them):
/// its cameras survive with no pin and no lease, the new tables take rows, and a camera's lease goes with the camera.
/// Guards against a migration that rebuilds the cameras table or a lease that outlives its camera.
/// </summary>
public abstract class ClusterMigrationTests
{
    protected abstract CamStudioDbContext CreateContext();

    [Fact]
    public async Task An_existing_database_upgraded_to_AddCluster_keeps_its_cameras_unpinned_and_unleased()
    {
        await using (CamStudioDbContext before = CreateContext())
        {
            await MigrationUpgrade.MigrateToJustBeforeAsync(before, "AddCluster");

            // The schema as it was: the EF model already has pinned_node, so the rows go in as plain SQL.
            var at = new DateTime(2026, 12, 4, 10, 0, 0, DateTimeKind.Utc);
            await before.Database.ExecuteSqlAsync($"""
                INSERT INTO cameras (name, normalized_name, source, ip_address, rtsp_port, brand, hd_path, sd_path, username,
                                     password_protected, stream_quality, audio, description, created_at, updated_at, version)
                VALUES ('Porch', 'PORCH', 'Rtsp', '192.0.2.10', 554, 'reolink', 'main', 'sub', 'admin',
                        NULL, 'Stream2', TRUE, '', {at}, {at}, 3),
                       ('Yard', 'YARD', 'Rtsp', '192.0.2.11', 554, 'custom', 'stream1', 'stream2', '',
                        NULL, 'Stream1', FALSE, 'back', {at}, {at}, 1)
                """);
        }

        await using CamStudioDbContext after = CreateContext();
        await after.Database.MigrateAsync();

        (await after.Database.GetPendingMigrationsAsync()).Should().BeEmpty();
        List<Camera> cameras = await after.Cameras.AsNoTracking().OrderBy(c => c.Id).ToListAsync();
        cameras.Select(c => (c.Name, c.Audio, c.Version, c.PinnedNode)).Should().Equal(("Porch", true, 3, null), ("Yard", false, 1, (string?)null));
        (await after.CameraLeases.CountAsync()).Should().Be(0);
        (await after.ClusterNodes.CountAsync()).Should().Be(0);
        (await after.DataProtectionKeys.CountAsync()).Should().Be(0);

        // The new column and tables take writes; a camera's lease is deleted with the camera, the other one stays.
        int porch = cameras[0].Id, yard = cameras[1].Id;
        await after.Cameras.Where(c => c.Id == porch).ExecuteUpdateAsync(s => s.SetProperty(c => c.PinnedNode, "node-a"));
        DateTime now = new(2026, 12, 5, 0, 0, 0, DateTimeKind.Utc);
        after.CameraLeases.AddRange(
            new CameraLease { CameraId = porch, NodeName = "node-a", Incarnation = Guid.NewGuid(), FencingToken = 1, AcquiredAt = now, ExpiresAt = now },
            new CameraLease { CameraId = yard, ExpiresAt = now });
        after.ClusterNodes.Add(new ClusterNode
        {
            NodeName = "node-a", Incarnation = Guid.NewGuid(), AdvertisedUrl = "http://10.0.0.21:5000", MediaAddresses = "10.0.0.21",
            UdpPort = 8555, AppVersion = "1.0", StartedAt = now, HeartbeatAt = now, ExpiresAt = now,
        });
        await after.SaveChangesAsync();

        await after.Cameras.Where(c => c.Id == porch).ExecuteDeleteAsync();
        (await after.CameraLeases.AsNoTracking().Select(l => l.CameraId).ToListAsync()).Should().Equal(yard);
        (await after.Cameras.AsNoTracking().Select(c => c.PinnedNode).ToListAsync()).Should().Equal((string?)null);
    }
}

public sealed class SqliteClusterMigrationTests : ClusterMigrationTests, IDisposable
{
    private readonly SqliteUpgradeDatabase _database = new();

    protected override CamStudioDbContext CreateContext() => _database.CreateContext();

    public void Dispose() => _database.Dispose();
}

[Collection(PostgresServerCollection.Name)]
public sealed class PostgreSqlClusterMigrationTests(PostgresServer server) : ClusterMigrationTests, IAsyncLifetime
{
    private readonly PostgreSqlUpgradeDatabase _database = new(server);

    protected override CamStudioDbContext CreateContext() => _database.CreateContext();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _database.DisposeAsync().AsTask();
}
