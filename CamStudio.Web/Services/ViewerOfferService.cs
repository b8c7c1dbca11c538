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
    CameraStreamHost streams, WebRtcServer webRtc, ViewerSessionLimiter sessions, OfferRateLimiter rate, TimeProvider time)
{
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
        if (!MayWatch(user))
        {
            return ViewerOfferOutcome.Failed(ViewerOfferError.Forbidden, "This account has no role that may watch cameras.");
        }

        // The budget is taken before the offer is looked at: malformed offers cost parser time too.
        string userKey = UserKey(user);
        if (!rate.TryAcquire(userKey, out int retryAfter))
        {
            return ViewerOfferOutcome.Failed(ViewerOfferError.RateLimited,
                string.Create(CultureInfo.InvariantCulture, $"Too many connection attempts from this account; try again in {retryAfter} s."),
                retryAfter);
        }

        if (!StreamVariantNames.TryParse(quality, out StreamVariant? selected))
        {
            return ViewerOfferOutcome.Failed(ViewerOfferError.InvalidQuality, QualityHint);
        }

        if (string.IsNullOrWhiteSpace(sdp))
        {
            return ViewerOfferOutcome.Failed(ViewerOfferError.InvalidOffer, "The offer is empty; send the browser's SDP offer.");
        }

        if (Encoding.UTF8.GetByteCount(sdp) > MaxSdpBytes)
        {
            return ViewerOfferOutcome.Failed(ViewerOfferError.SdpTooLarge,
                string.Create(CultureInfo.InvariantCulture, $"Offers are limited to {MaxSdpBytes} bytes."));
        }

        using IDisposable? lease = sessions.TryAcquire(userKey);
        if (lease is null)
        {
            return ViewerOfferOutcome.Failed(ViewerOfferError.ViewerLimit, string.Create(CultureInfo.InvariantCulture,
                $"This account already has {sessions.Limit} open viewer sessions (Security:MaxViewerSessionsPerUser); close another tab or player first."));
        }

        CameraViewerResult? result;
        try
        {
            result = await streams.OpenViewerAsync(cameraId, sdp, selected, cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            return ViewerOfferOutcome.Failed(ViewerOfferError.Unavailable, "The server is shutting down; try again in a moment.");
        }

        if (result is null)
        {
            return ViewerOfferOutcome.Failed(ViewerOfferError.CameraNotFound,
                string.Create(CultureInfo.InvariantCulture, $"No camera has camera_id {cameraId}."));
        }

        if (result.Session is not { } session)
        {
            return ViewerOfferOutcome.Failed(ViewerOfferError.InvalidOffer, result.Error ?? "The offer cannot be answered.");
        }

        if (result.Stream.GetStatus().State == StreamState.AuthFailed)
        {
            // Nothing can play until someone fixes the credentials. A clear refusal beats a session that waits silently:
            // a tile shows the reason with a Retry, a WHEP client stops instead of holding a session that sends nothing.
            // (The first viewer of a stopped camera still gets its session: nobody knows yet that the password is wrong.)
            webRtc.CloseSession(session.Id, ViewerCloseReason.ClosedByPeer);
            return ViewerOfferOutcome.Failed(ViewerOfferError.CameraAuthFailed,
                "Wrong username or password: the camera rejects the stored credentials. An Admin can correct them on the camera's page.");
        }

        sessions.Hold(lease, session);
        return new ViewerOfferOutcome
        {
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
    public Task<ViewerOfferOutcome> OpenHlsAsync(ClaimsPrincipal user, int cameraId, string? quality, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        _ = cameraId;
        _ = quality;
        _ = cancellationToken;
        return Task.FromResult(ViewerOfferOutcome.Failed(ViewerOfferError.Unavailable, "HLS is not wired in yet."));
    }

    /// <summary>Ends a viewer of <paramref name="cameraId"/>; false when no such session belongs to that camera.</summary>
    public bool Close(int cameraId, string sessionId) => streams.CloseViewer(cameraId, sessionId);

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

    private static bool MayWatch(ClaimsPrincipal user) =>
        user.Identity?.IsAuthenticated == true && CamStudioRoles.All.Any(user.IsInRole);
}
