using System.Security.Claims;
using CamStudio.Web.Services;
using Microsoft.AspNetCore.Components.Authorization;

namespace CamStudio.Web.Components.Live;

/// <summary>
/// The Blazor circuit's adapter to <see cref="ViewerOfferService"/>: it translates a tile's offer and the service's
/// outcome into what the player's signal adapter expects, and remembers the sessions this circuit opened. A tile closes
/// its own sessions when it is disposed; whatever is left when the circuit ends (tab closed, connection lost) is closed
/// here, so the server counts the viewer as gone at once instead of waiting for ICE consent to expire.
/// </summary>
public sealed class LiveViewerSessions : IDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (int CameraId, object Owner)> _open = new(StringComparer.Ordinal);
    private readonly ViewerOfferService _offers;
    private readonly AuthenticationStateProvider _authentication;
    private bool _disposed;

    public LiveViewerSessions(ViewerOfferService offers, AuthenticationStateProvider authentication)
    {
        _offers = offers ?? throw new ArgumentNullException(nameof(offers));
        _authentication = authentication ?? throw new ArgumentNullException(nameof(authentication));
    }

    /// <summary>Sessions currently open through this circuit.</summary>
    public int OpenCount
    {
        get
        {
            lock (_lock)
            {
                return _open.Count;
            }
        }
    }

    /// <summary>The ICE servers the tiles' RTCPeerConnections are created with (the signed-in user's).</summary>
    public async Task<IReadOnlyList<IceServer>> GetIceServersAsync() =>
        _offers.GetIceServers((await _authentication.GetAuthenticationStateAsync()).User);

    /// <summary>
    /// Answers a tile's offer. Refusals come back as <see cref="LiveOfferResult.Error"/> with the offer service's code as
    /// the reason (never thrown): Blazor hides exception messages from the browser, and the tile must show the real reason.
    /// </summary>
    public async Task<LiveOfferResult> OfferAsync(object owner, int cameraId, string quality, string sdp, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(owner);
        ClaimsPrincipal user = (await _authentication.GetAuthenticationStateAsync()).User;
        ViewerOfferOutcome outcome = await _offers.OfferAsync(user, cameraId, sdp, quality, cancellationToken);
        if (outcome.SessionId is not { } sessionId || outcome.AnswerSdp is not { } answer)
        {
            ViewerOfferError error = outcome.Error ?? ViewerOfferError.InvalidOffer;
            return LiveOfferResult.Failed(outcome.Detail ?? error.Title(), error.Code(), error.IsRetryable());
        }

        lock (_lock)
        {
            if (!_disposed)
            {
                _open[sessionId] = (cameraId, owner);
                return new LiveOfferResult(answer, sessionId, null, null, null);
            }
        }

        // The circuit ended while the offer was answered.
        _offers.Close(cameraId, sessionId);
        return LiveOfferResult.Failed("The page was closed.", "signal_error", retryable: true);
    }

    /// <summary>
    /// Opens an HLS viewer for a tile (its fallback when WebRTC cannot connect). Like <see cref="OfferAsync"/>, refusals
    /// come back as <see cref="LiveHlsResult.Error"/> with the offer service's code; the session is remembered, so
    /// <see cref="Hangup"/> and the tile's or circuit's end close it as they close WebRTC sessions.
    /// </summary>
    public async Task<LiveHlsResult> OpenHlsAsync(object owner, int cameraId, string quality, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(owner);
        ClaimsPrincipal user = (await _authentication.GetAuthenticationStateAsync()).User;
        ViewerOfferOutcome outcome = await _offers.OpenHlsAsync(user, cameraId, quality, cancellationToken);
        if (outcome.SessionId is not { } sessionId || outcome.HlsPlaylistPath is not { } url)
        {
            ViewerOfferError error = outcome.Error ?? ViewerOfferError.Unavailable;
            return LiveHlsResult.Failed(outcome.Detail ?? error.Title(), error.Code(), error.IsRetryable());
        }

        lock (_lock)
        {
            if (!_disposed)
            {
                _open[sessionId] = (cameraId, owner);
                return new LiveHlsResult(url, sessionId, null, null, null);
            }
        }

        _offers.Close(cameraId, sessionId);
        return LiveHlsResult.Failed("The page was closed.", "signal_error", retryable: true);
    }

    /// <summary>Ends one session (the player hung up). Unknown ids are ignored: the server may have ended it already.</summary>
    public void Hangup(string sessionId)
    {
        (int CameraId, object Owner) entry;
        lock (_lock)
        {
            if (!_open.Remove(sessionId, out entry))
            {
                return;
            }
        }

        _offers.Close(entry.CameraId, sessionId);
    }

    /// <summary>Ends every session <paramref name="owner"/> opened (the tile went away).</summary>
    public void CloseAll(object owner) => Close(e => ReferenceEquals(e.Owner, owner));

    /// <summary>The circuit ended: every session it opened ends too.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
        }

        Close(_ => true);
    }

    private void Close(Func<(int CameraId, object Owner), bool> match)
    {
        List<(string SessionId, int CameraId)> closing = [];
        lock (_lock)
        {
            foreach ((string id, (int CameraId, object Owner) entry) in _open)
            {
                if (match(entry))
                {
                    closing.Add((id, entry.CameraId));
                }
            }

            foreach ((string id, _) in closing)
            {
                _open.Remove(id);
            }
        }

        foreach ((string id, int cameraId) in closing)
        {
            _offers.Close(cameraId, id);
        }
    }
}

/// <summary>What the player's signal adapter receives: an answer and session id, or an error it classifies.</summary>
public sealed record LiveOfferResult(string? Sdp, string? SessionId, string? Error, string? Reason, bool? Retryable)
{
    public static LiveOfferResult Failed(string error, string reason, bool retryable) => new(null, null, error, reason, retryable);
}

/// <summary>What the player's signal adapter receives for HLS: the media playlist URL and session id, or an error it classifies.</summary>
public sealed record LiveHlsResult(string? Url, string? SessionId, string? Error, string? Reason, bool? Retryable)
{
    public static LiveHlsResult Failed(string error, string reason, bool retryable) => new(null, null, error, reason, retryable);
}
