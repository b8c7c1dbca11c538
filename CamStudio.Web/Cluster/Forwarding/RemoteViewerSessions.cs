using System.Security.Claims;
using CamStudio.Core.Cameras;

namespace CamStudio.Web.Cluster.Forwarding;

/// <summary>
/// The entry node's record of the sessions its users watch on other nodes (forwarded offers, plan §5): session id →
/// owner node, camera, user, and the user's cap slot, held while the session lives. A slot is freed when the user
/// closes the session here, when the owner says it ended (<see cref="SessionEndedBus"/>), or by the sweep when the owner
/// has shown no viewer of that camera (or is no longer its owner) for <see cref="StaleAfter"/>: "ended" messages are
/// hints and may be lost, and a leaked slot would lock the user out.
/// </summary>
public sealed class RemoteViewerSessions : IDisposable
{
    /// <summary>How long the owner's status may contradict a session before its slot is freed.</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(60);

    /// <summary>How often the sweep looks.</summary>
    public static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(10);

    private readonly Lock _lock = new();
    private readonly Dictionary<string, Entry> _sessions = new(StringComparer.Ordinal);
    private readonly ICameraRuntimeStatusProvider _statuses;
    private readonly TimeProvider _time;
    private readonly ITimer _sweep;

    public RemoteViewerSessions(ICameraRuntimeStatusProvider statuses, TimeProvider time)
    {
        _statuses = statuses;
        _time = time;
        _sweep = time.CreateTimer(_ => Sweep(), null, SweepInterval, SweepInterval);
    }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _sessions.Count;
            }
        }
    }

    /// <summary>Records a session <paramref name="owner"/> serves for <paramref name="user"/>; <paramref name="slot"/> is released when it ends.</summary>
    public void Add(RemoteSession session, IDisposable slot)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(slot);
        lock (_lock)
        {
            _sessions[session.SessionId] = new Entry(session, slot);
        }
    }

    /// <summary>The session when it is remote (and <paramref name="userKey"/>'s, when given); null otherwise.</summary>
    public RemoteSession? Find(string sessionId, string? userKey)
    {
        lock (_lock)
        {
            return _sessions.TryGetValue(sessionId, out Entry? entry)
                   && (userKey is null || string.Equals(entry.Session.UserKey, userKey, StringComparison.Ordinal))
                ? entry.Session
                : null;
        }
    }

    /// <summary>Whether <paramref name="sessionId"/> is a remote session at all (of any user).</summary>
    public bool Contains(string sessionId)
    {
        lock (_lock)
        {
            return _sessions.ContainsKey(sessionId);
        }
    }

    /// <summary>Forgets the session and frees its slot; the removed record, or null when it was not here (any more).</summary>
    public RemoteSession? Remove(string sessionId)
    {
        Entry? entry;
        lock (_lock)
        {
            if (!_sessions.Remove(sessionId, out entry))
            {
                return null;
            }
        }

        entry.Slot.Dispose();
        return entry.Session;
    }

    /// <summary>The owner says the session ended; only that owner's word counts.</summary>
    public void EndedAtOwner(string owner, string sessionId)
    {
        lock (_lock)
        {
            if (!_sessions.TryGetValue(sessionId, out Entry? entry) || !string.Equals(entry.Session.OwnerNode, owner, StringComparison.Ordinal))
            {
                return;
            }
        }

        Remove(sessionId);
    }

    /// <summary>
    /// Frees the slots of sessions whose owner has contradicted them for <see cref="StaleAfter"/>: the camera's status
    /// comes from another node (or none: moving) or shows no viewer at all. Called by the timer; public for tests.
    /// </summary>
    public void Sweep()
    {
        DateTimeOffset now = _time.GetUtcNow();
        List<string> stale = [];
        lock (_lock)
        {
            foreach ((string id, Entry entry) in _sessions)
            {
                CameraRuntimeStatus status = _statuses.GetStatus(entry.Session.CameraId);
                bool plausible = string.Equals(status.Node, entry.Session.OwnerNode, StringComparison.Ordinal) && status.ViewerCount > 0;
                if (plausible)
                {
                    entry.ContradictedSince = null;
                }
                else if ((entry.ContradictedSince ??= now) <= now - StaleAfter)
                {
                    stale.Add(id);
                }
            }
        }

        foreach (string id in stale)
        {
            Remove(id);
        }
    }

    public void Dispose() => _sweep.Dispose();

    private sealed class Entry(RemoteSession session, IDisposable slot)
    {
        public RemoteSession Session { get; } = session;

        public IDisposable Slot { get; } = slot;

        public DateTimeOffset? ContradictedSince { get; set; }
    }
}

/// <summary>A session <see cref="OwnerNode"/> serves for the user <see cref="UserKey"/> who opened it here.</summary>
/// <param name="User">The user's claims, for the node token of the owner's DELETE (a circuit closes without a request).</param>
/// <param name="Hls">An LL-HLS viewer (requests for it are proxied to the owner), not a WebRTC session.</param>
public sealed record RemoteSession(string SessionId, string OwnerNode, int CameraId, string UserKey, ClaimsPrincipal User, bool Hls = false);
