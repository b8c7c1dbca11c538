using System.Globalization;
using CamStudio.Core.Cameras;
using CamStudio.Media.Snapshots;
using CamStudio.Web.Cluster.NodeAuth;
using CamStudio.Media.Streaming;
using CamStudio.Web.Security;
using CamStudio.Web.Services;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;

namespace CamStudio.Web.Api;

/// <summary>
/// One JPEG of a camera: <c>snapshot.jpg</c> takes it now (the running stream's last key frame, else a short grab; shared
/// for a few seconds, rate-limited per user), <c>poster.jpg</c> serves the last one kept on disk and never grabs.
/// Both take the cookie or a bearer token like the rest of the API, so Home Assistant's generic camera can poll them.
/// In a cluster both are served by the camera's owner (it has the stream, the grab and the poster file): another node
/// fetches them from the owner's internal endpoints and streams the answer back (<see cref="IRemoteCameraOwners"/>).
/// </summary>
public static class CameraSnapshotApi
{
    public const string JpegContentType = "image/jpeg";

    /// <summary>The header that says how old a snapshot is, in whole seconds (next to the standard <c>Age</c>).</summary>
    public const string SnapshotAgeHeader = "X-Snapshot-Age";

    public static IEndpointRouteBuilder MapCameraSnapshotApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        RouteGroupBuilder cameras = app.MapGroup("/api/cameras").WithTags("Snapshots");
        cameras.MapGet("/{camera_id:int}/snapshot.jpg", GetSnapshotAsync)
            .RequireRateLimiting(SecurityRateLimits.Snapshot)
            .WithName("GetCameraSnapshot")
            .WithSummary("A JPEG of the camera now: the running stream's last key frame, else a short grab; cached a few seconds (Age, X-Snapshot-Age).")
            .Produces(StatusCodes.Status200OK, contentType: JpegContentType)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        cameras.MapGet("/{camera_id:int}/poster.jpg", GetPosterAsync)
            .WithName("GetCameraPoster")
            .WithSummary("The camera's last kept snapshot, from disk at once (never grabs); ETag and Last-Modified; 404 when there is none.")
            .Produces(StatusCodes.Status200OK, contentType: JpegContentType)
            .Produces(StatusCodes.Status304NotModified)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    private static async Task<IResult> GetSnapshotAsync(
        [FromRoute(Name = "camera_id")] int cameraId,
        [FromQuery(Name = "quality")] string? quality,
        HttpContext context,
        SnapshotService snapshots,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (await RouteElsewhereAsync(context, cameraId, ClusterNodeApi.SnapshotPath(cameraId), cancellationToken) is { } forwarded)
        {
            return forwarded;
        }

        return await GetLocalSnapshotAsync(cameraId, quality, context, snapshots, time, cancellationToken);
    }

    /// <summary>The snapshot as this node takes it (also the owner's internal endpoint).</summary>
    internal static async Task<IResult> GetLocalSnapshotAsync(
        int cameraId, string? quality, HttpContext context, SnapshotService snapshots, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!ViewerOfferService.MayWatch(context.User))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not allowed.",
                detail: "This account has no role that may watch cameras.",
                extensions: new Dictionary<string, object?> { ["code"] = "forbidden" });
        }

        if (!StreamVariantNames.TryParse(quality, out StreamVariant? selected))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid quality.",
                detail: ViewerOfferService.QualityHint, extensions: new Dictionary<string, object?> { ["code"] = "invalid_quality" });
        }

        SnapshotResult result = await snapshots.GetAsync(cameraId, selected, cancellationToken);
        switch (result)
        {
            case { Snapshot: { } snapshot }:
                long age = Math.Max(0, (long)(time.GetUtcNow() - snapshot.TakenAt).TotalSeconds);
                string seconds = age.ToString(CultureInfo.InvariantCulture);
                context.Response.Headers.Age = seconds;
                context.Response.Headers[SnapshotAgeHeader] = seconds;
                // Shared a few seconds on the server already; a client or proxy must come back for a newer picture.
                context.Response.Headers.CacheControl = "private, no-cache";
                context.Response.Headers.LastModified = snapshot.TakenAt.ToString("R", CultureInfo.InvariantCulture);
                return TypedResults.Bytes(snapshot.Jpeg, JpegContentType);
            case { Failure: SnapshotFailure.CameraNotFound }:
                return CameraProblems.NotFound(cameraId);
            default:
                context.Response.Headers.RetryAfter = "10";
                return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "No picture from the camera.",
                    detail: result.Reason ?? "The camera gave no picture.",
                    extensions: new Dictionary<string, object?> { ["code"] = "camera_unavailable" });
        }
    }

    private static async Task<IResult> GetPosterAsync(
        [FromRoute(Name = "camera_id")] int cameraId, HttpContext context, PosterStore posters, CancellationToken cancellationToken)
    {
        if (await RouteElsewhereAsync(context, cameraId, ClusterNodeApi.PosterPath(cameraId), cancellationToken) is { } forwarded)
        {
            return forwarded;
        }

        return GetLocalPoster(cameraId, context, posters);
    }

    /// <summary>
    /// In a cluster, the answer for a camera this node does not serve: the owner's (forwarded), or <c>owner_unavailable</c>
    /// while it moves; null when this node answers itself (a single node, an owned camera, or an unknown one: 404 here).
    /// </summary>
    private static async Task<IResult?> RouteElsewhereAsync(HttpContext context, int cameraId, string internalPath, CancellationToken cancellationToken)
    {
        if (context.RequestServices.GetService<IRemoteCameraOwners>() is not { } owners)
        {
            return null;
        }

        CameraRoute route = owners.Route(cameraId);
        if (route.Kind == CameraRouteKind.Local
            || (route.Kind == CameraRouteKind.Moving
                && await context.RequestServices.GetRequiredService<ICameraStore>().GetAsync(cameraId, cancellationToken) is null))
        {
            return null;
        }

        return await owners.ForwardGetAsync(route, context, cameraId, internalPath, cancellationToken);
    }

    /// <summary>The poster kept on this node's disk (also the owner's internal endpoint).</summary>
    internal static IResult GetLocalPoster(int cameraId, HttpContext context, PosterStore posters)
    {
        if (posters.Find(cameraId) is not { } poster)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No poster.",
                detail: string.Create(CultureInfo.InvariantCulture,
                    $"Camera {cameraId} has no snapshot yet (or does not exist); GET its snapshot.jpg to take one."),
                extensions: new Dictionary<string, object?> { ["code"] = "poster_not_found" });
        }

        context.Response.Headers.CacheControl = "private, no-cache"; // revalidated (304) each time: it changes every minute
        // PhysicalFile answers If-None-Match / If-Modified-Since with 304 and serves the file without loading it whole.
        return TypedResults.PhysicalFile(poster.Path, JpegContentType, lastModified: poster.TakenAt,
            entityTag: new EntityTagHeaderValue(poster.ETag));
    }
}
