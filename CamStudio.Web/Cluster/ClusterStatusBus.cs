using System.Text.Json;
using CamStudio.Core.Cameras;
using StackExchange.Redis;

namespace CamStudio.Web.Cluster;

/// <summary>A camera's status as its owner last published it.</summary>
/// <param name="Node">The publishing (owning) node.</param>
/// <param name="Incarnation">The publishing process.</param>
/// <param name="Token">The owner's fencing token for the camera, when the owner knows one.</param>
/// <param name="Status">The owner's status of the camera.</param>
/// <param name="ExpiresAt">Local time after which the status is stale (the owner stopped publishing).</param>
public sealed record RemoteCameraStatus(string Node, Guid Incarnation, long? Token, CameraRuntimeStatus Status, DateTimeOffset ExpiresAt)
{
    /// <summary>
    /// Whether <paramref name="incoming"/> replaces <paramref name="current"/>: always after expiry or from the same
    /// process; with both tokens known the higher (newer lease) wins, so a fenced old owner's late message cannot
    /// overwrite the new owner's; without tokens the newest message wins.
    /// </summary>
    public static bool Supersedes(RemoteCameraStatus? current, RemoteCameraStatus incoming, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(incoming);
        if (current is null || current.ExpiresAt <= now || (current.Node == incoming.Node && current.Incarnation == incoming.Incarnation))
        {
            return true;
        }

        return incoming.Token is not long newer || current.Token is not long older || newer >= older;
    }
}

/// <summary>
/// Live status fan-out on the channel <c>{prefix}:status</c> (plan §5). This node publishes the status of the cameras it
/// owns every second and within <see cref="CheckInterval"/> of a change (state, viewers, health), and keeps the latest
/// status of every other camera with its node and an expiry of <see cref="StatusTtl"/>. Redis pub/sub is at-most-once:
/// a lost message is replaced by the next second's, and nothing safety-relevant travels here.
/// </summary>
public sealed partial class ClusterStatusBus : BackgroundService
{
    public static readonly TimeSpan CheckInterval = TimeSpan.FromMilliseconds(250);

    public static readonly TimeSpan PublishInterval = TimeSpan.FromSeconds(1);

    /// <summary>Three missed publications: the owner is gone or cut off, and the camera shows as "moving".</summary>
    public static readonly TimeSpan StatusTtl = TimeSpan.FromSeconds(3);

    private readonly RedisConnection _redis;
    private readonly ClusterNodeIdentity _identity;
    private readonly ICameraRuntimeStatusProvider _local;
    private readonly INodeLoadSource _load;
    private readonly ICameraFencingTokens? _tokens;
    private readonly TimeProvider _time;
    private readonly ILogger<ClusterStatusBus> _logger;
    private readonly Lock _lock = new();
    private readonly Dictionary<int, RemoteCameraStatus> _remote = [];
    private readonly TaskCompletionSource _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Dictionary<int, StatusSignature> _published = [];
    private bool _failing;

