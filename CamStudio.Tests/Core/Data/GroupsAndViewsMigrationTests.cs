using CamStudio.Core.Cameras;
using CamStudio.Core.Data;
using CamStudio.Core.Groups;
using CamStudio.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace CamStudio.Tests.Core.Data;

/// <summary>
/// Upgrading a database that predates <c>AddGroupsAndViews</c>: its cameras survive unchanged, in no group, and the new
/// tables take groups and memberships. Guards against a migration that rebuilds or empties the cameras table.
/// </summary>
public abstract class GroupsAndViewsMigrationTests
{
    protected abstract CamStudioDbContext CreateContext();

    [Fact]
    public async Task An_existing_database_upgraded_to_AddGroupsAndViews_keeps_its_cameras()
    {
        await using (CamStudioDbContext before = CreateContext())
        {
            await MigrationUpgrade.MigrateToJustBeforeAsync(before, "AddGroupsAndViews");

            var at = new DateTime(2026, 12, 1, 10, 0, 0, DateTimeKind.Utc);
            await before.Database.ExecuteSqlAsync($"""
                INSERT INTO cameras (name, normalized_name, source, ip_address, rtsp_port, brand, hd_path, sd_path, username,
                                     password_protected, stream_quality, audio, description, created_at, updated_at, version)
                VALUES ('Porch', 'PORCH', 'Rtsp', '192.0.2.10', 554, 'reolink', 'h264Preview_01_main', 'h264Preview_01_sub', 'admin',
                        NULL, 'Stream2', TRUE, 'front', {at}, {at}, 4),
                       ('Demo', 'DEMO', 'DemoPattern', '', 554, 'custom', 'stream1', 'stream2', '',
                        NULL, 'Stream1', FALSE, '', {at}, {at}, 1)
                """);
        }

        await using CamStudioDbContext after = CreateContext();
        await after.Database.MigrateAsync();

        (await after.Database.GetPendingMigrationsAsync()).Should().BeEmpty();
        List<Camera> cameras = await after.Cameras.AsNoTracking().OrderBy(c => c.Id).ToListAsync();
        cameras.Select(c => (c.Name, c.Source, c.Audio, c.Description, c.Version)).Should().Equal(
            ("Porch", CameraSourceKind.Rtsp, true, "front", 4),
            ("Demo", CameraSourceKind.DemoPattern, false, "", 1));
        (await after.CameraGroupMembers.CountAsync()).Should().Be(0, "no camera is put into a group by the upgrade");

        // The new tables take writes, and a membership goes with its camera.
        var outside = new CameraGroup { Name = "Outside", NormalizedName = "OUTSIDE" };
        after.CameraGroups.Add(outside);
        await after.SaveChangesAsync();
        after.CameraGroupMembers.AddRange(cameras.Select(c => new CameraGroupMember { GroupId = outside.Id, CameraId = c.Id }));
        await after.SaveChangesAsync();
        await after.Cameras.Where(c => c.Id == cameras[1].Id).ExecuteDeleteAsync();
        (await after.CameraGroupMembers.Select(m => m.CameraId).ToListAsync()).Should().Equal(cameras[0].Id);
    }
}

public sealed class SqliteGroupsAndViewsMigrationTests : GroupsAndViewsMigrationTests, IDisposable
{
    private readonly SqliteUpgradeDatabase _database = new();

    protected override CamStudioDbContext CreateContext() => _database.CreateContext();

    public void Dispose() => _database.Dispose();
}

[Collection(PostgresServerCollection.Name)]
public sealed class PostgreSqlGroupsAndViewsMigrationTests(PostgresServer server) : GroupsAndViewsMigrationTests, IAsyncLifetime
{
    private readonly PostgreSqlUpgradeDatabase _database = new(server);

    protected override CamStudioDbContext CreateContext() => _database.CreateContext();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _database.DisposeAsync().AsTask();
}
