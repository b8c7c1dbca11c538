using System.Text.Json;
using StackExchange.Redis;

namespace CamStudio.Web.Cluster.Forwarding;

/// <summary>
/// Redis channel <c>{p}:sessions</c>: an owner publishes "ended" for each forwarded session that ends here, and the entry
/// node named in the message frees the user's cap slot it holds for it (<see cref="RemoteViewerSessions"/>). A hint like
/// every Redis message (at-most-once): a lost one is caught by the entry node's sweep.
/// </summary>
public sealed partial class SessionEndedBus : BackgroundService
{
    private readonly RedisConnection _redis;
    private readonly ClusterNodeIdentity _identity;
    private readonly ForwardedSessions _forwarded;
    private readonly RemoteViewerSessions _remote;
    private readonly ILogger<SessionEndedBus> _logger;
    private readonly TaskCompletionSource _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public SessionEndedBus(
        RedisConnection redis, ClusterNodeIdentity identity, ForwardedSessions forwarded, RemoteViewerSessions remote, ILogger<SessionEndedBus> logger)
    {
        _redis = redis;
        _identity = identity;
        _forwarded = forwarded;
        _remote = remote;
        _logger = logger;
        _forwarded.Ended += OnEnded;
    }

    /// <summary>Completes once this node listens for "ended" messages.</summary>
    public Task Subscribed => _subscribed.Task;

    public override void Dispose()
    {
        _forwarded.Ended -= OnEnded;
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        ConnectionMultiplexer multiplexer = await _redis.GetAsync();
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        do
        {
            if (!multiplexer.IsConnected)
            {
                continue;
            }

            try
            {
                // Once subscribed, the multiplexer re-subscribes by itself after a reconnect.
                await multiplexer.GetSubscriber().SubscribeAsync(_redis.Channel("sessions"), (_, message) => Receive(message));
                _subscribed.TrySetResult();
                return;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                LogSubscribeFailed(ex.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private void OnEnded(ForwardedSession session) => _ = PublishAsync(session);

    private async Task PublishAsync(ForwardedSession session)
    {
        try
        {
            ConnectionMultiplexer multiplexer = await _redis.GetAsync();
            var message = new SessionEndedMessage(_identity.Name, session.EntryNode, session.SessionId);
            await multiplexer.GetSubscriber().PublishAsync(_redis.Channel("sessions"), JsonSerializer.Serialize(message, ClusterJson.Options));
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // The entry node's sweep frees the slot later.
            LogPublishFailed(ex.Message);
        }
    }

    private void Receive(RedisValue value)
    {
        SessionEndedMessage? message;
        try
        {
            message = JsonSerializer.Deserialize<SessionEndedMessage>(value.ToString(), ClusterJson.Options);
        }
        catch (JsonException)
        {
            return; // unreadable messages are ignored, as on the status channel
        }

        if (message is { Owner: { } owner, Entry: { } entry, SessionId: { } sessionId }
            && string.Equals(entry, _identity.Name, StringComparison.Ordinal))
        {
            _remote.EndedAtOwner(owner, sessionId);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Subscribing to the sessions channel failed ({Detail}); retrying.")]
    private partial void LogSubscribeFailed(string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing a forwarded session's end failed ({Detail}); the entry node's sweep frees its slot.")]
    private partial void LogPublishFailed(string detail);
}

/// <summary>"The forwarded session <see cref="SessionId"/> that <see cref="Entry"/> opened on <see cref="Owner"/> ended."</summary>
public sealed record SessionEndedMessage(string? Owner, string? Entry, string? SessionId);
