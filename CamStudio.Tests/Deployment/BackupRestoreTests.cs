using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CamStudio.Core.Cameras;
using CamStudio.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace CamStudio.Tests.Deployment;

/// <summary>
/// scripts/backup.sh and scripts/restore.sh on a real data directory: the backup is taken while the app runs, the data
/// directory is wiped, the restore proves with the app's check mode that the key ring decrypts the database, and the
/// app then reads the camera's password back.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class BackupRestoreTests : IDisposable
{
    private const string Password = "backup-pw-\"quoted\"-9d1";
    private readonly string _root = Path.Combine(Path.GetTempPath(), "camstudio-backup-" + Guid.NewGuid().ToString("N"));

    public BackupRestoreTests() => Directory.CreateDirectory(_root);

    private string Data => Path.Combine(_root, "data");

    private string Archive => Path.Combine(_root, "backup.tar.gz");

    [Fact]
    public async Task Backup_while_running_then_wipe_then_restore_reads_the_password_back()
    {
        int id = await CreateCameraWithPasswordAsync(Data, "Garage");
        (int backupCode, string backupOutput) = await ScriptRunner.RunAsync("backup.sh", ["--data", Data, "--out", Archive]);
        backupCode.Should().Be(0, backupOutput);
        File.GetUnixFileMode(Archive).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite, "the archive holds the key ring");
        ArchiveEntries(Archive).Should().Contain(["camstudio/camstudio.db", "camstudio/BACKUP-INFO"])
            .And.Contain(e => e.StartsWith("camstudio/keys/key-", StringComparison.Ordinal) && e.EndsWith(".xml", StringComparison.Ordinal));

        SqliteConnection.ClearAllPools();
        Directory.Delete(Data, recursive: true);

        (int restoreCode, string restoreOutput) = await RestoreAsync(Archive);
        restoreCode.Should().Be(0, restoreOutput);
        restoreOutput.Should().Contain("verify-data: OK: 1 camera(s), 1 stored password(s) decrypted");

        await using var app = new CamStudioAppFactory(dataDirectory: Data);
        using HttpClient client = app.CreateClient();
        using HttpResponseMessage response = await client.GetAsync($"/api/cameras/{id}");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        JsonElement camera = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        camera.GetProperty("name").GetString().Should().Be("Garage");
        camera.GetProperty("has_password").GetBoolean().Should().BeTrue();
        CameraStreamSource? source = await app.Services.GetRequiredService<ICameraStore>().GetStreamSourceAsync(id, CancellationToken.None);
        source!.Password.Should().Be(Password);
    }

    [Fact]
    public async Task Restore_of_a_database_without_its_key_ring_is_refused_and_leaves_the_data_alone()
    {
        await CreateCameraWithPasswordAsync(Data, "Porch");
        string dbOnly = Path.Combine(_root, "db-only.tar.gz");
        WriteArchive(dbOnly, ("camstudio/camstudio.db", Path.Combine(Data, "camstudio.db")));
        string[] before = Directory.GetFiles(Data, "*", SearchOption.AllDirectories);

        (int exitCode, string output) = await RestoreAsync(dbOnly);

        exitCode.Should().Be(1, output);
        output.Should().Contain("REFUSED").And.Contain("no Data Protection key ring")
            .And.Contain("makes every stored camera password unreadable");
        Directory.GetFiles(Data, "*", SearchOption.AllDirectories).Should().BeEquivalentTo(before);
    }

    [Fact]
    public async Task Restore_with_the_key_ring_of_another_install_fails_verification_and_puts_the_old_data_back()
    {
        await CreateCameraWithPasswordAsync(Data, "Current");
        string other = Path.Combine(_root, "other");
        await CreateCameraWithPasswordAsync(other, "Foreign");
        string mixed = Path.Combine(_root, "mixed.tar.gz");
        string[] currentKeys = Directory.GetFiles(Path.Combine(Data, "keys"), "*.xml");
        WriteArchive(mixed, [
            ("camstudio/camstudio.db", Path.Combine(other, "camstudio.db")),
            .. currentKeys.Select(k => ("camstudio/keys/" + Path.GetFileName(k), k)),
        ]);
        string currentDb = Path.Combine(Data, "camstudio.db");
        byte[] currentBytes = await File.ReadAllBytesAsync(currentDb);

        (int exitCode, string output) = await RestoreAsync(mixed);

        exitCode.Should().Be(1, output);
        output.Should().Contain("verify-data: FAILED: 1 of 1 stored password(s) cannot be decrypted")
            .And.Contain("previous data put back");
        (await File.ReadAllBytesAsync(currentDb)).Should().Equal(currentBytes);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_root, recursive: true);
    }

    private static async Task<int> CreateCameraWithPasswordAsync(string dataDirectory, string name)
    {
        await using var app = new CamStudioAppFactory(dataDirectory: dataDirectory);
        using HttpClient client = app.CreateClient();
        using HttpResponseMessage created = await client.PostAsJsonAsync(
            "/api/cameras/create", new { name, ip_address = "10.1.2.3", username = "admin", password = Password });
        created.StatusCode.Should().Be(HttpStatusCode.Created);
        return JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("camera_id").GetInt32();
    }

    private Task<(int ExitCode, string Output)> RestoreAsync(string archive) =>
        ScriptRunner.RunAsync("restore.sh", [archive, "--data", Data, "--app", WebAppBuild.Dll], timeout: TimeSpan.FromMinutes(2));

    private static List<string> ArchiveEntries(string archive)
    {
        using var gzip = new GZipStream(File.OpenRead(archive), CompressionMode.Decompress);
        using var tar = new TarReader(gzip);
        var names = new List<string>();
        while (tar.GetNextEntry() is { } entry)
        {
            names.Add(entry.Name.TrimStart('.', '/'));
        }

        return names;
    }

    private static void WriteArchive(string archive, params (string Name, string Source)[] files)
    {
        SqliteConnection.ClearAllPools();
        using var gzip = new GZipStream(File.Create(archive), CompressionLevel.Fastest);
        using var tar = new TarWriter(gzip, TarEntryFormat.Pax);
        foreach ((string name, string source) in files)
        {
            tar.WriteEntry(source, name);
        }
    }
}
