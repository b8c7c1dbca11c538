using CamStudio.Core.Cameras;
using CamStudio.Core.Data;
using CamStudio.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace CamStudio.Tests.Core.Data;

/// <summary>
/// Upgrading a database that predates <c>AddCameraAudio</c>: its cameras survive and come back with audio off. Guards
/// against a migration that drops rows, leaves the new column null, or turns audio on for cameras nobody asked about.
/// </summary>
public abstract class CameraAudioMigrationTests
{
    protected abstract CamStudioDbContext CreateContext();

    [Fact]
    public async Task An_existing_database_upgraded_to_AddCameraAudio_keeps_its_cameras_with_audio_off()
    {
        await using (CamStudioDbContext before = CreateContext())
        {
            await MigrationUpgrade.MigrateToJustBeforeAsync(before, "AddCameraAudio");

            // The schema as it was: the EF model already has the audio column, so the rows go in as plain SQL.
            var at = new DateTime(2026, 11, 30, 10, 0, 0, DateTimeKind.Utc);
            await before.Database.ExecuteSqlAsync($"""
                INSERT INTO cameras (name, normalized_name, source, ip_address, rtsp_port, brand, hd_path, sd_path, username,
                                     password_protected, stream_quality, description, created_at, updated_at, version)
                VALUES ('Porch', 'PORCH', 'Rtsp', '192.0.2.10', 554, 'reolink', 'h264Preview_01_main', 'h264Preview_01_sub', 'admin',
                        NULL, 'Stream2', '', {at}, {at}, 3),
                       ('Demo', 'DEMO', 'DemoPattern', '', 554, 'custom', 'stream1', 'stream2', '',
                        NULL, 'Stream1', 'pattern', {at}, {at}, 1)
                """);
        }

        await using CamStudioDbContext after = CreateContext();
        await after.Database.MigrateAsync();

        (await after.Database.GetPendingMigrationsAsync()).Should().BeEmpty();
        List<Camera> cameras = await after.Cameras.AsNoTracking().OrderBy(c => c.Id).ToListAsync();
        cameras.Select(c => (c.Name, c.Source, c.Brand, c.StreamQuality, c.Version, c.Audio)).Should().Equal(
            ("Porch", CameraSourceKind.Rtsp, "reolink", StreamQuality.Stream2, 3, false),
            ("Demo", CameraSourceKind.DemoPattern, "custom", StreamQuality.Stream1, 1, false));

        // The upgraded column takes writes like a new one.
        Camera porch = cameras[0];
        await after.Cameras.Where(c => c.Id == porch.Id).ExecuteUpdateAsync(s => s.SetProperty(c => c.Audio, true));
        (await after.Cameras.AsNoTracking().Where(c => c.Audio).Select(c => c.Name).ToListAsync()).Should().Equal("Porch");
    }
}

public sealed class SqliteCameraAudioMigrationTests : CameraAudioMigrationTests, IDisposable
{
    private readonly SqliteUpgradeDatabase _database = new();

    protected override CamStudioDbContext CreateContext() => _database.CreateContext();

    public void Dispose() => _database.Dispose();
}

[Collection(PostgresServerCollection.Name)]
public sealed class PostgreSqlCameraAudioMigrationTests(PostgresServer server) : CameraAudioMigrationTests, IAsyncLifetime
{
    private readonly PostgreSqlUpgradeDatabase _database = new(server);

    protected override CamStudioDbContext CreateContext() => _database.CreateContext();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _database.DisposeAsync().AsTask();
}
