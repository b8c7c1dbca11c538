using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json;
using CamStudio.Web.Services;

namespace CamStudio.Web.Cluster.NodeAuth;

/// <summary>
/// The entry node's side of a forwarded offer: mints a node token for exactly this request and posts it to the owner's
/// advertised URL. Every failure comes back as an outcome, never an exception: the owner's own refusals keep their code
/// (a bad offer is a bad offer wherever it is judged); an owner that is unreachable, too slow
/// (<c>Cluster:ForwardTimeout</c>, the HttpClient's timeout) or no longer the owner (<c>not_owner</c>) is
/// <see cref="ViewerOfferError.OwnerUnavailable"/>, retryable.
/// </summary>
public sealed partial class NodeClient(HttpClient http, NodeTokenService tokens, ClusterNodeIdentity identity, ILogger<NodeClient> logger)
{
    public async Task<ViewerOfferOutcome> ForwardOfferAsync(
        Uri ownerUrl, string ownerNode, ClaimsPrincipal user, int cameraId, string sdp, string? quality, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ownerUrl);
        byte[] body = JsonSerializer.SerializeToUtf8Bytes(new NodeOfferRequest(sdp, quality), ClusterJson.Options);
        try
        {
            using HttpResponseMessage response = await SendAsync(
                ownerUrl, user, HttpMethod.Post, ClusterNodeApi.OfferPath(cameraId), body, cancellationToken).ConfigureAwait(false);
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
            LogForwardFailed(logger, ownerNode, cameraId, ex.GetType().Name);
            return OwnerUnavailable();
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

    /// <summary>A request to <paramref name="ownerUrl"/> with a node token minted for exactly this method, path and body.</summary>
    private async Task<HttpResponseMessage> SendAsync(
        Uri ownerUrl, ClaimsPrincipal user, HttpMethod method, string path, byte[] body, CancellationToken cancellationToken,
        HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
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
        return await http.SendAsync(request, completion, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The owner is unreachable, too slow or answered nonsense — not the caller giving up.</summary>
    private static bool IsOwnerFailure(Exception ex, CancellationToken cancellationToken) =>
        ex is HttpRequestException or JsonException || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested);

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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Forwarding an offer for camera {CameraId} to node {Node} failed ({Error}).")]
    private static partial void LogForwardFailed(ILogger logger, string node, int cameraId, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Asking node {Node} to end a forwarded session failed ({Error}); it ends there when its viewer goes away.")]
    private static partial void LogCloseFailed(ILogger logger, string node, string error);
}
