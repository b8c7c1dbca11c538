using CamStudio.Core.Health;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CamStudio.Core.Events;

/// <summary>What to read from the log; every filter is optional.</summary>
public sealed record CameraEventQuery
{
    public const int MaxLimit = 1000;

    public int? CameraId { get; init; }

    /// <summary>Events whose camera moved to this state.</summary>
    public CameraHealthState? State { get; init; }

    public CameraEventKind? Kind { get; init; }

    /// <summary>At or after (inclusive).</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>Before (exclusive).</summary>
    public DateTimeOffset? Until { get; init; }

    public int Limit { get; init; } = 200;

    public bool Matches(CameraEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return (CameraId is null || e.CameraId == CameraId)
            && (State is null || e.To == State)
            && (Kind is null || e.Kind == Kind)
            && (Since is null || e.At >= Since)
            && (Until is null || e.At < Until);
    }
}

/// <summary>
/// The event log: camera state changes and start-up markers, in memory, bounded by count and age
/// (<see cref="EventsOptions"/>). The product keeps only static configuration in the database; history of what
/// cameras did is runtime state, lost on restart, which is why every start adds a <see cref="CameraEventKind.ServerStarted"/>
/// marker. Subscribers (the Events page, the webhook dispatcher) are called on the appending thread and must be quick.
/// </summary>
public sealed partial class CameraEventLog
{
    private readonly Lock _lock = new();
    private readonly LinkedList<CameraEvent> _events = new(); // oldest first
    private readonly List<Action<CameraEvent>> _subscribers = [];
    private readonly EventsOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<CameraEventLog> _logger;
    private long _nextId = 1;

    /// <summary>Random per start: with <see cref="CameraEvent.Id"/> it names an event uniquely across restarts.</summary>
    public string RunId { get; } = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4));

    public CameraEventLog(IOptions<EventsOptions> options, TimeProvider time, ILogger<CameraEventLog> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    /// <summary>Records a state change; a "change" to the same state is not one and returns null.</summary>
    public CameraEvent? AppendChange(CameraHealthChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (change.Previous == change.Current)
        {
            return null;
        }

        return Append(id => new CameraEvent
        {
            Id = id,
            Kind = CameraEventKind.CameraState,
            At = change.At,
            CameraId = change.CameraId,
            CameraName = change.CameraName,
            From = change.Previous,
            To = change.Current,
            Detail = change.Detail,
        });
    }

    /// <summary>Records that the server (and so the log) started now.</summary>
    public CameraEvent AppendServerStarted() => Append(id => new CameraEvent
    {
        Id = id,
        Kind = CameraEventKind.ServerStarted,
        At = _time.GetUtcNow(),
        Detail = "CamStudio started. Earlier events, if any, were not kept across the restart.",
    });

    /// <summary>Matching events, newest first, at most <see cref="CameraEventQuery.Limit"/>.</summary>
    public IReadOnlyList<CameraEvent> Query(CameraEventQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        int limit = Math.Clamp(query.Limit, 1, CameraEventQuery.MaxLimit);
        var result = new List<CameraEvent>(Math.Min(limit, 64));
        lock (_lock)
        {
            Trim();
            for (LinkedListNode<CameraEvent>? node = _events.Last; node is not null && result.Count < limit; node = node.Previous)
            {
                if (query.Matches(node.Value))
                {
                    result.Add(node.Value);
                }
            }
        }

        return result;
    }

    /// <summary>Number of events held now.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                Trim();
                return _events.Count;
            }
        }
    }

    /// <summary>Calls <paramref name="handler"/> with every new event until the returned subscription is disposed.</summary>
    public IDisposable Subscribe(Action<CameraEvent> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (_lock)
        {
            _subscribers.Add(handler);
        }

        return new Subscription(this, handler);
    }

    private CameraEvent Append(Func<long, CameraEvent> create)
    {
        CameraEvent created;
        Action<CameraEvent>[] subscribers;
        lock (_lock)
        {
            created = create(_nextId++);
            _events.AddLast(created);
            Trim();
            subscribers = [.. _subscribers];
        }

        foreach (Action<CameraEvent> subscriber in subscribers)
        {
            try
            {
                subscriber(created);
            }
            catch (Exception ex)
            {
                // One broken page must not stop webhooks or the other pages from hearing of the event.
                LogSubscriberFailed(_logger, ex);
            }
        }

        return created;
    }

    private void Trim()
    {
        DateTimeOffset oldest = _time.GetUtcNow() - TimeSpan.FromDays(_options.RetentionDays);
        while (_events.Count > _options.MaxCount || (_events.First is { } first && first.Value.At < oldest))
        {
            _events.RemoveFirst();
        }
    }

    private void Unsubscribe(Action<CameraEvent> handler)
    {
        lock (_lock)
        {
            _subscribers.Remove(handler);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "An event log subscriber failed")]
    private static partial void LogSubscriberFailed(ILogger logger, Exception exception);

    private sealed class Subscription(CameraEventLog owner, Action<CameraEvent> handler) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Unsubscribe(handler);
            }
        }
    }
}
