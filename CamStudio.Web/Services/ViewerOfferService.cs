using System.Globalization;
using System.Security.Claims;
using System.Text;
using CamStudio.Core.Accounts;
using CamStudio.Media.Streaming;
using CamStudio.Media.WebRtc;
using CamStudio.Web.Composition;
using CamStudio.Web.Security;

namespace CamStudio.Web.Services;

/// <summary>
/// Everything a viewer's SDP offer goes through, whichever way it arrives: the REST offer, WHEP and the live tiles over
/// the Blazor circuit are thin adapters that translate their wire format to and from this service. It owns the role
/// check, the one per-user offer budget and open-session cap, quality selection, the policy for a camera that refuses
/// its credentials, the ICE servers handed to the browser, and the reasons for every refusal — so the surfaces cannot
/// drift apart again.
/// </summary>
public sealed class ViewerOfferService(
    CameraStreamHost streams, WebRtcServer webRtc, ViewerSessionLimiter sessions, OfferRateLimiter rate, TimeProvider time,
    IRemoteOffers? remoteOffers = null)
{
    /// <summary>Where a camera another node owns is answered; a container without the seam (one node, tests) serves all here.</summary>
    private readonly IRemoteOffers _remote = remoteOffers ?? NoRemoteOffers.Instance;

    /// <summary>A browser offer is 3–8 KB; 16 KiB leaves room and keeps a hostile offer from costing parser time.</summary>
    public const int MaxSdpBytes = 16 * 1024;

    /// <summary>What a bad quality value is told, wherever a quality is given (offers, the legacy JPEG socket).</summary>
    public const string QualityHint = "quality must be \"stream1\" (HD) or \"stream2\" (SD).";

    /// <summary>
    /// Answers <paramref name="sdp"/> for <paramref name="user"/> with a viewer of <paramref name="cameraId"/>'s stream
    /// in <paramref name="quality"/> (wire name <c>stream1</c>/<c>stream2</c>; null or empty = the camera's own setting).
    /// Expected refusals come back as <see cref="ViewerOfferOutcome.Error"/>, never as exceptions.
    /// </summary>
    public async Task<ViewerOfferOutcome> OfferAsync(
        ClaimsPrincipal user, int cameraId, string? sdp, string? quality, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (Admit(user, quality, out string userKey, out StreamVariant? selected) is { } refused)
        {
            return refused;
        }

        if (CheckSdp(sdp) is { } bad)
        {
            return bad;
        }

        using IDisposable? lease = sessions.TryAcquire(userKey);
        if (lease is null)
        {
            return ViewerLimitReached();
        }

        // Cluster (plan §5): a camera another node owns is answered by that node, with its own SDP; the cap slot taken
        // above stays here, held by the remote session. The ICE servers are this node's (the same configuration everywhere).
        if (await _remote.ForwardOfferAsync(user, cameraId, sdp!, quality, lease, cancellationToken).ConfigureAwait(false) is { } forwarded)
        {
            return forwarded.Error is null ? forwarded with { IceServers = GetIceServers(user) } : forwarded;
        }

        return await OpenLocalAsync(user, cameraId, sdp!, selected, lease, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The owner's half of a forwarded offer (cluster, plan §5): the entry node already charged the user's budget and
    /// counted the session against the user's cap, so only the role, quality and SDP are checked again (the token
    /// proves who sent it, not that the offer is sane), then the same local path as <see cref="OfferAsync"/>.
    /// </summary>
    public async Task<ViewerOfferOutcome> OfferLocalAsync(
        ClaimsPrincipal user, int cameraId, string? sdp, string? quality, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (!MayWatch(user))
        {
            return ViewerOfferOutcome.Failed(ViewerOfferError.Forbidden, "This account has no role that may watch cameras.");
        }

        if (!StreamVariantNames.TryParse(quality, out StreamVariant? selected))
        {
            return ViewerOfferOutcome.Failed(ViewerOfferError.InvalidQuality, QualityHint);
        }

        if (CheckSdp(sdp) is { } bad)
        {
            return bad;
        }

        return await OpenLocalAsync(user, cameraId, sdp!, selected, lease: null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Opens the stream's viewer on this node and applies the wrong-password policy. <paramref name="lease"/> is the
    /// user's cap slot taken here; null when another node counts the session (a forwarded offer).
    /// </summary>
    private async Task<ViewerOfferOutcome> OpenLocalAsync(
        ClaimsPrincipal user, int cameraId, string sdp, StreamVariant? selected, IDisposable? lease, CancellationToken cancellationToken)
    {
        CameraViewerResult? result;
        try
        {
            result = await streams.OpenViewerAsync(cameraId, sdp, selected, cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            return ShuttingDown();
        }
        catch (StreamNotAdmittedException)
        {
            return NotServedHere();
        }

        if (result is null)
        {
            return CameraNotFound(cameraId);
        }

        if (result.Session is not { } session)
        {
            ViewerOfferError error = result.Refusal == ViewerSessionRefusal.CodecUnsupported
                ? ViewerOfferError.CodecUnsupported
                : ViewerOfferError.InvalidOffer;
            return ViewerOfferOutcome.Failed(error, result.Error ?? "The offer cannot be answered.");
        }

        if (result.Stream.GetStatus().State == StreamState.AuthFailed)
        {
            // Nothing can play until someone fixes the credentials. A clear refusal beats a session that waits silently:
            // a tile shows the reason with a Retry, a WHEP client stops instead of holding a session that sends nothing.
            // (The first viewer of a stopped camera still gets its session: nobody knows yet that the password is wrong.)
            webRtc.CloseSession(session.Id, ViewerCloseReason.ClosedByPeer);
            return CameraAuthFailed();
        }

        if (lease is not null)
        {
            sessions.Hold(lease, session);
        }

        return new ViewerOfferOutcome
        {
            SessionId = session.Id,
            Session = session,
            AnswerSdp = result.AnswerSdp,
            Quality = result.Stream.Quality.ToStreamQuality(),
            IceServers = GetIceServers(user),
        };
    }

    /// <summary>
    /// Opens an LL-HLS viewer of <paramref name="cameraId"/> for <paramref name="user"/>: the same role check, budget,
    /// session cap, quality rules and wrong-password policy as an offer, then a session whose media playlist is at
    /// <see cref="ViewerOfferOutcome.HlsPlaylistPath"/>. The session lives while its client keeps fetching (an HLS viewer
    /// is a client that fetched within the last three target durations) or until <see cref="Close"/>.
    /// </summary>
    public async Task<ViewerOfferOutcome> OpenHlsAsync(ClaimsPrincipal user, int cameraId, string? quality, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (Admit(user, quality, out string userKey, out StreamVariant? selected) is { } refused)
        {
            return refused;
        }

        using IDisposable? lease = sessions.TryAcquire(userKey);
        if (lease is null)
        {
            return ViewerLimitReached();
        }

        if (await _remote.ForwardHlsAsync(user, cameraId, quality, lease, cancellationToken).ConfigureAwait(false) is { } forwarded)
        {
            return forwarded;
        }

        return await OpenHlsLocalAsync(cameraId, selected, userKey, lease, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The owner's half of a forwarded HLS open (cluster): like <see cref="OfferLocalAsync"/>, the entry node charged the
    /// budget and counts the session, so only the role and quality are checked again before the same local path.
    /// </summary>
    public async Task<ViewerOfferOutcome> OpenHlsLocalAsync(ClaimsPrincipal user, int cameraId, string? quality, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (!MayWatch(user))
        {
            return ViewerOfferOutcome.Failed(ViewerOfferError.Forbidden, "This account has no role that may watch cameras.");
        }

        return StreamVariantNames.TryParse(quality, out StreamVariant? selected)
            ? await OpenHlsLocalAsync(cameraId, selected, UserKey(user), lease: null, cancellationToken).ConfigureAwait(false)
            : ViewerOfferOutcome.Failed(ViewerOfferError.InvalidQuality, QualityHint);
    }

    /// <summary>Opens the HLS viewer on this node; <paramref name="lease"/> is null when another node counts the session.</summary>
    private async Task<ViewerOfferOutcome> OpenHlsLocalAsync(
        int cameraId, StreamVariant? selected, string userKey, IDisposable? lease, CancellationToken cancellationToken)
    {
        HlsViewer? viewer;
        try
        {
            viewer = await streams.OpenHlsViewerAsync(cameraId, selected, userKey, cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            return ShuttingDown();
        }
        catch (StreamNotAdmittedException)
        {
            return NotServedHere();
        }

        if (viewer is null)
        {
            return CameraNotFound(cameraId);
        }

        if (viewer.Stream.GetStatus().State == StreamState.AuthFailed)
        {
            viewer.Stream.CloseHlsViewer(viewer.Id);
            return CameraAuthFailed();
        }

        if (lease is not null)
        {
            sessions.Hold(lease, viewer);
        }

        return new ViewerOfferOutcome
        {
            SessionId = viewer.Id,
            HlsPlaylistPath = HlsPaths.MediaPlaylist(viewer.Id),
            Quality = viewer.Stream.Quality.ToStreamQuality(),
        };
    }

    /// <summary>
    /// The checks every new viewer passes before anything is looked at or started: a role that may watch, the
    /// per-user budget (taken first: malformed requests cost work too) and a valid quality. Null when admitted.
    /// </summary>
    private ViewerOfferOutcome? Admit(ClaimsPrincipal user, string? quality, out string userKey, out StreamVariant? selected)
    {
        userKey = UserKey(user);
        selected = null;
        if (!MayWatch(user))
        {
            return ViewerOfferOutcome.Failed(ViewerOfferError.Forbidden, "This account has no role that may watch cameras.");
        }

        if (!rate.TryAcquire(userKey, out int retryAfter))
        {
            return ViewerOfferOutcome.Failed(ViewerOfferError.RateLimited,
                string.Create(CultureInfo.InvariantCulture, $"Too many connection attempts from this account; try again in {retryAfter} s."),
                retryAfter);
        }

        return StreamVariantNames.TryParse(quality, out selected)
            ? null
            : ViewerOfferOutcome.Failed(ViewerOfferError.InvalidQuality, QualityHint);
    }

    /// <summary>The offer's own checks before any work: present and within <see cref="MaxSdpBytes"/>. Null when fine.</summary>
    private static ViewerOfferOutcome? CheckSdp(string? sdp)
    {
        if (string.IsNullOrWhiteSpace(sdp))
        {
            return ViewerOfferOutcome.Failed(ViewerOfferError.InvalidOffer, "The offer is empty; send the browser's SDP offer.");
        }

        return Encoding.UTF8.GetByteCount(sdp) > MaxSdpBytes
            ? ViewerOfferOutcome.Failed(ViewerOfferError.SdpTooLarge,
                string.Create(CultureInfo.InvariantCulture, $"Offers are limited to {MaxSdpBytes} bytes."))
            : null;
    }

    private ViewerOfferOutcome ViewerLimitReached() => ViewerOfferOutcome.Failed(ViewerOfferError.ViewerLimit, string.Create(CultureInfo.InvariantCulture,
        $"This account already has {sessions.Limit} open viewer sessions (Security:MaxViewerSessionsPerUser); close another tab or player first."));

    private static ViewerOfferOutcome ShuttingDown() =>
        ViewerOfferOutcome.Failed(ViewerOfferError.Unavailable, "The server is shutting down; try again in a moment.");

    /// <summary>
    /// The stream admission refused the camera: in a cluster another node serves it (or it is moving). The node-to-node
    /// offer (cluster slice S6) forwards before this point; reaching it means no owner could take the viewer now.
    /// </summary>
    internal static ViewerOfferOutcome NotServedHere() => ViewerOfferOutcome.Failed(ViewerOfferError.OwnerUnavailable,
        "This camera is moving to another server; try again in a moment.");

    private static ViewerOfferOutcome CameraNotFound(int cameraId) => ViewerOfferOutcome.Failed(ViewerOfferError.CameraNotFound,
        string.Create(CultureInfo.InvariantCulture, $"No camera has camera_id {cameraId}."));

    private static ViewerOfferOutcome CameraAuthFailed() => ViewerOfferOutcome.Failed(ViewerOfferError.CameraAuthFailed,
        "Wrong username or password: the camera rejects the stored credentials. An Admin can correct them on the camera's page.");

    /// <summary>
    /// Ends a viewer (WebRTC or HLS) of <paramref name="cameraId"/> that the caller opened itself (a live tile's
    /// circuit); false when no such session belongs to that camera. Requests from outside use the overload with the user.
    /// </summary>
    public bool Close(int cameraId, string sessionId) =>
        _remote.Close(userKey: null, cameraId, sessionId) ?? streams.CloseViewer(cameraId, sessionId);

    /// <summary>
    /// Ends <paramref name="user"/>'s WebRTC session <paramref name="sessionId"/> of <paramref name="cameraId"/>. Another
    /// user's session is answered as if it did not exist (false), so a session id seen elsewhere (a log, a shared
    /// screen) cannot end someone else's viewing, nor confirm that it exists.
    /// </summary>
    public bool Close(ClaimsPrincipal user, int cameraId, string sessionId)
    {
        ArgumentNullException.ThrowIfNull(user);
        string userKey = UserKey(user);
        return _remote.Close(userKey, cameraId, sessionId) ?? (sessions.IsOwner(sessionId, userKey) && streams.CloseViewer(cameraId, sessionId));
    }

    /// <summary>
    /// The STUN/TURN servers (WebRtc:IceServers) <paramref name="user"/>'s browser should use. A server configured with a
    /// shared secret gets credentials minted for this user now (<see cref="TurnRestCredentials"/>); the others are
    /// passed as configured.
    /// </summary>
    public IReadOnlyList<IceServer> GetIceServers(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        DateTimeOffset now = time.GetUtcNow();
        return webRtc.IceServers.Select(server =>
        {
            if (!string.IsNullOrEmpty(server.Secret))
            {
                (string username, string credential) = TurnRestCredentials.Mint(server.Secret, UserKey(user), now + server.CredentialLifetime);
                return new IceServer(server.Urls, username, credential);
            }

            return new IceServer(server.Urls, NullIfEmpty(server.Username), NullIfEmpty(server.Credential));
        }).ToArray();
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    /// <summary>Whom sessions and offers count against: the account's id, the same for its cookie and its API tokens.</summary>
    public static string UserKey(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.FindFirstValue(ClaimTypes.NameIdentifier) ?? "anonymous";
    }

    /// <summary>Whether <paramref name="user"/> has a role that may watch (and take snapshots of) cameras.</summary>
    internal static bool MayWatch(ClaimsPrincipal user) =>
        user.Identity?.IsAuthenticated == true && CamStudioRoles.All.Any(user.IsInRole);
}
