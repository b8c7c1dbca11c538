using CamStudio.Core.Cameras;
using CamStudio.Core.Cluster;
using CamStudio.Core.Data;
using CamStudio.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CamStudio.Tests.Core.Cluster;

/// <summary>
/// A fresh, migrated database on the shared <see cref="PostgresServer"/> with the cluster's stores over it, for one test
/// class instance. Time passing is simulated by moving expiries in SQL, so no test waits for a lease to run out.
/// </summary>
internal sealed class ClusterDatabaseFixture : IAsyncDisposable
{
    private readonly string _connectionString;
    private readonly ClusterOptions _options;
    private readonly List<ClusterDatabase> _nodes = [];

    private ClusterDatabaseFixture(string connectionString, ClusterOptions options)
    {
        _connectionString = connectionString;
        _options = options;
        Database = new ClusterDatabase(connectionString);
        Leases = new CameraLeaseStore(Database, Options.Create(options));
        Nodes = new ClusterNodeStore(Database, Options.Create(options));
    }

    public ClusterDatabase Database { get; }

    /// <summary>The database's connection string (a node's own pool, or one through a relay).</summary>
    public string ConnectionString => _connectionString;

    public CameraLeaseStore Leases { get; }

    public ClusterNodeStore Nodes { get; }

    public static async Task<ClusterDatabaseFixture> CreateAsync(PostgresServer server, ClusterOptions? options = null)
    {
        var fixture = new ClusterDatabaseFixture(server.ConnectionString(PostgresServer.NewDatabaseName()), options ?? new ClusterOptions());
        await using CamStudioDbContext context = fixture.CreateContext();
        await context.Database.MigrateAsync();
        return fixture;
    }

    public PostgreSqlCamStudioDbContext CreateContext() => new(
        new DbContextOptionsBuilder<PostgreSqlCamStudioDbContext>().UseNpgsql(_connectionString).Options);

    /// <summary>Stores a minimal camera and returns its id.</summary>
    public async Task<int> AddCameraAsync(string name, string? pinnedNode = null, int? id = null)
    {
        await using CamStudioDbContext context = CreateContext();
        var now = DateTime.UtcNow;
        var camera = new Camera
        {
            Name = name, NormalizedName = name.ToUpperInvariant(), Source = CameraSourceKind.DemoPattern,
            CreatedAt = now, UpdatedAt = now, Version = 1, PinnedNode = pinnedNode, Id = id ?? 0,
        };
        context.Cameras.Add(camera);
        await context.SaveChangesAsync();
        return camera.Id;
    }

    /// <summary>
    /// A lease store with its own pool, as another node would have, its connection already open so that a race between
    /// such stores is decided by the statements, not by who connected first.
    /// </summary>
    public async Task<CameraLeaseStore> CreateNodeLeaseStoreAsync()
    {
        var database = new ClusterDatabase(_connectionString);
        _nodes.Add(database);
        await using (var warm = database.DataSource.CreateCommand("SELECT 1"))
        {
            await warm.ExecuteScalarAsync();
        }

        return new CameraLeaseStore(database, Options.Create(_options));
    }

    /// <summary>Runs SQL against the database (e.g. to move an expiry into the past).</summary>
    public async Task<int> ExecuteAsync(string sql)
    {
        await using var command = Database.DataSource.CreateCommand(sql);
        return await command.ExecuteNonQueryAsync();
    }

    public async Task<CameraLease> LeaseAsync(int cameraId) =>
        (await Leases.ListAsync(default)).Leases.Single(l => l.CameraId == cameraId);

    public async ValueTask DisposeAsync()
    {
        await Database.DisposeAsync();
        foreach (ClusterDatabase node in _nodes)
        {
            await node.DisposeAsync();
        }

        await using CamStudioDbContext context = CreateContext();
        await context.Database.EnsureDeletedAsync();
    }
}
