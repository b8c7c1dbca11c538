using CamStudio.Core.Cameras;
using CamStudio.Core.Cluster;
using CamStudio.Web.Cluster;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CamStudio.Tests.Web.Cluster;

/// <summary>
/// One cluster node's Redis side, wired by hand as AddClusterRedis wires it, over a camera status the test sets: its
/// own connection, heartbeat publisher, status bus and the app's status provider. Owned cameras are the test's list.
/// </summary>
internal sealed class ClusterRedisNode : IAsyncDisposable, ICameraRuntimeStatusProvider, INodeLoadSource, ICameraOwnership
{
    private readonly Lock _lock = new();
    private readonly Dictionary<int, CameraRuntimeStatus> _local = [];
    private bool _busStarted;
    private volatile bool _loadFails;
    private int _loadCalls;
    private bool _heartbeatsStarted;

    public ClusterRedisNode(string name, string redis, string prefix)
    {
        var options = Options.Create(new ClusterOptions { NodeName = name, Redis = redis, ChannelPrefix = prefix });
        Identity = new ClusterNodeIdentity(options);
        Redis = new RedisConnection(options, NullLogger<RedisConnection>.Instance);
        Bus = new ClusterStatusBus(Redis, Identity, this, this, tokens: null, TimeProvider.System, NullLogger<ClusterStatusBus>.Instance);
        Heartbeats = new NodeHeartbeatPublisher(Redis, Identity, this, TimeProvider.System, NullLogger<NodeHeartbeatPublisher>.Instance);
        Provider = new ClusterStatusProvider(this, Bus, this, Identity);
    }

    public ClusterNodeIdentity Identity { get; }

    public RedisConnection Redis { get; }

    public ClusterStatusBus Bus { get; }

    public NodeHeartbeatPublisher Heartbeats { get; }

    /// <summary>What this node's pages show.</summary>
    public ClusterStatusProvider Provider { get; }

    /// <summary>This node owns <paramref name="status"/>'s camera and reports it as given.</summary>
    public void Own(CameraRuntimeStatus status)
    {
        lock (_lock)
        {
            _local[status.CameraId] = status;
        }
    }

    /// <summary>While true the load source throws, as the store does while the database is unreachable.</summary>
    public bool LoadFails
    {
        get => _loadFails;
        set => _loadFails = value;
    }

    /// <summary>How often the bus and the heartbeat asked for this node's load.</summary>
    public int LoadCalls => Volatile.Read(ref _loadCalls);

    public async Task StartBusAsync()
    {
        await Redis.GetAsync();
        _busStarted = true;
        await Bus.StartAsync(CancellationToken.None);
    }

    public async Task StopBusAsync()
    {
        _busStarted = false;
        await Bus.StopAsync(CancellationToken.None);
    }

    public async Task StartHeartbeatsAsync()
    {
        await Redis.GetAsync();
        _heartbeatsStarted = true;
        await Heartbeats.StartAsync(CancellationToken.None);
    }

    public async Task StopHeartbeatsAsync()
    {
        _heartbeatsStarted = false;
        await Heartbeats.StopAsync(CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        if (_busStarted)
        {
            await StopBusAsync();
        }

        if (_heartbeatsStarted)
        {
            await StopHeartbeatsAsync();
        }

        Bus.Dispose();
        Heartbeats.Dispose();
        await Redis.DisposeAsync();
    }

    CameraRuntimeStatus ICameraRuntimeStatusProvider.GetStatus(int cameraId)
    {
        lock (_lock)
        {
            return _local.GetValueOrDefault(cameraId) ?? CameraRuntimeStatus.Idle(cameraId);
        }
    }

    ValueTask<NodeLoad> INodeLoadSource.GetLoadAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _loadCalls);
        if (_loadFails)
        {
            throw new InvalidOperationException("The database is unreachable (test).");
        }

        lock (_lock)
        {
            return ValueTask.FromResult(new NodeLoad(
                [.. _local.Keys.Order()], _local.Values.Count(s => s.IsRunning), _local.Values.Sum(s => s.ViewerCount)));
        }
    }

    bool ICameraOwnership.IsLocal(int cameraId)
    {
        lock (_lock)
        {
            return _local.ContainsKey(cameraId);
        }
    }

    CameraOwner? ICameraOwnership.OwnerOf(int cameraId) => ((ICameraOwnership)this).IsLocal(cameraId) ? new CameraOwner(Identity.Name, true) : null;
}
