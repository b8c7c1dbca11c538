using System.Security.Claims;

namespace CamStudio.Web.Services;

/// <summary>
/// The cluster's branch of <see cref="ViewerOfferService"/> (plan §5): a camera another node owns is answered by that
/// node. The service keeps every check and the user's cap slot; this seam only decides where the viewer lives and, for
/// a remote one, keeps the slot until the remote session ends. On a single node it is <see cref="NoRemoteOffers"/>:
/// everything is served here.
/// </summary>
public interface IRemoteOffers
{
    /// <summary>
    /// Null when this node should serve <paramref name="cameraId"/> (it owns it, or no camera has that id: the local
    /// path answers <c>camera_not_found</c>); otherwise the owner's outcome. On success the remote session holds
    /// <paramref name="lease"/>'s slot (the caller disposes the lease itself, as after a local hold).
    /// </summary>
    Task<ViewerOfferOutcome?> ForwardOfferAsync(
        ClaimsPrincipal user, int cameraId, string sdp, string? quality, IDisposable lease, CancellationToken cancellationToken);

    /// <summary>As <see cref="ForwardOfferAsync"/> for an LL-HLS viewer.</summary>
    Task<ViewerOfferOutcome?> ForwardHlsAsync(
        ClaimsPrincipal user, int cameraId, string? quality, IDisposable lease, CancellationToken cancellationToken);

    /// <summary>
    /// Ends the remote session <paramref name="sessionId"/> (of <paramref name="cameraId"/> when given): true when it was
    /// one (and of <paramref name="userKey"/> when given), false when it is remote but someone else's, null when it is
    /// not remote.
    /// </summary>
    bool? Close(string? userKey, int? cameraId, string sessionId);

    /// <summary>
    /// Answers an LL-HLS request (<paramref name="resource"/>: <c>index.m3u8</c>, <c>init.mp4</c>, a segment or part) of
    /// a remote HLS session the caller opened here, by relaying it to the owner; false when the session is not remote
    /// (the local handler answers).
    /// </summary>
    Task<bool> ProxyHlsAsync(HttpContext context, string sessionId, string resource);
}

/// <summary>A single node: every camera is served here, no session is remote.</summary>
public sealed class NoRemoteOffers : IRemoteOffers
{
    public static NoRemoteOffers Instance { get; } = new();

    public Task<ViewerOfferOutcome?> ForwardOfferAsync(
        ClaimsPrincipal user, int cameraId, string sdp, string? quality, IDisposable lease, CancellationToken cancellationToken) =>
        Task.FromResult<ViewerOfferOutcome?>(null);

    public Task<ViewerOfferOutcome?> ForwardHlsAsync(
        ClaimsPrincipal user, int cameraId, string? quality, IDisposable lease, CancellationToken cancellationToken) =>
        Task.FromResult<ViewerOfferOutcome?>(null);

    public bool? Close(string? userKey, int? cameraId, string sessionId) => null;

    public Task<bool> ProxyHlsAsync(HttpContext context, string sessionId, string resource) => Task.FromResult(false);
}
