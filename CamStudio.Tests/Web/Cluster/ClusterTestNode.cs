using System.Collections.Concurrent;
using CamStudio.Core.Cluster;
using CamStudio.Web.Cluster;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CamStudio.Tests.Web.Cluster;

/// <summary>
/// One in-process cluster node for coordinator tests: its own Npgsql pool (optionally through a relay), a
/// <see cref="ClusterCoordinator"/> and a fence that records when each camera was fenced instead of killing FFmpeg.
/// <see cref="DisposeAsync"/> is a crash (nothing released); <see cref="StopAsync"/> a graceful stop.
/// </summary>
internal sealed class ClusterTestNode : IAsyncDisposable
{
    private readonly ClusterDatabase _database;

    private ClusterTestNode(string name, string connectionString, ClusterOptions options)
    {
        _database = new ClusterDatabase(connectionString);
        IOptions<ClusterOptions> wrapped = Options.Create(options);
        Fence = new RecordingFence();
        Coordinator = new ClusterCoordinator(
            new CameraLeaseStore(_database, wrapped), new ClusterNodeStore(_database, wrapped), wrapped, Fence,
            new ClusterNodeRegistration(name, Guid.NewGuid(), $"http://{name}.test", "127.0.0.1", 8555, "test"),
            TimeProvider.System, NullLogger<ClusterCoordinator>.Instance);
        Admission = new ClusterAdmission(Coordinator);
        Fence.Admission = Admission;
    }

    public ClusterCoordinator Coordinator { get; }

    public ClusterAdmission Admission { get; }

    public RecordingFence Fence { get; }

    /// <summary>TTL 2 s (a fifth of production) with the other timings scaled to keep the plan's inequalities.</summary>
    public static ClusterOptions ShortTimings() => new()
    {
        LeaseTtl = TimeSpan.FromSeconds(2),
        RenewInterval = TimeSpan.FromMilliseconds(250),
        FenceMargin = TimeSpan.FromMilliseconds(500),
        ClaimMargin = TimeSpan.FromMilliseconds(250),
    };

    /// <summary>Starts a node and waits until its name is registered.</summary>
    public static async Task<ClusterTestNode> StartAsync(string name, string connectionString, int? port = null)
    {
        if (port is { } relayed)
        {
            connectionString = new NpgsqlConnectionStringBuilder(connectionString) { Port = relayed }.ConnectionString;
        }

        var node = new ClusterTestNode(name, connectionString, ShortTimings());
        await node.Coordinator.StartAsync(default);
        await Eventually.WaitUntilAsync(() => node.Coordinator.IsRegistered, TimeSpan.FromSeconds(10), $"node {name} registered");
        return node;
    }

    public Task StopAsync() => Coordinator.StopAsync(default);

    public async ValueTask DisposeAsync()
    {
        Coordinator.Dispose();
        await _database.DisposeAsync();
    }
}

/// <summary>
/// Records each fence with the wall-clock time it completed (the database's clock on this machine) and the admission's
/// answer when it began.
/// </summary>
internal sealed class RecordingFence : ICameraFence
{
    public ConcurrentQueue<FenceRecord> Fenced { get; } = new();

    public ClusterAdmission? Admission { get; set; }

    /// <summary>Cameras someone "watches" on this node (not idle: never handed over for balance).</summary>
    public ConcurrentDictionary<int, bool> Watched { get; } = new();

    public bool IsIdle(int cameraId) => !Watched.ContainsKey(cameraId);

    /// <summary>The real fence behind the record (e.g. a stream host's), awaited before the time is taken.</summary>
    public Func<int, Task>? Inner { get; set; }

    public async Task FenceAsync(int cameraId)
    {
        bool admitted = Admission?.MayRun(cameraId) ?? false;
        if (Inner is { } inner)
        {
            await inner(cameraId);
        }

        Fenced.Enqueue(new FenceRecord(cameraId, DateTime.UtcNow, admitted));
    }
}

internal sealed record FenceRecord(int CameraId, DateTime At, bool AdmittedAtFence);
