using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CamStudio.Core.Cluster;
using CamStudio.Tests.Infrastructure;
using CamStudio.Web.Cluster;
using CamStudio.Web.Cluster.Forwarding;
using CamStudio.Web.Cluster.NodeAuth;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging.Abstractions;

namespace CamStudio.Tests.Web.Cluster;

/// <summary>
/// Two whole apps as cluster nodes "a" (the entry node the browser talks to) and "b" (a camera's owner), wired with
/// <see cref="ClusterForwardingRegistration.AddClusterForwarding"/> and the Redis services on a real redis-server. What
/// the coordinator would provide is the test's to set: <see cref="Leases"/> (one owner map both nodes read, like the
/// shared lease table) and the node directory (http://{name}.test/, routed in memory to the node's test server, or
/// refused when the node is <see cref="Kill">dead</see>). Both use one PostgreSQL database (one camera store, as in a
/// cluster) and one Data Protection key ring (a shared directory here; the cluster's ring lives in the database).
/// </summary>
internal sealed class ForwardingNodes : IAsyncDisposable
{
    private readonly string _keys = Path.Combine(Path.GetTempPath(), "camstudio-keys-" + Guid.NewGuid().ToString("N"));
    private readonly ConcurrentDictionary<string, CamStudioAppFactory> _nodes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _dead = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, HttpMessageInvoker> _invokers = new(StringComparer.Ordinal);

    public ForwardingNodes(RedisServer redis, PostgresServer postgres, IReadOnlyDictionary<string, string?>? settings = null)
    {
        string prefix = "fwd" + Guid.NewGuid().ToString("N")[..8];
        Directory.CreateDirectory(_keys);
        var all = new Dictionary<string, string?>(TestDatabase.PostgreSql(postgres).Settings);
        foreach ((string key, string? value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        B = Start("b", redis.ConnectionString, prefix, all);
        A = Start("a", redis.ConnectionString, prefix, all);
    }

    /// <summary>The entry node.</summary>
    public CamStudioAppFactory A { get; }

    /// <summary>The owner.</summary>
    public CamStudioAppFactory B { get; }

    /// <summary>Who owns which camera, as both nodes see it (the test moves cameras by changing it).</summary>
    public SharedLeases Leases { get; } = new();

    /// <summary>Requests to a dead node fail like a refused connection; raised with the node's name on each attempt.</summary>
    public event Action<string>? DeadNodeCalled;

    /// <summary>A node answered a node-to-node request (raised before the caller sees the answer).</summary>
    public event Action<string, HttpStatusCode>? NodeAnswered;

    public void Kill(string node) => _dead[node] = true;

    /// <summary>Starts both apps (the owner first: it creates the database) and their Redis subscriptions.</summary>
    public async Task StartAsync()
    {
        foreach (CamStudioAppFactory app in new[] { B, A })
        {
            _ = app.Server;
            await app.Services.GetRequiredService<SessionEndedBus>().Subscribed.WaitAsync(TimeSpan.FromSeconds(10));
        }
    }

    /// <summary>Creates a camera (a closed loopback port unless given) through the entry node; returns its id.</summary>
    public async Task<int> CreateCameraAsync(object? camera = null)
    {
        camera ??= new
        {
            name = "Door", source = "rtsp", ip_address = "127.0.0.1", rtsp_port = 9, hd_path = "/stream1", sd_path = "/stream2",
            username = "admin", password = "secret", stream_quality = "stream2",
        };
        using HttpClient client = A.CreateClient();
        using HttpResponseMessage response = await client.PostAsJsonAsync("/api/cameras/create", camera);
        string text = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).Should().Be(201, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("camera_id").GetInt32();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (HttpMessageInvoker invoker in _invokers.Values)
        {
            invoker.Dispose();
        }

        await A.DisposeAsync();
        await B.DisposeAsync();
        if (Directory.Exists(_keys))
        {
            Directory.Delete(_keys, recursive: true);
        }
    }

    private CamStudioAppFactory Start(string name, string redis, string prefix, IReadOnlyDictionary<string, string?>? settings)
    {
        var all = new Dictionary<string, string?>
        {
            ["Cluster:NodeName"] = name,
            ["Cluster:Redis"] = redis,
            ["Cluster:ChannelPrefix"] = prefix,
        };
        foreach ((string key, string? value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var app = new CamStudioAppFactory(all, services =>
        {
            services.AddClusterRedis();
            services.AddClusterForwarding();
            services.Replace(ServiceDescriptor.Singleton<ICameraOwnership>(new NodeView(Leases, name)));
            services.Replace(ServiceDescriptor.Singleton<INodeDirectory>(new TestDirectory()));
            services.Configure<KeyManagementOptions>(keys => keys.XmlRepository = new FileSystemXmlRepository(new DirectoryInfo(_keys), NullLoggerFactory.Instance));
            services.AddHttpClient<NodeClient>().ConfigurePrimaryHttpMessageHandler(() => new Router(this));
        });
        _nodes[name] = app;
        return app;
    }

    /// <summary>
    /// The owner map both nodes read: camera → node name; absent = nobody (moving). One node's view may lag
    /// (<see cref="Lag"/>), as a node's last lease read does during a move.
    /// </summary>
    internal sealed class SharedLeases
    {
        private readonly ConcurrentDictionary<int, string> _owners = new();
        private readonly ConcurrentDictionary<(string Node, int CameraId), string> _stale = new();

        /// <summary><paramref name="node"/> believes <paramref name="owner"/> owns the camera until <see cref="CatchUp"/>.</summary>
        public void Lag(string node, int cameraId, string owner) => _stale[(node, cameraId)] = owner;

        public void CatchUp(string node, int cameraId) => _stale.TryRemove((node, cameraId), out _);

        public string? Get(string node, int cameraId) => _stale.TryGetValue((node, cameraId), out string? seen) ? seen : Get(cameraId);

        public void Set(int cameraId, string? node)
        {
            if (node is null)
            {
                _owners.TryRemove(cameraId, out _);
            }
            else
            {
                _owners[cameraId] = node;
            }
        }

        public string? Get(int cameraId) => _owners.GetValueOrDefault(cameraId);
    }

    private sealed class NodeView(SharedLeases leases, string self) : ICameraOwnership
    {
        public bool IsLocal(int cameraId) => leases.Get(self, cameraId) == self;

        public CameraOwner? OwnerOf(int cameraId) =>
            leases.Get(self, cameraId) is { } node ? new CameraOwner(node, string.Equals(node, self, StringComparison.Ordinal)) : null;
    }

    private sealed class TestDirectory : INodeDirectory
    {
        public Uri? AdvertisedUrl(string nodeName) => new($"http://{nodeName}.test/");
    }

    /// <summary>Sends each node-to-node request to the named node's in-memory server; a dead or unknown node refuses.</summary>
    private sealed class Router(ForwardingNodes nodes) : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            string node = request.RequestUri!.Host.Split('.')[0];
            if (nodes._dead.ContainsKey(node) || !nodes._nodes.TryGetValue(node, out CamStudioAppFactory? app))
            {
                nodes.DeadNodeCalled?.Invoke(node);
                throw new HttpRequestException("Connection refused (test: the node is dead).");
            }

            HttpMessageInvoker invoker = nodes._invokers.GetOrAdd(node, _ => new HttpMessageInvoker(app.Server.CreateHandler()));
            HttpResponseMessage response = await invoker.SendAsync(request, cancellationToken);
            nodes.NodeAnswered?.Invoke(node, response.StatusCode);
            return response;
        }
    }
}
