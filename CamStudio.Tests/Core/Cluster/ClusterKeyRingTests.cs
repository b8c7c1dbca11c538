using CamStudio.Core;
using CamStudio.Core.Data;
using CamStudio.Core.Security;
using CamStudio.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CamStudio.Tests.Core.Cluster;

/// <summary>
/// The shared Data Protection key ring of cluster mode, on a real PostgreSQL: nodes starting together on an empty table
/// agree on one key and decrypt each other's camera passwords; a single node's file key ring is imported on its first
/// cluster start, so passwords stored before still decrypt, on that node and on a node that never saw the file.
/// </summary>
[Collection(PostgresServerCollection.Name)]
public sealed class ClusterKeyRingTests(PostgresServer server) : IAsyncLifetime
{
    private readonly string _connectionString = server.ConnectionString(PostgresServer.NewDatabaseName());
    private readonly List<string> _directories = [];

    public async Task InitializeAsync()
    {
        // Migrated up front: the race under test is the first key, not two nodes creating one database.
        await using CamStudioDbContext context = CreateContext();
        await context.Database.MigrateAsync();
    }

    public async Task DisposeAsync()
    {
        await using CamStudioDbContext context = CreateContext();
        await context.Database.EnsureDeletedAsync();
        foreach (string directory in _directories.Where(Directory.Exists))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Two_nodes_starting_together_on_an_empty_table_make_one_key_and_decrypt_each_others_passwords()
    {
        using IHost a = CreateHost(cluster: true, "node-a");
        using IHost b = CreateHost(cluster: true, "node-b");

        await Task.WhenAll(a.StartAsync(), b.StartAsync());

        (await KeyRowsAsync()).Should().HaveCount(1, "the second node waits on the lock and finds the first node's key");
        ICameraPasswordProtector protectorA = a.Services.GetRequiredService<ICameraPasswordProtector>();
        ICameraPasswordProtector protectorB = b.Services.GetRequiredService<ICameraPasswordProtector>();
        protectorB.Unprotect(protectorA.Protect("password of A")).Should().Be("password of A");
        protectorA.Unprotect(protectorB.Protect("password of B")).Should().Be("password of B");
        (await KeyRowsAsync()).Should().HaveCount(1, "protecting made no further key");
        await Task.WhenAll(a.StopAsync(), b.StopAsync());
    }

    [Fact]
    public async Task A_single_nodes_file_key_ring_is_imported_on_its_first_cluster_start()
    {
        string protectedBefore;
        string data;
        using (IHost single = CreateHost(cluster: false, nodeName: null))
        {
            data = single.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<CamStudioDataOptions>>().Value.DataDirectory;
            await single.StartAsync();
            protectedBefore = single.Services.GetRequiredService<ICameraPasswordProtector>().Protect("stored before the cluster");
            await single.StopAsync();
        }

        (await KeyRowsAsync()).Should().BeEmpty("a single node keeps its key ring in files");
        string[] files = Directory.GetFiles(Path.Combine(data, "keys"), "key-*.xml");
        files.Should().ContainSingle();

        using IHost first = CreateHost(cluster: true, "node-a", data);
        await first.StartAsync();
        first.Services.GetRequiredService<ICameraPasswordProtector>().Unprotect(protectedBefore).Should().Be("stored before the cluster");
        (await KeyRowsAsync()).Should().Equal([Path.GetFileNameWithoutExtension(files[0])], "the file key was imported and is still usable");

        using IHost other = CreateHost(cluster: true, "node-b");
        await other.StartAsync();
        other.Services.GetRequiredService<ICameraPasswordProtector>().Unprotect(protectedBefore)
            .Should().Be("stored before the cluster", "a node that never saw the file reads the ring from the database");
        (await KeyRowsAsync()).Should().HaveCount(1);
        await Task.WhenAll(first.StopAsync(), other.StopAsync());
    }

    [Fact]
    public async Task Two_nodes_starting_together_on_a_database_that_does_not_exist_yet_create_and_migrate_it_once()
    {
        string fresh = server.ConnectionString(PostgresServer.NewDatabaseName());
        using IHost a = CreateHost(cluster: true, "node-a", connectionString: fresh);
        using IHost b = CreateHost(cluster: true, "node-b", connectionString: fresh);

        try
        {
            await Task.WhenAll(a.StartAsync(), b.StartAsync());

            await using var context = new PostgreSqlCamStudioDbContext(
                new DbContextOptionsBuilder<PostgreSqlCamStudioDbContext>().UseNpgsql(fresh).Options);
            (await context.Database.GetPendingMigrationsAsync()).Should().BeEmpty();
            (await context.DataProtectionKeys.CountAsync()).Should().Be(1);
            b.Services.GetRequiredService<ICameraPasswordProtector>()
                .Unprotect(a.Services.GetRequiredService<ICameraPasswordProtector>().Protect("x")).Should().Be("x");
            await Task.WhenAll(a.StopAsync(), b.StopAsync());
        }
        finally
        {
            await using var context = new PostgreSqlCamStudioDbContext(
                new DbContextOptionsBuilder<PostgreSqlCamStudioDbContext>().UseNpgsql(fresh).Options);
            await context.Database.EnsureDeletedAsync();
        }
    }

    private IHost CreateHost(bool cluster, string? nodeName, string? dataDirectory = null, string? connectionString = null)
    {
        if (dataDirectory is null)
        {
            dataDirectory = Path.Combine(Path.GetTempPath(), "camstudio-keyring-" + Guid.NewGuid().ToString("N"));
            _directories.Add(dataDirectory);
        }

        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["DataDirectory"] = dataDirectory,
            ["Database:Provider"] = "PostgreSQL",
            ["ConnectionStrings:CamStudio"] = connectionString ?? _connectionString,
            ["Cluster:Enabled"] = cluster ? "true" : "false",
            ["Cluster:NodeName"] = nodeName,
            ["Cluster:AdvertisedUrl"] = "http://127.0.0.1:5000",
            ["Cluster:Redis"] = "127.0.0.1:6379",
            ["WebRtc:AdvertisedAddresses:0"] = "127.0.0.1",
        });
        builder.Services.AddCamStudioCore(builder.Configuration);
        return builder.Build();
    }

    private async Task<List<string?>> KeyRowsAsync()
    {
        await using CamStudioDbContext context = CreateContext();
        return await context.DataProtectionKeys.AsNoTracking().OrderBy(k => k.Id).Select(k => k.FriendlyName).ToListAsync();
    }

    private PostgreSqlCamStudioDbContext CreateContext() => new(
        new DbContextOptionsBuilder<PostgreSqlCamStudioDbContext>().UseNpgsql(_connectionString).Options);
}