    /// <param name="local">This node's own status (streams + health), never the cluster provider: only owners publish.</param>
    public ClusterStatusBus(RedisConnection redis, ClusterNodeIdentity identity, ICameraRuntimeStatusProvider local, INodeLoadSource load,
        ICameraFencingTokens? tokens, TimeProvider time, ILogger<ClusterStatusBus> logger)
    {
        _redis = redis ?? throw new ArgumentNullException(nameof(redis));
        _identity = identity ?? throw new ArgumentNullException(nameof(identity));
        _local = local ?? throw new ArgumentNullException(nameof(local));
        _load = load ?? throw new ArgumentNullException(nameof(load));
        _tokens = tokens;
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    /// <summary>Completes once the node listens to the channel (it may start disconnected and subscribe later).</summary>
    public Task Subscribed => _subscribed.Task;

    /// <summary>The latest unexpired status another node published for <paramref name="cameraId"/>.</summary>
    public RemoteCameraStatus? Find(int cameraId)
    {
        DateTimeOffset now = _time.GetUtcNow();
        lock (_lock)
        {
            return _remote.TryGetValue(cameraId, out RemoteCameraStatus? status) && status.ExpiresAt > now ? status : null;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        ConnectionMultiplexer multiplexer = await _redis.GetAsync();
        RedisChannel channel = _redis.Channel("status");
        IReadOnlyList<int> owned = [];
        DateTimeOffset lastFull = DateTimeOffset.MinValue;
        using var timer = new PeriodicTimer(CheckInterval, _time);
        do
        {
            try
            {
                if (!_subscribed.Task.IsCompleted && multiplexer.IsConnected)
                {
                    // Once subscribed, the multiplexer re-subscribes by itself after a reconnect.
                    await multiplexer.GetSubscriber().SubscribeAsync(channel, (_, message) => Receive(message));
                    _subscribed.TrySetResult();
                }

                DateTimeOffset now = _time.GetUtcNow();
                bool full = now - lastFull >= PublishInterval;
                if (full)
                {
                    // The owned list is refreshed with every full publication; changes in between are checked against it.
                    owned = (await _load.GetLoadAsync(stoppingToken)).OwnedCameras;
                    lastFull = now;
                }

                if (multiplexer.IsConnected)
                {
                    await PublishAsync(multiplexer, channel, owned, full);
                }

                _failing = false;
            }
            // Anything but shutdown is logged and retried: the load source reads the database, and a background service
            // that throws would stop the whole host over a hint channel. Only Redis' own messages are logged: a database
            // provider's message can carry a connection string.
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                if (!_failing)
                {
                    LogPublishFailed(ex.GetType().Name, ex is RedisException or TimeoutException ? ex.Message : "database or load source");
                    _failing = true;
                }
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task PublishAsync(ConnectionMultiplexer multiplexer, RedisChannel channel, IReadOnlyList<int> owned, bool full)
    {
        var signatures = new Dictionary<int, StatusSignature>(owned.Count);
        var entries = new List<StatusEntry>();
        foreach (int cameraId in owned)
        {
            CameraRuntimeStatus status = _local.GetStatus(cameraId) with { Node = _identity.Name };
            var signature = new StatusSignature(status.State, status.ViewerCount, status.PeerConnectionCount, status.Health?.State);
            signatures[cameraId] = signature;
            if (full || !_published.TryGetValue(cameraId, out StatusSignature? old) || old != signature)
            {
                entries.Add(new StatusEntry(_tokens?.TokenOf(cameraId), status));
            }
        }

        _published = signatures;
        if (entries.Count > 0)
        {
            var message = new StatusMessage(_identity.Name, _identity.Incarnation, entries);
            await multiplexer.GetSubscriber().PublishAsync(channel, JsonSerializer.Serialize(message, ClusterJson.Options));
        }
    }

    /// <summary>Takes one message from the channel; ignores this node's own and anything unreadable.</summary>
    internal void Receive(RedisValue message)
    {
        StatusMessage? parsed;
        try
        {
            parsed = JsonSerializer.Deserialize<StatusMessage>((string)message!, ClusterJson.Options);
        }
        catch (JsonException)
        {
            return; // another version or a stray publisher on our prefix
        }

        if (parsed?.Entries is null || parsed.Node == _identity.Name)
        {
            return;
        }

        DateTimeOffset now = _time.GetUtcNow();
        lock (_lock)
        {
            foreach (StatusEntry entry in parsed.Entries)
            {
                if (entry.Status is null)
                {
                    continue;
                }

                int cameraId = entry.Status.CameraId;
                var incoming = new RemoteCameraStatus(parsed.Node, parsed.Incarnation, entry.Token, entry.Status with { Node = parsed.Node }, now + StatusTtl);
                if (RemoteCameraStatus.Supersedes(_remote.GetValueOrDefault(cameraId), incoming, now))
                {
                    _remote[cameraId] = incoming;
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Camera status not published to Redis ({Error}: {Detail}); retrying")]
    private partial void LogPublishFailed(string error, string detail);

    private sealed record StatusSignature(CameraStreamState State, int Viewers, int Peers, Core.Health.CameraHealthState? Health);

    internal sealed record StatusEntry(long? Token, CameraRuntimeStatus Status);

    internal sealed record StatusMessage(string Node, Guid Incarnation, IReadOnlyList<StatusEntry> Entries);
}
