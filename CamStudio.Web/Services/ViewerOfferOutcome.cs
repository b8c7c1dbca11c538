using System.Text.Json.Serialization;
using CamStudio.Core.Cameras;
using CamStudio.Media.WebRtc;

namespace CamStudio.Web.Services;

/// <summary>Why <see cref="ViewerOfferService"/> refused an offer. Each has one wire code, shared by every surface.</summary>
public enum ViewerOfferError
{
    /// <summary>The SDP is empty, not an offer, malformed, or offers nothing we can send (400).</summary>
    InvalidOffer,

    /// <summary>The quality is neither <c>stream1</c> nor <c>stream2</c> (400).</summary>
    InvalidQuality,

    /// <summary>The offer is larger than <see cref="ViewerOfferService.MaxSdpBytes"/> (413).</summary>
    SdpTooLarge,

    /// <summary>No camera has that id (404).</summary>
    CameraNotFound,

    /// <summary>The user is in no role that may watch (403).</summary>
    Forbidden,

    /// <summary>The user's offers-per-minute budget is spent (429, with a retry time).</summary>
    RateLimited,

    /// <summary>The user already has the maximum number of open viewer sessions (429).</summary>
    ViewerLimit,

    /// <summary>The camera refuses the stored username or password: nothing can play until an Admin fixes them (409).</summary>
    CameraAuthFailed,

    /// <summary>The server is shutting down (503).</summary>
    Unavailable,

    /// <summary>
    /// A valid offer without the codec the camera sends: an H.265 camera and a browser that cannot decode H.265 (422).
    /// The message says to watch the SD stream or switch the camera to H.264.
    /// </summary>
    CodecUnsupported,

    /// <summary>
    /// This node may not serve the camera now and no node that may could be reached: in a cluster its lease moved or is
    /// moving to another node (503, retryable). Never on a single node.
    /// </summary>
    OwnerUnavailable,
}

/// <summary>The wire code, HTTP status and retry advice of each <see cref="ViewerOfferError"/>.</summary>
public static class ViewerOfferErrors
{
    /// <summary>
    /// The stable machine-readable code: the <c>code</c> of the REST and WHEP problem documents and the <c>reason</c>
    /// the live tile's player receives, so a client sees the same word whichever way it asked.
    /// </summary>
    public static string Code(this ViewerOfferError error) => error switch
    {
        ViewerOfferError.InvalidOffer => "invalid_offer",
        ViewerOfferError.InvalidQuality => "invalid_quality",
        ViewerOfferError.SdpTooLarge => "sdp_too_large",
        ViewerOfferError.CameraNotFound => "camera_not_found",
        ViewerOfferError.Forbidden => "forbidden",
        ViewerOfferError.RateLimited => "rate_limited",
        ViewerOfferError.ViewerLimit => "viewer_limit",
        ViewerOfferError.CameraAuthFailed => "auth_failed",
        ViewerOfferError.Unavailable => "unavailable",
        ViewerOfferError.CodecUnsupported => "codec_unsupported",
        ViewerOfferError.OwnerUnavailable => "owner_unavailable",
        _ => throw new ArgumentOutOfRangeException(nameof(error), error, null),
    };

    public static int HttpStatus(this ViewerOfferError error) => error switch
    {
        ViewerOfferError.InvalidOffer or ViewerOfferError.InvalidQuality => StatusCodes.Status400BadRequest,
        ViewerOfferError.SdpTooLarge => StatusCodes.Status413PayloadTooLarge,
        ViewerOfferError.CameraNotFound => StatusCodes.Status404NotFound,
        ViewerOfferError.Forbidden => StatusCodes.Status403Forbidden,
        ViewerOfferError.RateLimited or ViewerOfferError.ViewerLimit => StatusCodes.Status429TooManyRequests,
        ViewerOfferError.CameraAuthFailed => StatusCodes.Status409Conflict,
        ViewerOfferError.Unavailable or ViewerOfferError.OwnerUnavailable => StatusCodes.Status503ServiceUnavailable,
        ViewerOfferError.CodecUnsupported => StatusCodes.Status422UnprocessableEntity,
        _ => throw new ArgumentOutOfRangeException(nameof(error), error, null),
    };

