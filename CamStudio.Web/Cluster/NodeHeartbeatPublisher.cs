using System.Collections.Concurrent;
using System.Text.Json;
using StackExchange.Redis;

namespace CamStudio.Web.Cluster;

/// <summary>One node's heartbeat: who it is and how loaded (plan §1.3).</summary>
public sealed record NodeHeartbeat(
    string Node, Guid Incarnation, string? AdvertisedUrl, IReadOnlyList<int> Cameras, int RunningStreams, int Viewers)
{
    public int OwnedCameras => Cameras.Count;

    public double Score => new NodeLoad(Cameras, RunningStreams, Viewers).Score;
}

/// <summary>
/// Every second: <c>SET {prefix}:node:{name} PX 5000</c> (a node that stops is gone from Redis 5 s later without anyone
/// deleting it) and the same heartbeat on the channel <c>{prefix}:nodes</c>; keeps the other nodes' latest heartbeats
/// (<see cref="LiveNodes"/>) for placement and the Status page. A hint only: leases in PostgreSQL decide ownership, so a
/// missing heartbeat never moves a camera by itself.
/// </summary>
public sealed partial class NodeHeartbeatPublisher(
    RedisConnection redis,
    ClusterNodeIdentity identity,
    INodeLoadSource load,
    TimeProvider time,
    ILogger<NodeHeartbeatPublisher> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    /// <summary>Five missed beats: the key's expiry, and how long a heard heartbeat counts as live.</summary>
    public static readonly TimeSpan Expiry = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, (NodeHeartbeat Beat, DateTimeOffset ExpiresAt)> _peers = new(StringComparer.Ordinal);
    private bool _failing;
    private volatile OwnBeatBox? _ownBeat;

    /// <summary>The other nodes heard within <see cref="Expiry"/>, by name.</summary>
    public IReadOnlyList<NodeHeartbeat> LiveNodes
    {
        get
        {
            DateTimeOffset now = time.GetUtcNow();
            return [.. _peers.Values.Where(p => p.ExpiresAt > now).Select(p => p.Beat).OrderBy(b => b.Node, StringComparer.Ordinal)];
        }
    }

    /// <summary>
    /// Every other node heard since this one started, live or not, with the time its last heartbeat arrived, by name
    /// (the Status page lists a stale node rather than dropping it).
    /// </summary>
    public IReadOnlyList<(NodeHeartbeat Beat, DateTimeOffset HeardAt)> HeardNodes =>
        [.. _peers.Values.Select(p => (p.Beat, p.ExpiresAt - Expiry)).OrderBy(p => p.Beat.Node, StringComparer.Ordinal)];

    /// <summary>This node's last heartbeat published to Redis and when; null before the first.</summary>
    public (NodeHeartbeat Beat, DateTimeOffset At)? OwnBeat => _ownBeat is { } own ? (own.Beat, own.At) : null;

    /// <summary>The Redis key of <paramref name="node"/>'s heartbeat.</summary>
    public static string KeyOf(string prefix, string node) => prefix + ":node:" + node;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        ConnectionMultiplexer multiplexer = await redis.GetAsync();
        RedisChannel channel = redis.Channel("nodes");
        bool subscribed = false;
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                if (!subscribed && multiplexer.IsConnected)
                {
                    // Once subscribed, the multiplexer re-subscribes by itself after a reconnect.
                    await multiplexer.GetSubscriber().SubscribeAsync(channel, (_, message) => OnHeartbeat(message));
                    subscribed = true;
                }

                await BeatAsync(multiplexer, channel, stoppingToken);
                _failing = false;
            }
            // Anything but shutdown is logged and retried: the load source reads the database, and a background service
            // that throws would stop the whole host over a hint channel. Only Redis' own messages are logged: a database
            // provider's message can carry a connection string.
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // Logged once per outage; RedisConnection logs the connection's own state changes.
                if (!_failing)
                {
                    LogBeatFailed(ex.GetType().Name, ex is RedisException or TimeoutException ? ex.Message : "database or load source");
                    _failing = true;
                }
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task BeatAsync(ConnectionMultiplexer multiplexer, RedisChannel channel, CancellationToken cancellationToken)
    {
        if (!multiplexer.IsConnected)
        {
            return;
        }

        NodeLoad current = await load.GetLoadAsync(cancellationToken);
        var beat = new NodeHeartbeat(identity.Name, identity.Incarnation, identity.AdvertisedUrl, current.OwnedCameras,
            current.RunningStreams, current.Viewers);
        string json = JsonSerializer.Serialize(beat, ClusterJson.Options);
        IDatabase db = multiplexer.GetDatabase();
        await Task.WhenAll(
            db.StringSetAsync(KeyOf(redis.Prefix, identity.Name), json, Expiry),
            db.PublishAsync(channel, json));
        _ownBeat = new OwnBeatBox(beat, time.GetUtcNow());
    }

    private void OnHeartbeat(RedisValue message)
    {
        try
        {
            NodeHeartbeat? beat = JsonSerializer.Deserialize<NodeHeartbeat>((string)message!, ClusterJson.Options);
            if (beat is not null && beat.Node != identity.Name)
            {
                _peers[beat.Node] = (beat, time.GetUtcNow() + Expiry);
            }
        }
        catch (JsonException)
        {
            // Another version or a stray publisher on our prefix: a hint channel ignores what it cannot read.
        }
    }

    // A class, so the pair is swapped in one reference write (read by page renders on other threads).
    private sealed record OwnBeatBox(NodeHeartbeat Beat, DateTimeOffset At);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Node heartbeat not published ({Error}: {Detail}); retrying every second")]
    private partial void LogBeatFailed(string error, string detail);
}
