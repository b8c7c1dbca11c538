using CamStudio.Media.Streaming;
using CamStudio.Media.WebRtc;
using Microsoft.Extensions.Options;

namespace CamStudio.Web.Security;

/// <summary>
/// Counts each user's open viewer sessions across cameras so one account (or one leaked token) cannot open sessions
/// without bound. A lease is taken before the offer is answered and released when the session closes. It also
/// remembers whose each held WebRTC session is, so only its owner can end it through the API.
/// </summary>
public sealed class ViewerSessionLimiter(IOptionsMonitor<SecurityOptions> options)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, int> _open = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _owners = new(StringComparer.Ordinal); // session id -> user

    public int Limit => options.CurrentValue.MaxViewerSessionsPerUser;

    /// <summary>A lease for one more session of <paramref name="user"/>, or null when the user is at the cap.</summary>
    public IDisposable? TryAcquire(string user)
    {
        ArgumentNullException.ThrowIfNull(user);
        lock (_lock)
        {
            int open = _open.GetValueOrDefault(user);
            if (open >= Limit)
            {
                return null;
            }

            _open[user] = open + 1;
        }

        return new Lease(this, user);
    }

    /// <summary>
    /// Keeps the session's count until it closes: takes over <paramref name="lease"/> (which the caller then disposes
    /// harmlessly) by acquiring a fresh hold released by <see cref="ViewerSession.Closed"/>. No session: nothing held.
    /// </summary>
    public void Hold(IDisposable lease, ViewerSession? session)
    {
        ArgumentNullException.ThrowIfNull(lease);
        if (session is null || lease is not Lease owned)
        {
            return;
        }

        var held = new Lease(this, owned.User);
        lock (_lock)
        {
            _open[owned.User] = _open.GetValueOrDefault(owned.User) + 1;
            _owners[session.Id] = owned.User;
        }

        string id = session.Id;
        session.Closed += (_, _) => Forget(id, held);
        if (session.State == ViewerSessionState.Closed)
        {
            Forget(id, held); // closed before we subscribed
        }
    }

    /// <summary>Whether <paramref name="user"/> opened the (still open) WebRTC session <paramref name="sessionId"/>.</summary>
    public bool IsOwner(string sessionId, string user)
    {
        lock (_lock)
        {
            return _owners.TryGetValue(sessionId, out string? owner) && string.Equals(owner, user, StringComparison.Ordinal);
        }
    }

    private void Forget(string sessionId, Lease held)
    {
        lock (_lock)
        {
            _owners.Remove(sessionId);
        }

        held.Dispose();
    }

    /// <summary>As <see cref="Hold(IDisposable, ViewerSession?)"/>, for an HLS viewer (released when it ends).</summary>
    public void Hold(IDisposable lease, HlsViewer viewer)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentNullException.ThrowIfNull(viewer);
        if (lease is not Lease owned)
        {
            return;
        }

        var held = new Lease(this, owned.User);
        lock (_lock)
        {
            _open[owned.User] = _open.GetValueOrDefault(owned.User) + 1;
        }

        viewer.Closed += (_, _) => held.Dispose(); // runs at once when it already ended
    }

    /// <summary>
    /// Keeps the count of a session that lives on another node (a forwarded offer, cluster): takes over
    /// <paramref name="lease"/> like <see cref="Hold(IDisposable, ViewerSession?)"/>, but there is no local session to
    /// watch, so the returned hold is released by whoever learns that the remote session ended.
    /// </summary>
    public IDisposable HoldRemote(IDisposable lease)
    {
        ArgumentNullException.ThrowIfNull(lease);
        if (lease is not Lease owned)
        {
            throw new ArgumentException("Not a lease of this limiter.", nameof(lease));
        }

        lock (_lock)
        {
            _open[owned.User] = _open.GetValueOrDefault(owned.User) + 1;
        }

        return new Lease(this, owned.User);
    }

    public int OpenSessions(string user)
    {
        lock (_lock)
        {
            return _open.GetValueOrDefault(user);
        }
    }

    private void Release(string user)
    {
        lock (_lock)
        {
            if (_open.TryGetValue(user, out int open))
            {
                if (open <= 1)
                {
                    _open.Remove(user);
                }
                else
                {
                    _open[user] = open - 1;
                }
            }
        }
    }

    private sealed class Lease(ViewerSessionLimiter owner, string user) : IDisposable
    {
        private int _disposed;

        public string User => user;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Release(user);
            }
        }
    }
}
