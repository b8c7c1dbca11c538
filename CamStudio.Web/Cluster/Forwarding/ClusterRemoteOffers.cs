using System.Security.Claims;
using CamStudio.Core.Cameras;
using CamStudio.Core.Cluster;
using CamStudio.Web.Api;
using CamStudio.Web.Cluster.NodeAuth;
using CamStudio.Web.Security;
using CamStudio.Web.Services;
using Microsoft.Extensions.Options;

namespace CamStudio.Web.Cluster.Forwarding;

/// <summary>
/// The cluster's <see cref="IRemoteOffers"/> (plan §5): a camera another node owns is forwarded to that node
/// (<see cref="NodeClient"/>, URL from <see cref="INodeDirectory"/>), and the user's cap slot stays here in
/// <see cref="RemoteViewerSessions"/>. When the owner cannot take the viewer — unreachable, answers <c>not_owner</c>, or
/// nobody owns the camera (moving) — the offer waits up to <c>Cluster:OwnerWait</c> for the leases to name a live owner,
/// then is served here (when that is this node) or forwarded to the new owner; only then <c>owner_unavailable</c>.
/// </summary>
public sealed partial class ClusterRemoteOffers(
    ICameraOwnership ownership,
    INodeDirectory directory,
    NodeClient client,
    RemoteViewerSessions remote,
    ViewerSessionLimiter sessions,
    ICameraStore cameras,
    IOptions<ClusterOptions> options,
    TimeProvider time,
    ILogger<ClusterRemoteOffers> logger) : IRemoteOffers
{
    /// <summary>Headers of one connection, not of the resource (RFC 9110 §7.6.1): never relayed.</summary>
    private static readonly HashSet<string> s_hopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Transfer-Encoding", "Upgrade", "Proxy-Connection", "TE", "Trailer",
    };

    /// <summary>How often a waiting offer looks at the leases again (a memory read, the coordinator refreshes them).</summary>
    internal static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>An owner that failed is asked again after this long even if the leases still name it (a transient error).</summary>
    internal static readonly TimeSpan RetrySameOwner = TimeSpan.FromSeconds(1);

    public Task<ViewerOfferOutcome?> ForwardOfferAsync(
        ClaimsPrincipal user, int cameraId, string sdp, string? quality, IDisposable lease, CancellationToken cancellationToken) =>
        ForwardAsync(user, cameraId, lease, hls: false,
            (url, node) => client.ForwardOfferAsync(url, node, user, cameraId, sdp, quality, cancellationToken), cancellationToken);

    public Task<ViewerOfferOutcome?> ForwardHlsAsync(
        ClaimsPrincipal user, int cameraId, string? quality, IDisposable lease, CancellationToken cancellationToken) =>
        ForwardAsync(user, cameraId, lease, hls: true,
            (url, node) => client.ForwardHlsAsync(url, node, user, cameraId, quality, cancellationToken), cancellationToken);

    public bool? Close(string? userKey, int? cameraId, string sessionId)
    {
        if (!remote.Contains(sessionId))
        {
            return null;
        }

        // Another user's session (or another camera's) is answered as if it did not exist, as on one node.
        if (remote.Find(sessionId, userKey) is not { } session || (cameraId is { } camera && session.CameraId != camera) || remote.Remove(sessionId) is null)
        {
            return false;
        }

        // The slot is free now; the owner ends its session in the background (a circuit closes synchronously). If the
        // owner cannot be asked, its session ends by itself when the browser's peer connection goes (ICE consent).
        _ = CloseAtOwnerAsync(session);
        return true;
    }

    public async Task<bool> ProxyHlsAsync(HttpContext context, string sessionId, string resource)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (remote.Find(sessionId, ViewerOfferService.UserKey(context.User)) is not { Hls: true } session)
        {
            return false;
        }

        // Forwarded, not redirected: the browser's cookie is scoped to this host, and behind a TLS proxy it cannot reach
        // the owner at all. The query carries the blocking-reload directives (_HLS_msn, _HLS_part).
        HttpResponse response = context.Response;
        CancellationToken aborted = context.RequestAborted;
        using HttpResponseMessage? relayed = directory.AdvertisedUrl(session.OwnerNode) is { } url
            ? await client.GetHlsAsync(url, session.OwnerNode, session.User, sessionId, resource, context.Request.QueryString.Value ?? string.Empty, aborted)
                .ConfigureAwait(false)
            : null;
        if (relayed is null)
        {
            await ViewerOfferProblems.From(ViewerOfferService.NotServedHere(), response).ExecuteAsync(context).ConfigureAwait(false);
            return true;
        }

        response.StatusCode = (int)relayed.StatusCode;
        foreach (KeyValuePair<string, IEnumerable<string>> header in relayed.Headers.Concat(relayed.Content.Headers))
        {
            if (!s_hopByHop.Contains(header.Key))
            {
                response.Headers[header.Key] = header.Value.ToArray();
            }
        }

        try
        {
            await using Stream body = await relayed.Content.ReadAsStreamAsync(aborted).ConfigureAwait(false);
            await body.CopyToAsync(response.Body, aborted).ConfigureAwait(false);
        }
        catch (Exception ex) when ((ex is IOException or HttpRequestException) && !aborted.IsCancellationRequested)
        {
            // The owner went away mid-body: the status is sent already, so only a cut connection tells the player the
            // resource is incomplete (it retries, and the next request meets owner_unavailable or the new owner).
            context.Abort();
        }

        return true;
    }

    private async Task<ViewerOfferOutcome?> ForwardAsync(
        ClaimsPrincipal user, int cameraId, IDisposable lease, bool hls,
        Func<Uri, string, Task<ViewerOfferOutcome>> forward, CancellationToken cancellationToken)
    {
        DateTimeOffset deadline = time.GetUtcNow() + options.Value.OwnerWait;
        bool known = false;
        while (true)
        {
            CameraOwner? owner = ownership.OwnerOf(cameraId);
            if (owner is { IsLocal: true })
            {
                return null;
            }

            if (owner is null && !known)
            {
                // Nobody owns an unknown camera either: let the local path answer camera_not_found at once.
                if (await cameras.GetAsync(cameraId, cancellationToken).ConfigureAwait(false) is null)
                {
                    return null;
                }

                known = true;
            }

            if (owner?.NodeName is { } node && directory.AdvertisedUrl(node) is { } url)
            {
                ViewerOfferOutcome outcome = await forward(url, node).ConfigureAwait(false);
                if (outcome.Error != ViewerOfferError.OwnerUnavailable)
                {
                    if (outcome.Error is null && outcome.SessionId is { } sessionId)
                    {
                        remote.Add(new RemoteSession(sessionId, node, cameraId, ViewerOfferService.UserKey(user), user, hls), sessions.HoldRemote(lease));
                    }

                    return outcome;
                }

                LogOwnerUnavailable(cameraId, node);
            }

            if (!await WaitForOwnerChangeAsync(cameraId, owner, deadline, cancellationToken).ConfigureAwait(false))
            {
                return ViewerOfferService.NotServedHere();
            }
        }
    }

    /// <summary>
    /// Waits until the leases name another owner than <paramref name="previous"/> (or <see cref="RetrySameOwner"/> passed
    /// with a named owner); false when <paramref name="deadline"/> came first. A short poll of memory the coordinator keeps
    /// current: this is the product waiting for a move, not a test's sleep.
    /// </summary>
    private async Task<bool> WaitForOwnerChangeAsync(int cameraId, CameraOwner? previous, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        DateTimeOffset retryAt = time.GetUtcNow() + RetrySameOwner;
        while (true)
        {
            DateTimeOffset now = time.GetUtcNow();
            if (now >= deadline)
            {
                return false;
            }

            CameraOwner? current = ownership.OwnerOf(cameraId);
            if (current != previous || (current is not null && now >= retryAt))
            {
                return true;
            }

            TimeSpan wait = deadline - now < PollInterval ? deadline - now : PollInterval;
            await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task CloseAtOwnerAsync(RemoteSession session)
    {
        try
        {
            if (directory.AdvertisedUrl(session.OwnerNode) is { } url)
            {
                await client.CloseSessionAsync(url, session.OwnerNode, session.User, session.SessionId, CancellationToken.None).ConfigureAwait(false);
            }
        }
        // Nobody awaits this task: whatever NodeClient does not turn into a result (a client disposed at shutdown) is
        // logged here instead of becoming an unobserved exception. The owner's session ends with its peer connection.
        catch (Exception ex) when (ex is ObjectDisposedException or InvalidOperationException)
        {
            LogCloseFailed(session.OwnerNode, ex.GetType().Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Node {Node} could not take a viewer of camera {CameraId}; waiting for its lease to move.")]
    private partial void LogOwnerUnavailable(int cameraId, string node);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ending a forwarded session on node {Node} failed ({Error}).")]
    private partial void LogCloseFailed(string node, string error);
}
