using System.Globalization;
using CamStudio.Core.Cameras;
using CamStudio.Core.Cluster;
using CamStudio.Media.Snapshots;
using CamStudio.Media.Streaming;
using CamStudio.Web.Api;
using CamStudio.Web.Cluster.Forwarding;
using CamStudio.Web.Services;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

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

    public static string OfferPath(int cameraId) => CameraPath(cameraId, "offer");

    public static string SnapshotPath(int cameraId) => CameraPath(cameraId, "snapshot.jpg");

    public static string PosterPath(int cameraId) => CameraPath(cameraId, "poster.jpg");

    public static string ChangedPath(int cameraId) => CameraPath(cameraId, "changed");

    public static string DeletedPath(int cameraId) => CameraPath(cameraId, "deleted");

    private static string CameraPath(int cameraId, string resource) =>
        string.Create(CultureInfo.InvariantCulture, $"{Prefix}/cameras/{cameraId}/{resource}");

    public static string HlsOpenPath(int cameraId) => string.Create(CultureInfo.InvariantCulture, $"{Prefix}/cameras/{cameraId}/hls");

    public static string HlsResourcePath(string sessionId, string resource) =>
        $"{Prefix}/hls/{Uri.EscapeDataString(sessionId)}/{Uri.EscapeDataString(resource)}";

    public static string SessionPath(string sessionId) => $"{Prefix}/sessions/{Uri.EscapeDataString(sessionId)}";

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
        group.MapGet("/cameras/{camera_id:int}/snapshot.jpg", GetSnapshotAsync);
        group.MapGet("/cameras/{camera_id:int}/poster.jpg", GetPoster);
        group.MapPost("/cameras/{camera_id:int}/changed", PostChangedAsync);
        group.MapPost("/cameras/{camera_id:int}/deleted", PostDeletedAsync);
        group.MapDelete("/sessions/{session_id}", DeleteSession);
        group.MapPost("/cameras/{camera_id:int}/hls", PostHlsAsync);
        group.MapGet("/hls/{session_id}/{resource}", GetHlsAsync);
        return app;
    }

    /// <summary>The owner's snapshot for the forwarded user (role checked here, like the public endpoint; the entry node
    /// charged the user's snapshot budget).</summary>
    private static async Task<IResult> GetSnapshotAsync(
        [FromRoute(Name = "camera_id")] int cameraId,
        [FromQuery(Name = "quality")] string? quality,
        HttpContext context,
        ICameraOwnership ownership,
        SnapshotService snapshots,
        TimeProvider time,
        CancellationToken cancellationToken) =>
        ownership.IsLocal(cameraId)
            ? await CameraSnapshotApi.GetLocalSnapshotAsync(cameraId, quality, context, snapshots, time, cancellationToken)
            : NotOwner(cameraId);

    /// <summary>The poster on the owner's disk (the owner keeps it: it has the stream and the grabs).</summary>
    private static IResult GetPoster([FromRoute(Name = "camera_id")] int cameraId, HttpContext context, ICameraOwnership ownership, PosterStore posters) =>
        ownership.IsLocal(cameraId) ? CameraSnapshotApi.GetLocalPoster(cameraId, context, posters) : NotOwner(cameraId);

    /// <summary>
    /// Another node saved the camera: restart its FFmpeg with the stored settings before answering, so the edit returns
    /// once the stream runs with them (as on one node). Run even when this node no longer owns the camera: it then has no
    /// stream of it, and whoever claims it reads the new settings at its start.
    /// </summary>
    private static async Task<NoContent> PostChangedAsync([FromRoute(Name = "camera_id")] int cameraId, CameraCommands commands, CancellationToken cancellationToken)
    {
        await commands.ApplyChangedAsync(cameraId, cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>Another node deleted the camera: stop its streams and viewers and remove the poster kept here.</summary>
    private static async Task<NoContent> PostDeletedAsync([FromRoute(Name = "camera_id")] int cameraId, CameraCommands commands, CancellationToken cancellationToken)
    {
        await commands.ApplyDeletedAsync(cameraId, cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<NodeOfferAnswer>, ProblemHttpResult>> PostOffer(
        [FromRoute(Name = "camera_id")] int cameraId,
        NodeOfferRequest offer,
        ViewerOfferService offers,
        ICameraOwnership ownership,
        ForwardedSessions forwarded,
        HttpContext context,
        CancellationToken cancellationToken)
    {
        if (!ownership.IsLocal(cameraId))
        {
            // The sender's view of the leases is stale (a move in progress): it must not get a session from a node that
            // may not stream the camera. It waits for the move, then answers the browser owner_unavailable (retryable).
            return NotOwner(cameraId);
        }

        ViewerOfferOutcome outcome = await offers.OfferLocalAsync(context.User, cameraId, offer.Sdp, offer.Quality, cancellationToken);
        if (outcome.SessionId is not { } sessionId || outcome.AnswerSdp is not { } answer || outcome.Session is not { } session)
        {
            return ViewerOfferProblems.From(outcome, context.Response);
        }

        // Remembered for the entry node: it may end this session (DELETE below) and is told when it ends here.
        forwarded.Add(session, cameraId, ViewerOfferService.UserKey(context.User), EntryNode(context.User));
        return TypedResults.Ok(new NodeOfferAnswer(answer, sessionId, outcome.Quality));
    }

    /// <summary>
    /// The owner's half of a forwarded HLS open: the same local open and multivariant playlist as
    /// <c>GET /api/cameras/{id}/hls/index.m3u8</c>, answered as JSON for the entry node to serve; refusals as that
    /// endpoint's problems.
    /// </summary>
    private static async Task<IResult> PostHlsAsync(
        [FromRoute(Name = "camera_id")] int cameraId,
        NodeHlsRequest open,
        ViewerOfferService offers,
        ICameraOwnership ownership,
        ForwardedSessions forwarded,
        CameraStreamHost streams,
        IOptions<CameraStreamOptions> options,
        HttpContext context,
        CancellationToken cancellationToken)
    {
        if (!ownership.IsLocal(cameraId))
        {
            return NotOwner(cameraId);
        }

        ViewerOfferOutcome outcome = await offers.OpenHlsLocalAsync(context.User, cameraId, open.Quality, cancellationToken);
        if (outcome.SessionId is not { } sessionId || outcome.HlsPlaylistPath is not { } path)
        {
            return ViewerOfferProblems.From(outcome, context.Response);
        }

        (string? playlist, IResult? problem) = await CameraHlsApi.MultivariantAsync(
            offers, streams, options.Value.Hls, context.User, cameraId, sessionId, path, context.Response, cancellationToken);
        if (playlist is null
            || streams.FindHlsViewer(sessionId, ViewerOfferService.UserKey(context.User)) is not { } viewer)
        {
            return problem ?? TypedResults.NotFound();
        }

        forwarded.Add(viewer, cameraId, ViewerOfferService.UserKey(context.User), EntryNode(context.User));
        return TypedResults.Ok(new NodeHlsAnswer(sessionId, playlist, outcome.Quality));
    }

    /// <summary>
    /// An LL-HLS request of a forwarded session, relayed by the entry node: the public handlers answer it (blocking
    /// reloads included), for the forwarded user whose session it is.
    /// </summary>
    private static Task<IResult> GetHlsAsync(
        [FromRoute(Name = "session_id")] string sessionId,
        [FromRoute(Name = "resource")] string resource,
        HttpContext context,
        CameraStreamHost streams,
        IOptions<CameraStreamOptions> options,
        CancellationToken cancellationToken) =>
        string.Equals(resource, HlsPaths.PlaylistName, StringComparison.Ordinal)
            ? CameraHlsApi.GetMediaPlaylistAsync(sessionId, context, streams, NoRemoteOffers.Instance, options, cancellationToken)
            : CameraHlsApi.GetResourceAsync(sessionId, resource, context, streams, NoRemoteOffers.Instance, options, cancellationToken);

    /// <summary>
    /// The sender's view of the leases is stale (a move in progress): it must not get a session or a picture from a node
    /// that may not stream the camera. It answers the browser owner_unavailable (retryable).
    /// </summary>
    private static ProblemHttpResult NotOwner(int cameraId) => TypedResults.Problem(
        statusCode: StatusCodes.Status409Conflict,
        title: "Not the camera's owner.",
        detail: string.Create(CultureInfo.InvariantCulture, $"This node does not serve camera {cameraId} now."),
        extensions: new Dictionary<string, object?> { ["code"] = NotOwnerCode, ["retryable"] = true });

    /// <summary>
    /// Ends a forwarded session, only for the node and user that opened it: anything else is answered 404 like a session
    /// that does not exist (the same rule as the public DELETE).
    /// </summary>
    private static Results<Ok, ProblemHttpResult> DeleteSession(
        [FromRoute(Name = "session_id")] string sessionId, ForwardedSessions forwarded, ViewerOfferService offers, HttpContext context) =>
        forwarded.Find(sessionId, ViewerOfferService.UserKey(context.User), EntryNode(context.User)) is { } session
        && offers.Close(session.CameraId, sessionId)
            ? TypedResults.Ok()
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such session.",
                detail: "No forwarded session of this user and node has that id (it may have ended already).",
                extensions: new Dictionary<string, object?> { ["code"] = "session_not_found" });

    /// <summary>The node the forwarded request came through (the token's sender).</summary>
    private static string EntryNode(System.Security.Claims.ClaimsPrincipal user) =>
        user.FindFirst(NodeTokenService.ViaNodeClaim)?.Value ?? string.Empty;
}

/// <summary>Body of the internal offer: the browser's SDP and quality, exactly as the entry node received them.</summary>
public sealed record NodeOfferRequest(string? Sdp, string? Quality);

/// <summary>Body of the internal HLS open: the quality the browser asked for.</summary>
public sealed record NodeHlsRequest(string? Quality);

/// <summary>The owner's HLS viewer: its session id and the multivariant playlist naming <c>/api/hls/{session}/index.m3u8</c>.</summary>
public sealed record NodeHlsAnswer(string SessionId, string Playlist, StreamQuality Quality);

/// <summary>The owner's answer: its own SDP (its candidates and DTLS fingerprint: media flows browser↔owner directly).</summary>
public sealed record NodeOfferAnswer(string AnswerSdp, string SessionId, StreamQuality Quality);
