using System.Diagnostics;
using System.Text.Json;
using CamStudio.Core.Cameras;
using CamStudio.Tests.Infrastructure;
using CamStudio.Web.Cluster;
using StackExchange.Redis;

namespace CamStudio.Tests.Web.Cluster;

/// <summary>
/// Two nodes' Redis sides on a real redis-server (plan §5 "Live status fan-out", §7 S5): what node B's pages show of a
/// camera node A serves, how fast, and what they show once A falls silent; A's heartbeat key and its expiry.
/// </summary>
public sealed class ClusterStatusBusTests(RedisServer redis) : IClassFixture<RedisServer>
{
    private const int CameraOfA = 7;
    private const int CameraOfB = 8;

    private readonly string _prefix = "camstudio-test-" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task A_camera_served_by_A_shows_on_B_within_a_few_seconds_and_as_moving_once_A_stops_publishing()
    {
        await using var a = new ClusterRedisNode("a", redis.ConnectionString, _prefix);
        await using var b = new ClusterRedisNode("b", redis.ConnectionString, _prefix);
        a.Own(new CameraRuntimeStatus { CameraId = CameraOfA, IsRunning = true, State = CameraStreamState.Streaming, ViewerCount = 2, Fps = 15 });
        b.Own(new CameraRuntimeStatus { CameraId = CameraOfB, State = CameraStreamState.Idle });
        await b.StartBusAsync();
        await b.Bus.Subscribed.WaitAsync(TimeSpan.FromSeconds(10));
        b.Provider.GetStatus(CameraOfA).Node.Should().BeNull("nothing was published yet: the camera is \"moving\"");

        var clock = Stopwatch.StartNew();
        await a.StartBusAsync();
        await Eventually.WaitUntilAsync(() => b.Provider.GetStatus(CameraOfA).Node == "a", TimeSpan.FromSeconds(3),
            "B's pages show A's camera as served by A");
        clock.Stop();

        CameraRuntimeStatus seen = b.Provider.GetStatus(CameraOfA);
        seen.State.Should().Be(CameraStreamState.Streaming);
        seen.ViewerCount.Should().Be(2);
        seen.Fps.Should().Be(15);
        b.Provider.GetStatus(CameraOfB).Node.Should().Be("b", "B's own camera is B's local status");
        a.Provider.GetStatus(CameraOfA).Node.Should().Be("a");
        Console.WriteLine($"A's status reached B's provider {clock.ElapsedMilliseconds} ms after A's bus started");

        // A falls silent (crashed, or cut off from Redis): B must not keep showing a stale "streaming" forever.
        await a.StopBusAsync();
        b.Provider.GetStatus(CameraOfA).Node.Should().Be("a", "a status stays valid for StatusTtl after the last message");
        await Eventually.WaitUntilAsync(() => b.Provider.GetStatus(CameraOfA).Node is null,
            ClusterStatusBus.StatusTtl + TimeSpan.FromSeconds(2), "A's camera goes stale on B once A stops publishing");
        CameraRuntimeStatus stale = b.Provider.GetStatus(CameraOfA);
        stale.State.Should().Be(CameraStreamState.Idle);
        stale.ViewerCount.Should().Be(0);
    }

