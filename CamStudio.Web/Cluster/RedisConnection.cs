using CamStudio.Core.Cluster;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CamStudio.Web.Cluster;

/// <summary>
/// The node's one connection to Redis (one multiplexer for every publisher and subscriber), made on first use. Redis is
/// a hint channel (status fan-out, loads): nothing waits for it. The connection never aborts when Redis is down at start
/// and reconnects by itself (subscriptions are restored by the multiplexer); commands fail fast while disconnected
/// instead of queueing, so a status from a minute ago is never delivered late after a reconnect.
/// </summary>
public sealed partial class RedisConnection : IAsyncDisposable
{
    private readonly ConfigurationOptions _configuration;
    private readonly ILogger<RedisConnection> _logger;
    private readonly Lock _lock = new();
    private Task<ConnectionMultiplexer>? _connecting;
    private volatile ConnectionMultiplexer? _multiplexer;
    private bool _disposed;

    public RedisConnection(IOptions<ClusterOptions> options, ILogger<RedisConnection> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        ClusterOptions cluster = options.Value;
        Prefix = cluster.ChannelPrefix;
        _configuration = ConfigurationOptions.Parse(cluster.Redis ?? string.Empty);
        _configuration.AbortOnConnectFail = false;
        _configuration.ClientName = cluster.NodeName;
        // Short limits: a status or heartbeat older than a second or two is worthless, and callers loop every second.
        _configuration.ConnectTimeout = 2000;
        _configuration.AsyncTimeout = 2000;
        _configuration.SyncTimeout = 2000;
        _configuration.BacklogPolicy = BacklogPolicy.FailFast;
        _configuration.ReconnectRetryPolicy = new ExponentialRetry(500, 5000);
    }

    /// <summary>Prefix of every key and channel (<c>Cluster:ChannelPrefix</c>).</summary>
    public string Prefix { get; }

    /// <summary>True while the multiplexer has a working connection (false before the first use).</summary>
    public bool IsConnected => _multiplexer?.IsConnected ?? false;

    /// <summary>The multiplexer; the first call connects (and returns even if Redis is unreachable: it keeps trying).</summary>
    public Task<ConnectionMultiplexer> GetAsync()
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _connecting ??= ConnectAsync();
        }
    }

    /// <summary>A channel name under the prefix, e.g. <c>camstudio:status</c>.</summary>
    public RedisChannel Channel(string name) => RedisChannel.Literal(Prefix + ":" + name);

    public async ValueTask DisposeAsync()
    {
        Task<ConnectionMultiplexer>? connecting;
        lock (_lock)
        {
            _disposed = true;
            connecting = _connecting;
        }

        if (connecting is { IsFaulted: false, IsCanceled: false })
        {
            ConnectionMultiplexer multiplexer = await connecting.ConfigureAwait(false);
            await multiplexer.CloseAsync(allowCommandsToComplete: false).ConfigureAwait(false);
            await multiplexer.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task<ConnectionMultiplexer> ConnectAsync()
    {
        ConnectionMultiplexer multiplexer = await ConnectionMultiplexer.ConnectAsync(_configuration).ConfigureAwait(false);
        // Endpoints only: the configuration string may carry a password.
        string endpoints = string.Join(", ", _configuration.EndPoints);
        multiplexer.ConnectionFailed += (_, e) => LogConnectionFailed(e.EndPoint?.ToString() ?? endpoints, e.FailureType);
        multiplexer.ConnectionRestored += (_, e) => LogConnectionRestored(e.EndPoint?.ToString() ?? endpoints);
        if (!multiplexer.IsConnected)
        {
            LogNotReachable(endpoints);
        }

        _multiplexer = multiplexer;
        return multiplexer;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis {Endpoint} lost ({FailureType}): other nodes' live status and loads are stale until it returns; camera ownership is unaffected")]
    private partial void LogConnectionFailed(string endpoint, ConnectionFailureType failureType);

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis {Endpoint} reconnected")]
    private partial void LogConnectionRestored(string endpoint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis {Endpoints} not reachable at start; retrying in the background")]
    private partial void LogNotReachable(string endpoints);
}
