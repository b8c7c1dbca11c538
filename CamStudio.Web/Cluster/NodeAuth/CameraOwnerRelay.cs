using CamStudio.Core.Cluster;
using CamStudio.Web.Api;
using CamStudio.Web.Services;
using Microsoft.Net.Http.Headers;

namespace CamStudio.Web.Cluster.NodeAuth;

/// <summary>
/// <see cref="IRemoteCameraOwners"/> over the lease view (<see cref="ICameraOwnership.OwnerOf"/>), the owners' URLs
/// (<see cref="INodeDirectory"/>, the coordinator's node rows) and <see cref="NodeClient"/>. Without a directory (node
/// authentication registered without the coordinator, as some tests do) a remote owner's URL is unknown: moving.
/// <see cref="NodeClient"/> is a typed HttpClient (transient): it is resolved per call, never kept by this singleton,
/// and only when a call goes out, so a node whose identity is incomplete still serves its own cameras.
/// </summary>
public sealed class CameraOwnerRelay(ICameraOwnership ownership, IServiceProvider services, INodeDirectory? directory = null) : IRemoteCameraOwners
{
    // The owner's validators and caching headers travel back unchanged: a tile's conditional GET of a poster gets the
    // owner's 304, and a snapshot keeps its age.
    private static readonly string[] s_responseHeaders =
    [
        HeaderNames.CacheControl, HeaderNames.Age, CameraSnapshotApi.SnapshotAgeHeader, HeaderNames.LastModified, HeaderNames.ETag,
        HeaderNames.RetryAfter,
    ];

    public CameraRoute Route(int cameraId)
    {
        switch (ownership.OwnerOf(cameraId))
        {
            case { IsLocal: true }:
                return CameraRoute.Local;
            case { NodeName: { } node }:
                return directory?.AdvertisedUrl(node) is { } url ? new CameraRoute(CameraRouteKind.Remote, node, url) : CameraRoute.Moving;
            default:
                return CameraRoute.Moving;
        }
    }

    public async Task<IResult> ForwardGetAsync(CameraRoute owner, HttpContext context, int cameraId, string internalPath, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentNullException.ThrowIfNull(context);
        if (owner is not { Kind: CameraRouteKind.Remote, OwnerNode: { } node, OwnerUrl: { } url })
        {
            return OwnerUnavailable(context);
        }

        string ifNoneMatch = context.Request.Headers.IfNoneMatch.ToString();
        string ifModifiedSince = context.Request.Headers.IfModifiedSince.ToString();
        HttpResponseMessage? response = await services.GetRequiredService<NodeClient>().GetFromOwnerAsync(url, node, context.User, cameraId, internalPath,
            context.Request.QueryString.Value, headers =>
            {
                if (ifNoneMatch.Length > 0)
                {
                    headers.TryAddWithoutValidation(HeaderNames.IfNoneMatch, ifNoneMatch);
                }

                if (ifModifiedSince.Length > 0)
                {
                    headers.TryAddWithoutValidation(HeaderNames.IfModifiedSince, ifModifiedSince);
                }
            }, cancellationToken);
        return response is null ? OwnerUnavailable(context) : new ForwardedResponse(response);
    }

    public async Task NotifyAsync(CameraRoute owner, int cameraId, bool deleted, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(owner);
        if (owner is { Kind: CameraRouteKind.Remote, OwnerNode: { } node, OwnerUrl: { } url })
        {
            // A failure is logged by the client; the owner's version poll is the fallback, so the edit still succeeds.
            await services.GetRequiredService<NodeClient>().NotifyCameraAsync(url, node, cameraId, deleted, cancellationToken);
        }
    }

    private static IResult OwnerUnavailable(HttpContext context) =>
        ViewerOfferProblems.From(ViewerOfferService.NotServedHere(), context.Response);

    /// <summary>Copies the owner's status, content headers and the <see cref="s_responseHeaders"/>, then streams the body.</summary>
    private sealed class ForwardedResponse(HttpResponseMessage response) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            using (response)
            {
                HttpResponse target = httpContext.Response;
                target.StatusCode = (int)response.StatusCode;
                foreach (string name in s_responseHeaders)
                {
                    if (response.Headers.TryGetValues(name, out IEnumerable<string>? values)
                        || response.Content.Headers.TryGetValues(name, out values))
                    {
                        target.Headers[name] = values.ToArray();
                    }
                }

                if (response.Content.Headers.ContentType is { } type)
                {
                    target.ContentType = type.ToString();
                }

                if (response.Content.Headers.ContentLength is { } length)
                {
                    target.ContentLength = length;
                }

                await using Stream body = await response.Content.ReadAsStreamAsync(httpContext.RequestAborted);
                await body.CopyToAsync(target.Body, httpContext.RequestAborted);
            }
        }
    }
}
