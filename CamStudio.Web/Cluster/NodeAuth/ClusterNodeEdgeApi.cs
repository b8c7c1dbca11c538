using System.Globalization;
using CamStudio.Core.Cluster;
using CamStudio.Media.Snapshots;
using CamStudio.Web.Api;
using CamStudio.Web.Services;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace CamStudio.Web.Cluster.NodeAuth;

/// <summary>
/// The owner's internal endpoints for the edges that are not viewer sessions (plan §5): its snapshot and poster of a
/// camera, fetched by the node a client asked, and the "camera changed/deleted" calls of the node where it was edited.
/// Part of <see cref="ClusterNodeApi"/>'s group (scheme <c>ClusterNode</c> only, not in the OpenAPI document).
/// </summary>
public static class ClusterNodeEdgeApi
{
    public static string SnapshotPath(int cameraId) => CameraPath(cameraId, "snapshot.jpg");

    public static string PosterPath(int cameraId) => CameraPath(cameraId, "poster.jpg");

    public static string ChangedPath(int cameraId) => CameraPath(cameraId, "changed");

    public static string DeletedPath(int cameraId) => CameraPath(cameraId, "deleted");

    internal static RouteGroupBuilder MapClusterNodeEdges(this RouteGroupBuilder group)
    {
        group.MapGet("/cameras/{camera_id:int}/snapshot.jpg", GetSnapshotAsync);
        group.MapGet("/cameras/{camera_id:int}/poster.jpg", GetPoster);
        group.MapPost("/cameras/{camera_id:int}/changed", PostChangedAsync);
        group.MapPost("/cameras/{camera_id:int}/deleted", PostDeletedAsync);
        return group;
    }

    private static string CameraPath(int cameraId, string resource) =>
        string.Create(CultureInfo.InvariantCulture, $"{ClusterNodeApi.Prefix}/cameras/{cameraId}/{resource}");

    /// <summary>
    /// The owner's snapshot for the forwarded user: the public endpoint's own handler (role checked here from the token;
    /// the entry node charged the user's snapshot budget). A camera it does not serve now: 409 <c>not_owner</c>.
    /// </summary>
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
            : ClusterNodeApi.NotOwner(cameraId);

    /// <summary>The poster on the owner's disk (the owner keeps it: it has the stream and the grabs).</summary>
    private static IResult GetPoster([FromRoute(Name = "camera_id")] int cameraId, HttpContext context, ICameraOwnership ownership, PosterStore posters) =>
        ownership.IsLocal(cameraId) ? CameraSnapshotApi.GetLocalPoster(cameraId, context, posters) : ClusterNodeApi.NotOwner(cameraId);

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
}
