using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json;
using CamStudio.Web.Services;

namespace CamStudio.Web.Cluster.NodeAuth;

/// <summary>
/// The entry node's side of a node-to-node call: mints a node token for exactly one request and sends it to the owner's
/// advertised URL (<see cref="SendSignedAsync"/>, the one place that signs). Every failure comes back as an outcome,
/// never an exception: the owner's own refusals keep their code (a bad offer is a bad offer wherever it is judged); an
/// owner that is unreachable, too slow (<c>Cluster:ForwardTimeout</c>, the HttpClient's timeout) or no longer the owner
/// (<c>not_owner</c>) is <see cref="ViewerOfferError.OwnerUnavailable"/>, retryable.
/// </summary>
public sealed partial class NodeClient(HttpClient http, NodeTokenService tokens, ClusterNodeIdentity identity, ILogger<NodeClient> logger)
{
    public async Task<ViewerOfferOutcome> ForwardOfferAsync(
        Uri ownerUrl, string ownerNode, ClaimsPrincipal user, int cameraId, string sdp, string? quality, CancellationToken cancellationToken)
    {
        byte[] body = JsonSerializer.SerializeToUtf8Bytes(new NodeOfferRequest(sdp, quality), ClusterJson.Options);
        try
        {
            using HttpResponseMessage response = await SendSignedAsync(
                ownerUrl, HttpMethod.Post, ClusterNodeApi.OfferPath(cameraId), query: null, user, body, configure: null,
                HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                NodeOfferAnswer? answer = await response.Content.ReadFromJsonAsync<NodeOfferAnswer>(ClusterJson.Options, cancellationToken).ConfigureAwait(false);
                return answer is null
                    ? OwnerUnavailable()
                    : new ViewerOfferOutcome { SessionId = answer.SessionId, AnswerSdp = answer.AnswerSdp, Quality = answer.Quality, OwnerNode = ownerNode };
            }

            return await RefusalAsync(response, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsOwnerFailure(ex, cancellationToken))
        {
            LogForwardFailed(logger, "an offer", ownerNode, cameraId, ex.GetType().Name);
            return OwnerUnavailable();
        }
    }

    /// <summary>
    /// GETs one of the owner's internal resources (a snapshot or poster JPEG) for <paramref name="user"/>, with only the
    /// response headers read, so the caller streams the body. Null when the owner cannot answer for the camera
    /// (unreachable, too slow, 401 or <c>not_owner</c>): the caller answers <c>owner_unavailable</c>. The caller
    /// disposes the response.
    /// </summary>
    /// <param name="query">The query string (e.g. <c>?quality=stream2</c>); not covered by the token, which binds the path.</param>
    /// <param name="configure">Adds request headers (conditional GETs), or null.</param>
    public async Task<HttpResponseMessage?> GetFromOwnerAsync(
        Uri ownerUrl, string ownerNode, ClaimsPrincipal user, int cameraId, string path, string? query,
        Action<HttpRequestHeaders>? configure, CancellationToken cancellationToken)
    {
        HttpResponseMessage? response = null;
        try
        {
            response = await SendSignedAsync(ownerUrl, HttpMethod.Get, path, query, user, [], configure,
                HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Conflict)
            {
                // 401: the key rings are out of step; 409: not_owner, the leases are moving. Either way: wait and retry.
                LogForwardFailed(logger, path, ownerNode, cameraId, ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
                response.Dispose();
                return null;
            }

            return response;
        }
        catch (Exception ex) when (IsOwnerFailure(ex, cancellationToken))
        {
            response?.Dispose();
            LogForwardFailed(logger, path, ownerNode, cameraId, ex.GetType().Name);
            return null;
        }
    }

    /// <summary>
    /// Tells the owner that a camera was edited (<paramref name="deleted"/> false: it restarts the camera's FFmpeg with
    /// the new settings before answering) or deleted (it stops the streams and removes the poster). The request is the
    /// node's own, not a user's: the edit was authorised where it was made. False when the owner did not confirm; the
    /// owner's version poll (<see cref="CameraVersionWatch"/>) then applies the change within a few seconds.
    /// </summary>
    public async Task<bool> NotifyCameraAsync(Uri ownerUrl, string ownerNode, int cameraId, bool deleted, CancellationToken cancellationToken)
    {
        string path = deleted ? ClusterNodeApi.DeletedPath(cameraId) : ClusterNodeApi.ChangedPath(cameraId);
        try
        {
            using HttpResponseMessage response = await SendSignedAsync(ownerUrl, HttpMethod.Post, path, query: null, NodePrincipal(), [],
                configure: null, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                return true;
            }

            LogForwardFailed(logger, path, ownerNode, cameraId, ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
            return false;
        }
        catch (Exception ex) when (IsOwnerFailure(ex, cancellationToken))
        {
            LogForwardFailed(logger, path, ownerNode, cameraId, ex.GetType().Name);
            return false;
        }
    }

    /// <summary>
    /// Sends one request to <paramref name="ownerUrl"/> with a node token minted for exactly its method, path and body
    /// (a JSON body when not empty). Throws what <see cref="HttpClient"/> throws; <see cref="IsOwnerFailure"/> tells the
    /// caller which exceptions mean "the owner cannot answer".
    /// </summary>
    private async Task<HttpResponseMessage> SendSignedAsync(
        Uri ownerUrl, HttpMethod method, string path, string? query, ClaimsPrincipal user, byte[] body,
        Action<HttpRequestHeaders>? configure, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ownerUrl);
        using var request = new HttpRequestMessage(method, new Uri(ownerUrl, path + query));
        if (body.Length > 0 || method == HttpMethod.Post)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        request.Headers.Authorization = new AuthenticationHeaderValue(NodeTokenService.HeaderScheme,
            tokens.Mint(identity, user, method.Method, path, body));
        configure?.Invoke(request.Headers);
        return await http.SendAsync(request, completion, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Unreachable, refused, unreadable or timed out (a cancellation that is not the caller's own is the timeout).</summary>
    private static bool IsOwnerFailure(Exception ex, CancellationToken cancellationToken) =>
        ex is HttpRequestException or JsonException || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested);

    /// <summary>The caller of a node's own request: the node itself (a token must name a user; no roles).</summary>
    private ClaimsPrincipal NodePrincipal() =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, "node:" + identity.Name)], NodeTokenService.HeaderScheme));

    private static async Task<ViewerOfferOutcome> RefusalAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        string? code = null;
        string? detail = null;
        if (response.Content.Headers.ContentType?.MediaType?.EndsWith("json", StringComparison.OrdinalIgnoreCase) == true)
        {
            using JsonDocument problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
            code = problem.RootElement.TryGetProperty("code", out JsonElement c) ? c.GetString() : null;
            detail = problem.RootElement.TryGetProperty("detail", out JsonElement d) ? d.GetString() : null;
        }

        // not_owner, 401 (key rings out of step) and anything unknown: the browser can only wait for the leases to settle.
        return Enum.GetValues<ViewerOfferError>().FirstOrDefault(e => e.Code() == code) is var error && error.Code() == code
               && error != ViewerOfferError.OwnerUnavailable
            ? ViewerOfferOutcome.Failed(error, detail ?? error.Title())
            : OwnerUnavailable();
    }

    private static ViewerOfferOutcome OwnerUnavailable() => ViewerOfferService.NotServedHere();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Forwarding {What} for camera {CameraId} to node {Node} failed ({Error}).")]
    private static partial void LogForwardFailed(ILogger logger, string what, string node, int cameraId, string error);
}
