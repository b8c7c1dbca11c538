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
        string path = ClusterNodeApi.OfferPath(cameraId);
        byte[] body = JsonSerializer.SerializeToUtf8Bytes(new NodeOfferRequest(sdp, quality), ClusterJson.Options);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(ownerUrl, path)) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Authorization = new AuthenticationHeaderValue(NodeTokenService.HeaderScheme,
            tokens.Mint(identity, user, "POST", path, body));
        try
        {
            using HttpResponseMessage response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                NodeOfferAnswer? answer = await response.Content.ReadFromJsonAsync<NodeOfferAnswer>(ClusterJson.Options, cancellationToken).ConfigureAwait(false);
                return answer is null
                    ? OwnerUnavailable()
                    : new ViewerOfferOutcome { SessionId = answer.SessionId, AnswerSdp = answer.AnswerSdp, Quality = answer.Quality, OwnerNode = ownerNode };
            }

            return await RefusalAsync(response, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException
                                   || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            LogForwardFailed(logger, ownerNode, cameraId, ex.GetType().Name);
            return OwnerUnavailable();
        }
    }

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
}
