using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json;
using CamStudio.Core.Cluster;
using CamStudio.Media.Streaming;
using CamStudio.Web.Services;
using Microsoft.Extensions.Options;

namespace CamStudio.Web.Cluster.NodeAuth;

/// <summary>
/// The entry node's side of a node-to-node call (offers, HLS, snapshots and posters, camera changes): mints a node token
/// for exactly one request and sends it to the owner's advertised URL (<see cref="SendAsync"/>, the one place that
/// signs). Every failure comes back as an outcome, never an exception: the owner's own refusals keep their code
/// (a bad offer is a bad offer wherever it is judged); an owner that is unreachable, too slow
/// (<c>Cluster:ForwardTimeout</c>; an HLS open also waits the HLS viewer timeout) or no longer the owner (<c>not_owner</c>) is
/// <see cref="ViewerOfferError.OwnerUnavailable"/>, retryable.
/// </summary>
public sealed partial class NodeClient(
    HttpClient http, NodeTokenService tokens, ClusterNodeIdentity identity, ILogger<NodeClient> logger,
    IOptions<ClusterOptions>? options = null, IOptions<CameraStreamOptions>? streamOptions = null)
{
    /// <summary>Time limit of an offer, a close, an HLS resource (<c>Cluster:ForwardTimeout</c>).</summary>
    private readonly TimeSpan _timeout = options?.Value.ForwardTimeout ?? new ClusterOptions().ForwardTimeout;

    /// <summary>
    /// Time limit of an HLS open: the owner may wait up to the HLS viewer timeout for the camera's first key frame (its
    /// multivariant playlist names the codec), so that comes on top of the forward timeout.
    /// </summary>
    private readonly TimeSpan _hlsOpenTimeout = (options?.Value.ForwardTimeout ?? new ClusterOptions().ForwardTimeout)
        + (streamOptions?.Value.Hls ?? new HlsOptions()).ViewerTimeout;

    public Task<ViewerOfferOutcome> ForwardOfferAsync(
        Uri ownerUrl, string ownerNode, ClaimsPrincipal user, int cameraId, string sdp, string? quality, CancellationToken cancellationToken) =>
        PostForOutcomeAsync<NodeOfferRequest, NodeOfferAnswer>(
            ownerUrl, ownerNode, user, cameraId, ClusterNodeApi.OfferPath(cameraId), new NodeOfferRequest(sdp, quality), _timeout, hls: false,
            answer => new ViewerOfferOutcome { SessionId = answer.SessionId, AnswerSdp = answer.AnswerSdp, Quality = answer.Quality, OwnerNode = ownerNode },
            cancellationToken);

    /// <summary>
    /// Opens an LL-HLS viewer on the owner (<c>POST /internal/cluster/cameras/{id}/hls</c>): the owner's session id and
    /// the multivariant playlist it wrote for it. Failures as for <see cref="ForwardOfferAsync"/>; the owner's HLS
    /// refusals without an offer code come back in <see cref="ViewerOfferOutcome.OwnerProblem"/>.
    /// </summary>
    public Task<ViewerOfferOutcome> ForwardHlsAsync(
        Uri ownerUrl, string ownerNode, ClaimsPrincipal user, int cameraId, string? quality, CancellationToken cancellationToken) =>
        PostForOutcomeAsync<NodeHlsRequest, NodeHlsAnswer>(
            ownerUrl, ownerNode, user, cameraId, ClusterNodeApi.HlsOpenPath(cameraId), new NodeHlsRequest(quality), _hlsOpenTimeout, hls: true,
            answer => new ViewerOfferOutcome
            {
                SessionId = answer.SessionId,
                HlsPlaylistPath = HlsPaths.MediaPlaylist(answer.SessionId),
                HlsMultivariant = answer.Playlist,
                Quality = answer.Quality,
                OwnerNode = ownerNode,
            },
            cancellationToken);

    /// <summary>
    /// POSTs <paramref name="request"/> to the owner's <paramref name="path"/> and turns the answer into an outcome: a
    /// success through <paramref name="map"/>, a refusal through <see cref="RefusalAsync"/>, an unreachable, slow or
    /// nonsensical owner (or an empty answer) into <see cref="ViewerOfferError.OwnerUnavailable"/>.
    /// </summary>
    private async Task<ViewerOfferOutcome> PostForOutcomeAsync<TRequest, TAnswer>(
        Uri ownerUrl, string ownerNode, ClaimsPrincipal user, int cameraId, string path, TRequest request, TimeSpan timeout, bool hls,
        Func<TAnswer, ViewerOfferOutcome> map, CancellationToken cancellationToken)
        where TAnswer : class
    {
        ArgumentNullException.ThrowIfNull(ownerUrl);
        byte[] body = JsonSerializer.SerializeToUtf8Bytes(request, ClusterJson.Options);
        try
        {
            using HttpResponseMessage response = await SendAsync(
                ownerUrl, user, HttpMethod.Post, path, body, cancellationToken, timeout: timeout).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                TAnswer? answer = await response.Content.ReadFromJsonAsync<TAnswer>(ClusterJson.Options, cancellationToken).ConfigureAwait(false);
                return answer is null ? OwnerUnavailable() : map(answer);
            }

            return await RefusalAsync(response, cancellationToken, hls).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsOwnerFailure(ex, cancellationToken))
        {
            LogForwardFailed(logger, ownerNode, cameraId, ex.GetType().Name);
            return OwnerUnavailable();
        }
    }

    /// <summary>
    /// One LL-HLS request of a forwarded session, sent to the owner with the browser's query (blocking reload
    /// directives) and returned as soon as its headers arrive, so the body streams through. Null when the owner cannot be
    /// reached; the caller disposes the response.
    /// </summary>
    public async Task<HttpResponseMessage?> GetHlsAsync(
        Uri ownerUrl, string ownerNode, ClaimsPrincipal user, string sessionId, string resource, string query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ownerUrl);
        try
        {
            return await SendAsync(ownerUrl, user, HttpMethod.Get, ClusterNodeApi.HlsResourcePath(sessionId, resource) + query, [],
                cancellationToken, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsOwnerFailure(ex, cancellationToken))
        {
            LogHlsFailed(logger, ownerNode, ex.GetType().Name);
            return null;
        }
    }

    /// <summary>
    /// Asks the owner to end the forwarded session <paramref name="sessionId"/> (<c>DELETE /internal/cluster/sessions/{id}</c>).
    /// True when the owner ended it or no longer has it (404: it ended there already); false when the owner could not be asked.
    /// </summary>
    public async Task<bool> CloseSessionAsync(Uri ownerUrl, string ownerNode, ClaimsPrincipal user, string sessionId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ownerUrl);
        try
        {
            using HttpResponseMessage response = await SendAsync(
                ownerUrl, user, HttpMethod.Delete, ClusterNodeApi.SessionPath(sessionId), [], cancellationToken).ConfigureAwait(false);
            return response.IsSuccessStatusCode || response.StatusCode == System.Net.HttpStatusCode.NotFound;
        }
        catch (Exception ex) when (IsOwnerFailure(ex, cancellationToken))
        {
            LogCloseFailed(logger, ownerNode, ex.GetType().Name);
            return false;
        }
    }

    /// <summary>
    /// GETs one of the owner's internal pictures (<c>snapshot.jpg</c> / <c>poster.jpg</c>) for <paramref name="user"/>,
    /// returned as soon as its headers arrive so the caller streams the JPEG. Null when the owner cannot answer for the
    /// camera (unreachable, too slow, 401 or 409 <c>not_owner</c>): the caller answers <c>owner_unavailable</c>. The
    /// caller disposes the response.
    /// </summary>
    /// <param name="query">The browser's query (e.g. <c>?quality=stream2</c>); not covered by the token, which binds the path.</param>
    /// <param name="configure">Adds request headers (conditional GETs), or null.</param>
    public async Task<HttpResponseMessage?> GetFromOwnerAsync(
        Uri ownerUrl, string ownerNode, ClaimsPrincipal user, int cameraId, string path, string? query,
        Action<HttpRequestHeaders>? configure, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ownerUrl);
        HttpResponseMessage? response = null;
        try
        {
            response = await SendAsync(ownerUrl, user, HttpMethod.Get, path + query, [], cancellationToken,
                HttpCompletionOption.ResponseHeadersRead, configure: configure).ConfigureAwait(false);
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Conflict)
            {
                // 401: the key rings are out of step; 409: not_owner, the leases are moving. Either way: wait and retry.
                LogEdgeFailed(logger, path, ownerNode, cameraId, ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture));
                response.Dispose();
                return null;
            }

            return response;
        }
        catch (Exception ex) when (IsOwnerFailure(ex, cancellationToken))
        {
            response?.Dispose();
            LogEdgeFailed(logger, path, ownerNode, cameraId, ex.GetType().Name);
            return null;
        }
    }

    /// <summary>
    /// Tells the owner that a camera was edited (<paramref name="deleted"/> false: it restarts the camera's FFmpeg with
    /// the stored settings before answering) or deleted (it stops the streams and removes the poster). The request is the
    /// node's own, not a user's: the edit was authorised where it was made. False when the owner did not confirm; its
    /// version poll (<see cref="CameraVersionWatch"/>) then applies an edit within a few seconds.
    /// </summary>
    public async Task<bool> NotifyCameraAsync(Uri ownerUrl, string ownerNode, int cameraId, bool deleted, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ownerUrl);
        string path = deleted ? ClusterNodeEdgeApi.DeletedPath(cameraId) : ClusterNodeEdgeApi.ChangedPath(cameraId);
        try
        {
            using HttpResponseMessage response = await SendAsync(ownerUrl, NodePrincipal(), HttpMethod.Post, path, [], cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                return true;
            }

            LogEdgeFailed(logger, path, ownerNode, cameraId, ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture));
            return false;
        }
        catch (Exception ex) when (IsOwnerFailure(ex, cancellationToken))
        {
            LogEdgeFailed(logger, path, ownerNode, cameraId, ex.GetType().Name);
            return false;
        }
    }

    /// <summary>The caller of a node's own request: the node itself (a token must name a user; no roles).</summary>
    private ClaimsPrincipal NodePrincipal() =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, "node:" + identity.Name)], NodeTokenService.HeaderScheme));

    /// <summary>A request to <paramref name="ownerUrl"/> with a node token minted for exactly this method, path and body.</summary>
    private async Task<HttpResponseMessage> SendAsync(
        Uri ownerUrl, ClaimsPrincipal user, HttpMethod method, string path, byte[] body, CancellationToken cancellationToken,
        HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead, TimeSpan? timeout = null,
        Action<HttpRequestHeaders>? configure = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(ownerUrl, path));
        if (body.Length > 0)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        // The token binds the path without the query (the handler checks Request.Path).
        string signedPath = path.Split('?', 2)[0];
        request.Headers.Authorization = new AuthenticationHeaderValue(NodeTokenService.HeaderScheme,
            tokens.Mint(identity, user, method.Method, signedPath, body));
        configure?.Invoke(request.Headers);
        // Until the headers (ResponseHeadersRead) or the whole body; a relayed body then streams under the caller's token.
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout ?? _timeout);
        return await http.SendAsync(request, completion, limit.Token).ConfigureAwait(false);
    }

    /// <summary>The owner is unreachable, too slow or answered nonsense — not the caller giving up.</summary>
    private static bool IsOwnerFailure(Exception ex, CancellationToken cancellationToken) =>
        ex is HttpRequestException or JsonException || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested);

    private static async Task<ViewerOfferOutcome> RefusalAsync(HttpResponseMessage response, CancellationToken cancellationToken, bool hls = false)
    {
        string? code = null;
        string? title = null;
        string? detail = null;
        if (response.Content.Headers.ContentType?.MediaType?.EndsWith("json", StringComparison.OrdinalIgnoreCase) == true)
        {
            using JsonDocument problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
            code = problem.RootElement.TryGetProperty("code", out JsonElement c) ? c.GetString() : null;
            title = problem.RootElement.TryGetProperty("title", out JsonElement t) ? t.GetString() : null;
            detail = problem.RootElement.TryGetProperty("detail", out JsonElement d) ? d.GetString() : null;
        }

        if (Enum.GetValues<ViewerOfferError>().FirstOrDefault(e => e.Code() == code) is var error && error.Code() == code)
        {
            return error == ViewerOfferError.OwnerUnavailable ? OwnerUnavailable() : ViewerOfferOutcome.Failed(error, detail ?? error.Title());
        }

        // The HLS endpoint's own refusals (not_streaming, hls_unsupported) are the owner's judgement of the stream: passed on.
        if (hls && code is not null && code != ClusterNodeApi.NotOwnerCode && response.StatusCode != HttpStatusCode.Unauthorized)
        {
            return ViewerOfferOutcome.Failed(ViewerOfferError.Unavailable, detail ?? code) with
            {
                OwnerProblem = new OwnerProblem((int)response.StatusCode, code, title ?? code, detail ?? code),
            };
        }

        // not_owner, 401 (key rings out of step) and anything unknown: the browser can only wait for the leases to settle.
        return OwnerUnavailable();
    }

    private static ViewerOfferOutcome OwnerUnavailable() => ViewerOfferService.NotServedHere();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Forwarding an offer for camera {CameraId} to node {Node} failed ({Error}).")]
    private static partial void LogForwardFailed(ILogger logger, string node, int cameraId, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Asking node {Node} to end a forwarded session failed ({Error}); it ends there when its viewer goes away.")]
    private static partial void LogCloseFailed(ILogger logger, string node, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Calling {Path} for camera {CameraId} on node {Node} failed ({Error}).")]
    private static partial void LogEdgeFailed(ILogger logger, string path, string node, int cameraId, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Relaying an HLS request to node {Node} failed ({Error}).")]
    private static partial void LogHlsFailed(ILogger logger, string node, string error);
}
