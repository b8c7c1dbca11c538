using System.Globalization;
using System.Security.Claims;
using System.Text;
using CamStudio.Media.Streaming;
using CamStudio.Web.Api;
using CamStudio.Web.Security;
using Microsoft.AspNetCore.Components.Authorization;

namespace CamStudio.Web.Components.Live;

/// <summary>
/// The viewer sessions one Blazor circuit opened for its live tiles. Offers go through the same
/// <see cref="CameraStreamHost.OpenViewerAsync"/> the REST offer endpoint uses. A tile closes its own sessions when it
/// is disposed; whatever is left when the circuit ends (tab closed, connection lost) is closed here, so the server
/// counts the viewer as gone at once instead of waiting for ICE consent to expire.
/// </summary>
public sealed class LiveViewerSessions : IDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (int CameraId, object Owner)> _open = new(StringComparer.Ordinal);
    private readonly CameraStreamHost _streams;
    private readonly ViewerSessionLimiter _limiter;
    private readonly CircuitOfferRateLimiter _rate;
    private readonly AuthenticationStateProvider _authentication;
    private bool _disposed;

    public LiveViewerSessions(
        CameraStreamHost streams, ViewerSessionLimiter limiter, CircuitOfferRateLimiter rate, AuthenticationStateProvider authentication)
    {
        _rate = rate ?? throw new ArgumentNullException(nameof(rate));
        _streams = streams ?? throw new ArgumentNullException(nameof(streams));
        _limiter = limiter ?? throw new ArgumentNullException(nameof(limiter));
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

    /// <summary>
    /// Answers a tile's offer. Expected failures come back as <see cref="LiveOfferResult.Error"/> (never thrown): Blazor
    /// hides exception messages from the browser, and the tile must show the real reason.
    /// </summary>
    public async Task<LiveOfferResult> OfferAsync(object owner, int cameraId, string quality, string sdp, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(owner);
        if (!StreamVariantNames.TryParse(quality, out StreamVariant? selected) || selected is null)
        {
            return LiveOfferResult.Failed("Unknown stream quality " + quality + ".", "bad_offer", retryable: false);
        }

        if (string.IsNullOrWhiteSpace(sdp))
        {
            return LiveOfferResult.Failed("The offer is empty.", "bad_offer", retryable: false);
        }

        // The same limits as the REST offer endpoints: a tab is no way around them.
        if (Encoding.UTF8.GetByteCount(sdp) > ViewerLimits.MaxSdpBytes)
        {
            return LiveOfferResult.Failed(
                string.Create(CultureInfo.InvariantCulture, $"The offer is larger than {ViewerLimits.MaxSdpBytes} bytes."), "bad_offer", retryable: false);
        }

        ClaimsPrincipal user = (await _authentication.GetAuthenticationStateAsync()).User;
        string userKey = user.FindFirstValue(ClaimTypes.NameIdentifier) ?? "anonymous";
        if (!_rate.TryAcquire(userKey, out int retryAfterSeconds))
        {
            return LiveOfferResult.Failed(
                string.Create(CultureInfo.InvariantCulture, $"Too many connection attempts from this account; try again in {retryAfterSeconds} s."),
                "rate_limited", retryable: true);
        }

        CameraViewerResult? result;
        using IDisposable? lease = _limiter.TryAcquire(userKey);
        if (lease is null)
        {
            // Retryable: another tab or player of this account may close its sessions.
            return LiveOfferResult.Failed(
                string.Create(CultureInfo.InvariantCulture, $"This account already has {_limiter.Limit} open viewer sessions; close another tab or player first."),
                "viewer_limit", retryable: true);
        }

        try
        {
            result = await _streams.OpenViewerAsync(cameraId, sdp, selected, cancellationToken);
            _limiter.Hold(lease, result?.Session);
        }
        catch (ObjectDisposedException)
        {
            return LiveOfferResult.Failed("The server is shutting down.", "signal_error", retryable: true);
        }

        if (result is null)
        {
            return LiveOfferResult.Failed("This camera no longer exists.", "not_found", retryable: false);
        }

        if (result.Session is not { } session)
        {
            return LiveOfferResult.Failed(result.Error ?? "The offer cannot be answered.", "bad_offer", retryable: false);
        }

        if (result.Warning is not null && result.Stream.GetStatus().State == StreamState.AuthFailed)
        {
            // Nothing can play until someone fixes the credentials: a failed tile with a retry beats a tile that
            // silently reconnects forever.
            _streams.CloseViewer(cameraId, session.Id);
            return LiveOfferResult.Failed("Wrong username or password.", "auth_failed", retryable: false);
        }

        lock (_lock)
        {
            if (!_disposed)
            {
                _open[session.Id] = (cameraId, owner);
                return new LiveOfferResult(result.AnswerSdp, session.Id, null, null, null);
            }
        }

        // The circuit ended while the offer was answered.
        _streams.CloseViewer(cameraId, session.Id);
        return LiveOfferResult.Failed("The page was closed.", "signal_error", retryable: true);
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

        _streams.CloseViewer(entry.CameraId, sessionId);
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
            _streams.CloseViewer(cameraId, id);
        }
    }
}

/// <summary>What the player's signal adapter receives: an answer and session id, or an error it classifies.</summary>
public sealed record LiveOfferResult(string? Sdp, string? SessionId, string? Error, string? Reason, bool? Retryable)
{
    public static LiveOfferResult Failed(string error, string reason, bool retryable) => new(null, null, error, reason, retryable);
}
