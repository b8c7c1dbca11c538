using System.Globalization;
using CamStudio.Core.Cameras;
using CamStudio.Core.Cluster;
using CamStudio.Web.Api;
using CamStudio.Web.Services;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace CamStudio.Web.Cluster.NodeAuth;

/// <summary>
/// The internal endpoints one node calls on a camera's owner (plan §5). Mapped only when the cluster's node
/// authentication is registered; scheme <see cref="NodeAuthenticationHandler.SchemeName"/> only, never anonymous, never
/// a cookie or API token, and left out of the OpenAPI document (not a public API).
/// </summary>
public static class ClusterNodeApi
{
    public const string Prefix = "/internal/cluster";

    /// <summary>The code an owner answers when the camera is not (or no longer) its own.</summary>
    public const string NotOwnerCode = "not_owner";

    public static string OfferPath(int cameraId) => string.Create(CultureInfo.InvariantCulture, $"{Prefix}/cameras/{cameraId}/offer");

    public static IEndpointRouteBuilder MapClusterNodeApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.ServiceProvider.GetService<NodeTokenService>() is null)
        {
            return app;
        }

        RouteGroupBuilder group = app.MapGroup(Prefix)
            .RequireAuthorization(policy => policy.AddAuthenticationSchemes(NodeAuthenticationHandler.SchemeName).RequireAuthenticatedUser())
            .ExcludeFromDescription();
        group.MapPost("/cameras/{camera_id:int}/offer", PostOffer);
        return app;
    }

    private static async Task<Results<Ok<NodeOfferAnswer>, ProblemHttpResult>> PostOffer(
        [FromRoute(Name = "camera_id")] int cameraId,
        NodeOfferRequest offer,
        ViewerOfferService offers,
        ICameraOwnership ownership,
        HttpContext context,
        CancellationToken cancellationToken)
    {
        if (!ownership.IsLocal(cameraId))
        {
            // The sender's view of the leases is stale (a move in progress): it must not get a session from a node that
            // may not stream the camera. It answers the browser owner_unavailable (retryable).
            return TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "Not the camera's owner.",
                detail: string.Create(CultureInfo.InvariantCulture, $"This node does not serve camera {cameraId} now."),
                extensions: new Dictionary<string, object?> { ["code"] = NotOwnerCode, ["retryable"] = true });
        }

        ViewerOfferOutcome outcome = await offers.OfferLocalAsync(context.User, cameraId, offer.Sdp, offer.Quality, cancellationToken);
        if (outcome.SessionId is not { } sessionId || outcome.AnswerSdp is not { } answer)
        {
            return ViewerOfferProblems.From(outcome, context.Response);
        }

        return TypedResults.Ok(new NodeOfferAnswer(answer, sessionId, outcome.Quality));
    }
}

/// <summary>Body of the internal offer: the browser's SDP and quality, exactly as the entry node received them.</summary>
public sealed record NodeOfferRequest(string? Sdp, string? Quality);

/// <summary>The owner's answer: its own SDP (its candidates and DTLS fingerprint: media flows browser↔owner directly).</summary>
public sealed record NodeOfferAnswer(string AnswerSdp, string SessionId, StreamQuality Quality);