    [Fact]
    public async Task A_change_on_A_reaches_B_before_the_next_full_publication()
    {
        await using var a = new ClusterRedisNode("a", redis.ConnectionString, _prefix);
        await using var b = new ClusterRedisNode("b", redis.ConnectionString, _prefix);
        a.Own(new CameraRuntimeStatus { CameraId = CameraOfA, State = CameraStreamState.Idle });
        await b.StartBusAsync();
        await b.Bus.Subscribed.WaitAsync(TimeSpan.FromSeconds(10));
        await a.StartBusAsync();
        await Eventually.WaitUntilAsync(() => b.Provider.GetStatus(CameraOfA).Node == "a", TimeSpan.FromSeconds(5), "first status");

        // Published on change within a check interval (250 ms), not only with the once-a-second full publication.
        var clock = Stopwatch.StartNew();
        a.Own(new CameraRuntimeStatus { CameraId = CameraOfA, IsRunning = true, State = CameraStreamState.Streaming, ViewerCount = 1 });
        await Eventually.WaitUntilAsync(() => b.Provider.GetStatus(CameraOfA).ViewerCount == 1, TimeSpan.FromSeconds(3), "the change");
        Console.WriteLine($"A's change reached B after {clock.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task A_heartbeat_key_expires_5_s_after_its_node_stops_and_peers_hear_its_load()
    {
        await using var a = new ClusterRedisNode("a", redis.ConnectionString, _prefix);
        await using var b = new ClusterRedisNode("b", redis.ConnectionString, _prefix);
        a.Own(new CameraRuntimeStatus { CameraId = CameraOfA, IsRunning = true, State = CameraStreamState.Streaming, ViewerCount = 3 });
        await b.StartHeartbeatsAsync();
        await a.StartHeartbeatsAsync();
        IDatabase db = (await b.Redis.GetAsync()).GetDatabase();
        string key = NodeHeartbeatPublisher.KeyOf(_prefix, "a");

        await Eventually.WaitUntilAsync(async () => await db.KeyExistsAsync(key), TimeSpan.FromSeconds(5), "A's heartbeat key");
        TimeSpan? ttl = await db.KeyTimeToLiveAsync(key);
        ttl.Should().NotBeNull("the key carries an expiry, so a dead node's key disappears by itself");
        ttl!.Value.Should().BePositive().And.BeLessThanOrEqualTo(TimeSpan.FromSeconds(5));
        using (JsonDocument beat = JsonDocument.Parse((string)(await db.StringGetAsync(key))!))
        {
            JsonElement root = beat.RootElement;
            root.GetProperty("node").GetString().Should().Be("a");
            root.GetProperty("incarnation").GetGuid().Should().Be(a.Identity.Incarnation);
            root.GetProperty("cameras").EnumerateArray().Select(e => e.GetInt32()).Should().Equal(CameraOfA);
            root.GetProperty("running_streams").GetInt32().Should().Be(1);
            root.GetProperty("viewers").GetInt32().Should().Be(3);
            root.GetProperty("owned_cameras").GetInt32().Should().Be(1);
            root.GetProperty("score").GetDouble().Should().BeApproximately(1 + 3 + (0.2 * 3), 1e-9, "plan §1.3: cameras + 3·streams + 0.2·viewers");
        }

        await Eventually.WaitUntilAsync(() => b.Heartbeats.LiveNodes.Any(n => n.Node == "a" && n.Viewers == 3), TimeSpan.FromSeconds(3),
            "B hears A's load on the channel");
        b.Heartbeats.LiveNodes.Should().NotContain(n => n.Node == "b", "a node does not list itself");

        await a.StopHeartbeatsAsync();
        var clock = Stopwatch.StartNew();
        await Eventually.WaitUntilAsync(async () => !await db.KeyExistsAsync(key), TimeSpan.FromSeconds(8), "A's key expires");
        clock.Elapsed.Should().BeGreaterThan(TimeSpan.FromSeconds(3), "the key lives for 5 s after the last beat, not less");
    }

    [Fact]
    public async Task A_node_started_while_Redis_is_down_publishes_and_listens_once_it_comes_up()
    {
        int port = FreePort.Tcp();
        await using var a = new ClusterRedisNode("a", $"127.0.0.1:{port}", _prefix);
        await using var b = new ClusterRedisNode("b", $"127.0.0.1:{port}", _prefix);
        a.Own(new CameraRuntimeStatus { CameraId = CameraOfA, State = CameraStreamState.Streaming, ViewerCount = 1 });
        await a.StartBusAsync();
        await b.StartBusAsync();
        a.Redis.IsConnected.Should().BeFalse("no Redis yet");
        b.Provider.GetStatus(CameraOfA).Node.Should().BeNull();

        await using RedisServer late = await RedisServer.StartOnPortAsync(port);

        // Reconnect backoff (0.5 s growing to 5 s) plus one publication.
        await Eventually.WaitUntilAsync(() => b.Provider.GetStatus(CameraOfA).Node == "a", TimeSpan.FromSeconds(15),
            "A's camera shows on B once Redis is up, without restarting either node");
    }

    [Fact]
    public async Task A_failing_load_source_pauses_publishing_without_stopping_the_bus()
    {
        await using var a = new ClusterRedisNode("a", redis.ConnectionString, _prefix);
        await using var b = new ClusterRedisNode("b", redis.ConnectionString, _prefix);
        a.Own(new CameraRuntimeStatus { CameraId = CameraOfA, State = CameraStreamState.Streaming });
        a.LoadFails = true;
        await b.StartBusAsync();
        await b.Bus.Subscribed.WaitAsync(TimeSpan.FromSeconds(10));
        await a.StartBusAsync();
        await a.Bus.Subscribed.WaitAsync(TimeSpan.FromSeconds(10));
        // A second call means the loop survived the first failure (a BackgroundService that throws stops the host).
        await Eventually.WaitUntilAsync(() => a.LoadCalls >= 2, TimeSpan.FromSeconds(5), "the bus asks again after a failure");
        a.Bus.ExecuteTask!.IsCompleted.Should().BeFalse("the bus keeps running");
        b.Provider.GetStatus(CameraOfA).Node.Should().BeNull("A does not know what it owns while its database is down");

        a.LoadFails = false;
        await Eventually.WaitUntilAsync(() => b.Provider.GetStatus(CameraOfA).Node == "a", TimeSpan.FromSeconds(3),
            "publishing resumes with the database");
    }
}