    /// <summary>
    /// Whether trying the same offer again later can succeed without anyone changing anything: a spent budget refills,
    /// another tab may close its session, a restarting server comes back, a camera that moves between nodes gets its
    /// new owner within seconds. A bad offer, a missing camera or wrong camera
    /// credentials need a person.
    /// </summary>
    public static bool IsRetryable(this ViewerOfferError error) =>
        error is ViewerOfferError.RateLimited or ViewerOfferError.ViewerLimit or ViewerOfferError.Unavailable
            or ViewerOfferError.OwnerUnavailable;

    public static string Title(this ViewerOfferError error) => error switch
    {
        ViewerOfferError.InvalidOffer => "The offer cannot be answered.",
        ViewerOfferError.InvalidQuality => "Unknown stream quality.",
        ViewerOfferError.SdpTooLarge => "The offer is too large.",
        ViewerOfferError.CameraNotFound => "Camera not found.",
        ViewerOfferError.Forbidden => "Not allowed to watch.",
        ViewerOfferError.RateLimited => "Too many requests.",
        ViewerOfferError.ViewerLimit => "Too many viewer sessions.",
        ViewerOfferError.CameraAuthFailed => "The camera rejects its credentials.",
        ViewerOfferError.Unavailable => "The server is shutting down.",
        ViewerOfferError.CodecUnsupported => "This browser cannot play the camera's video codec.",
        ViewerOfferError.OwnerUnavailable => "The camera is moving to another server.",
        _ => throw new ArgumentOutOfRangeException(nameof(error), error, null),
    };
}

/// <summary>A problem document another node answered, kept to be answered again unchanged.</summary>
public sealed record OwnerProblem(int Status, string Code, string Title, string Detail);

/// <summary>An RTCIceServer for the browser's RTCPeerConnection configuration (null members are left out of the JSON).</summary>
public sealed record IceServer(
    IReadOnlyList<string> Urls,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Username,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Credential);

/// <summary>
/// The result of one offer: a session with its answer, or an <see cref="Error"/> with a sentence for the person
/// (<see cref="Detail"/>, never containing a camera password).
/// </summary>
public sealed record ViewerOfferOutcome
{
    /// <summary>
    /// The viewer's session id, whatever served it: a WebRTC session (the id to DELETE, the WHEP resource) or an HLS
    /// viewer (<see cref="ViewerOfferService.OpenHlsAsync"/>: also the path segment before the resource names of
    /// <see cref="HlsPlaylistPath"/>). The surfaces use this, never <see cref="Session"/>: in a cluster the session may
    /// live on the camera's owner, and only its id travels back. Null when refused.
    /// </summary>
    public string? SessionId { get; init; }

    /// <summary>The node that serves the session (<c>Cluster:NodeName</c>); null when it is this node (always on one node).</summary>
    public string? OwnerNode { get; init; }

    /// <summary>A WebRTC session served by this node (for the service's own bookkeeping and tests); null otherwise.</summary>
    public ViewerSession? Session { get; init; }

    /// <summary>An HLS viewer: the site-relative path of its LL-HLS media playlist (<c>/hls/{session}/index.m3u8</c>).</summary>
    public string? HlsPlaylistPath { get; init; }

    /// <summary>
    /// An HLS viewer on another node (cluster): the multivariant playlist its owner wrote (codec and size come from the
    /// owner's stream). Null for a local viewer, whose playlist the HLS endpoint writes itself.
    /// </summary>
    public string? HlsMultivariant { get; init; }

    /// <summary>
    /// With <see cref="ViewerOfferError.Unavailable"/>: the owner's own HLS refusal that has no offer code (e.g.
    /// <c>not_streaming</c>, <c>hls_unsupported</c>), for the HLS endpoint to pass on as the owner wrote it.
    /// </summary>
    public OwnerProblem? OwnerProblem { get; init; }

    public string? AnswerSdp { get; init; }

    /// <summary>The quality the session watches (the camera's own setting when the offer named none).</summary>
    public StreamQuality Quality { get; init; }

    /// <summary>The ICE servers the browser should use; WHEP clients get them as Link headers.</summary>
    public IReadOnlyList<IceServer> IceServers { get; init; } = [];

    public ViewerOfferError? Error { get; init; }

    public string? Detail { get; init; }

    /// <summary>With <see cref="ViewerOfferError.RateLimited"/>: whole seconds until the budget has room again.</summary>
    public int RetryAfterSeconds { get; init; }

    public static ViewerOfferOutcome Failed(ViewerOfferError error, string detail, int retryAfterSeconds = 0) =>
        new() { Error = error, Detail = detail, RetryAfterSeconds = retryAfterSeconds };
}
