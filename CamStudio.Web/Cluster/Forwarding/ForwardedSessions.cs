using System.Collections.Concurrent;
using CamStudio.Media.Streaming;
using CamStudio.Media.WebRtc;

namespace CamStudio.Web.Cluster.Forwarding;

/// <summary>
/// The owner's record of the sessions it serves for other nodes' users (forwarded offers): session id → camera, the
/// forwarded user and the entry node. The entry node may end only a session its same user opened through it
/// (<c>DELETE /internal/cluster/sessions/{id}</c>), and when one ends here — the viewer left, the camera was deleted,
/// fenced or moved — <see cref="Ended"/> tells the entry node (through <see cref="SessionEndedBus"/>) to free the
/// user's cap slot it holds.
/// </summary>
public sealed class ForwardedSessions
{
    private readonly ConcurrentDictionary<string, ForwardedSession> _sessions = new(StringComparer.Ordinal);

    /// <summary>A forwarded session ended here; raised once per session, on whichever thread closed it.</summary>
    public event Action<ForwardedSession>? Ended;

    public int Count => _sessions.Count;

    /// <summary>Records a WebRTC session opened for <paramref name="entryNode"/>'s user <paramref name="userId"/>.</summary>
    public void Add(ViewerSession session, int cameraId, string userId, string entryNode)
    {
        ArgumentNullException.ThrowIfNull(session);
        string id = session.Id;
        Track(new ForwardedSession(id, cameraId, userId, entryNode));
        session.Closed += (_, _) => End(id);
        if (session.State == ViewerSessionState.Closed)
        {
            End(id); // closed before we subscribed
        }
    }

    /// <summary>Records an HLS viewer opened for <paramref name="entryNode"/>'s user <paramref name="userId"/>.</summary>
    public void Add(HlsViewer viewer, int cameraId, string userId, string entryNode)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        string id = viewer.Id;
        Track(new ForwardedSession(id, cameraId, userId, entryNode));
        viewer.Closed += (_, _) => End(id); // runs at once when it already ended
    }

    /// <summary>The session when <paramref name="entryNode"/>'s user <paramref name="userId"/> opened it; null otherwise.</summary>
    public ForwardedSession? Find(string sessionId, string userId, string entryNode) =>
        _sessions.TryGetValue(sessionId, out ForwardedSession? session)
        && string.Equals(session.UserId, userId, StringComparison.Ordinal)
        && string.Equals(session.EntryNode, entryNode, StringComparison.Ordinal)
            ? session
            : null;

    private void Track(ForwardedSession session) => _sessions[session.SessionId] = session;

    private void End(string sessionId)
    {
        if (_sessions.TryRemove(sessionId, out ForwardedSession? session))
        {
            Ended?.Invoke(session);
        }
    }
}

/// <summary>One session this node serves for another node's user.</summary>
public sealed record ForwardedSession(string SessionId, int CameraId, string UserId, string EntryNode);
