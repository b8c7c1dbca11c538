namespace CamStudio.Web.Services;

/// <summary>Where a request about one camera is served (cluster mode; a single node serves everything itself).</summary>
public enum CameraRouteKind
{
    /// <summary>This node serves the camera (or it does not exist: the local path answers that).</summary>
    Local,

    /// <summary>Another node holds the camera's lease and its URL is known.</summary>
    Remote,

    /// <summary>No node holds a valid lease now (a move in progress), or the owner's URL is unknown: retry shortly.</summary>
    Moving,
}

/// <summary>The route of one camera: its kind, and for <see cref="CameraRouteKind.Remote"/> the owner's name and URL.</summary>
public sealed record CameraRoute(CameraRouteKind Kind, string? OwnerNode = null, Uri? OwnerUrl = null)
{
    public static readonly CameraRoute Local = new(CameraRouteKind.Local);

    public static readonly CameraRoute Moving = new(CameraRouteKind.Moving);
}

/// <summary>
/// The edges of a cluster that are not offers (plan §5): snapshots and posters of a camera another node serves are
/// fetched from that owner, and camera edits and deletes reach it, so it restarts or stops its FFmpeg. Registered only in
/// cluster mode (<c>AddClusterNodeAuth</c>); the single-node app has none, and every caller treats null as "all local".
/// </summary>
public interface IRemoteCameraOwners
{
    /// <summary>Where requests for <paramref name="cameraId"/> go now (from the lease view in memory; no I/O).</summary>
    CameraRoute Route(int cameraId);

    /// <summary>
    /// Streams the owner's answer to <c>GET {internalPath}</c> back as this request's response (status, JPEG and its
    /// caching headers, or the owner's problem); <c>owner_unavailable</c> (503) when the owner cannot answer.
    /// </summary>
    Task<IResult> ForwardGetAsync(CameraRoute owner, HttpContext context, int cameraId, string internalPath, CancellationToken cancellationToken);

    /// <summary>
    /// Tells the owner the camera was edited or deleted; returns once the owner applied it (or the call failed: logged,
    /// and the owner's version poll applies an edit within a few seconds).
    /// </summary>
    Task NotifyAsync(CameraRoute owner, int cameraId, bool deleted, CancellationToken cancellationToken);
}
