using System.Globalization;
using System.Security.Claims;
using System.Text;
using CamStudio.Media.Hls;
using CamStudio.Media.Streaming;
using CamStudio.Web.Services;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace CamStudio.Web.Api;

/// <summary>
/// LL-HLS for the viewers WebRTC cannot reach: a multivariant playlist per camera that opens a viewer session through
/// <see cref="ViewerOfferService"/> (the same checks as an offer), and the session's media playlist with blocking
/// reload, init segment, segments and parts — all from memory. Each failure is a problem+json with a <c>code</c>.
/// </summary>
public static class CameraHlsApi
{
    public const string PlaylistContentType = "application/vnd.apple.mpegurl";
    public const string MediaContentType = "video/mp4";

    public static IEndpointRouteBuilder MapCameraHlsApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/api/cameras/{camera_id:int}/hls/" + HlsPaths.PlaylistName, GetMultivariantAsync)
            .WithTags("Streams")
            .WithName("GetHlsMultivariantPlaylist")
            .WithSummary("Opens an LL-HLS viewer: a multivariant playlist naming the new session's media playlist.")
            .Produces<string>(StatusCodes.Status200OK, PlaylistContentType)
            .WithViewerOfferProblems();

        RouteGroupBuilder session = app.MapGroup(HlsPaths.Prefix + "/{session_id}").WithTags("Streams");
        session.MapGet("/" + HlsPaths.PlaylistName, GetMediaPlaylistAsync)
            .WithName("GetHlsMediaPlaylist")
            .WithSummary("The session's LL-HLS media playlist; _HLS_msn/_HLS_part block until that segment or part exists.")
            .Produces<string>(StatusCodes.Status200OK, PlaylistContentType)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        session.MapGet("/{resource}", GetResourceAsync)
            .WithName("GetHlsResource")
            .WithSummary("init.mp4, seg{msn}.m4s or part{msn}.{index}.m4s of the session; the preload-hinted part is held until complete.")
            .Produces(StatusCodes.Status200OK, contentType: MediaContentType)
            .ProducesProblem(StatusCodes.Status404NotFound);
        session.MapDelete("/", DeleteSession)
            .WithName("DeleteHlsSession")
            .WithSummary("Ends the HLS viewer now instead of when it stops fetching.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<IResult> GetMultivariantAsync(
        [FromRoute(Name = "camera_id")] int cameraId,
        [FromQuery(Name = "quality")] string? quality,
        HttpContext context,
        ViewerOfferService offers,
        CameraStreamHost streams,
        IOptions<CameraStreamOptions> options,
        CancellationToken cancellationToken)
    {
        ViewerOfferOutcome outcome = await offers.OpenHlsAsync(context.User, cameraId, quality, cancellationToken);
        if (outcome.OwnerProblem is { } owner)
        {
            // In a cluster the camera's owner judged its stream (not sending yet, not packageable): its words, unchanged.
            return owner.Status == StatusCodes.Status503ServiceUnavailable
                ? Unavailable(context.Response, owner.Code, owner.Detail)
                : Problem(owner.Status, owner.Code, owner.Title, owner.Detail);
        }

        if (outcome.SessionId is not { } sessionId || outcome.HlsPlaylistPath is not { } path)
        {
            return ViewerOfferProblems.From(outcome, context.Response);
        }

        string? text = outcome.HlsMultivariant; // a session on another node comes with the playlist its owner wrote
        if (text is null)
        {
            (text, IResult? problem) = await MultivariantAsync(offers, streams, options.Value.Hls, context.User, cameraId, sessionId, path,
                context.Response, cancellationToken);
            if (problem is not null)
            {
                return problem;
            }
        }

        context.Response.Headers.CacheControl = "no-store"; // every fetch is a new viewer
        return Results.Text(text, PlaylistContentType, Encoding.UTF8);
    }

    /// <summary>
    /// The multivariant playlist of a viewer just opened on this node: CODECS and RESOLUTION come from the camera's SPS, so
    /// it waits (bounded) for the stream's first key frame; a camera that sends nothing in that time gets its session
    /// closed and a problem the client may retry. Also the owner's half of a forwarded HLS open (cluster).
    /// </summary>
    internal static async Task<(string? Playlist, IResult? Problem)> MultivariantAsync(
        ViewerOfferService offers, CameraStreamHost streams, HlsOptions options, ClaimsPrincipal user, int cameraId, string sessionId,
        string path, HttpResponse response, CancellationToken cancellationToken)
    {
        HlsViewer? viewer = streams.FindHlsViewer(sessionId, ViewerOfferService.UserKey(user));
        HlsPartStore? store = viewer is null ? null
            : await viewer.Stream.WaitForHlsStoreAsync(options.ViewerTimeout, cancellationToken);
        if (viewer is null || store is null)
        {
            string? problem = viewer?.Stream.Hls?.Problem;
            offers.Close(cameraId, sessionId);
            return (null, problem is not null ? Unsupported(problem) : NotStarted(response));
        }

        StreamStatus status = viewer.Stream.GetStatus();
        var text = new StringBuilder("#EXTM3U\n");
        text.Append(CultureInfo.InvariantCulture, $"#EXT-X-STREAM-INF:BANDWIDTH={Bandwidth(status)}");
        // The packager's value comes from the parameter sets its init segment was built from, so it names the codec the
        // parts really carry (avc1 or hvc1), which a player checks before fetching anything.
        if (viewer.Stream.Hls?.CodecsAttribute is { } codecs)
        {
            text.Append(CultureInfo.InvariantCulture, $",CODECS=\"{codecs}\"");
        }

        if (status.Width > 0 && status.Height > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $",RESOLUTION={status.Width}x{status.Height}");
        }

        text.Append('\n').Append(path).Append('\n');
        return (text.ToString(), null);
    }

    internal static async Task<IResult> GetMediaPlaylistAsync(
        [FromRoute(Name = "session_id")] string sessionId,
        HttpContext context,
        CameraStreamHost streams,
        IRemoteOffers remote,
        IOptions<CameraStreamOptions> options,
        CancellationToken cancellationToken)
    {
        if (await remote.ProxyHlsAsync(context, sessionId, HlsPaths.PlaylistName))
        {
            return Results.Empty; // relayed from the session's owner (cluster)
        }

        using IDisposable? request = BeginRequest(streams, sessionId, context, out HlsViewer? viewer);
        if (request is null || viewer is null)
        {
            return SessionExpired();
        }

        IQueryCollection query = context.Request.Query;
        if (query["_HLS_msn"].Count > 1 || query["_HLS_part"].Count > 1)
        {
            return BadRequest("invalid_query", "_HLS_msn and _HLS_part may each appear once.");
        }

        if (!HlsQuery.TryParse(query["_HLS_msn"], query["_HLS_part"], out HlsBlockingRequest? blocking, out string? reason))
        {
            return BadRequest("invalid_query", reason ?? "Malformed _HLS_ directive.");
        }

        (HlsPartStore? store, IResult? refused) = await CurrentStoreAsync(viewer, options.Value.Hls, context.Response, cancellationToken);
        if (store is null)
        {
            return refused!;
        }

        // Without a directive, wait for the first complete segment: a client starts from segments (FFmpeg refuses a
        // playlist of parts alone), and the first one closes at the camera's next key frame after the cached GOP.
        HlsWaitResult result = await store.WaitForAsync(blocking?.Msn ?? 0, blocking?.Part, cancellationToken);
        switch (result)
        {
            case HlsWaitResult.Ready:
            case HlsWaitResult.Gone: // §6.2.5.2: the whole current playlist even though that segment left the window
                context.Response.Headers.CacheControl = "no-cache";
                return Results.Text(LlHlsPlaylistWriter.Write(store.Snapshot(), includeProgramDateTime: true), PlaylistContentType, Encoding.UTF8);
            case HlsWaitResult.TooFarAhead:
                return BadRequest("too_far_ahead", "_HLS_msn/_HLS_part is further ahead of the live edge than a client may ask (RFC 8216bis §6.2.5.2).");
            case HlsWaitResult.TimedOut:
                return Unavailable(context.Response, "timed_out", "The requested segment or part did not appear in time; the camera may have stopped sending.");
            default:
                return Restarted(viewer);
        }
    }

    internal static async Task<IResult> GetResourceAsync(
        [FromRoute(Name = "session_id")] string sessionId,
        [FromRoute(Name = "resource")] string resource,
        HttpContext context,
        CameraStreamHost streams,
        IRemoteOffers remote,
        IOptions<CameraStreamOptions> options,
        CancellationToken cancellationToken)
    {
        if (await remote.ProxyHlsAsync(context, sessionId, resource))
        {
            return Results.Empty;
        }

        using IDisposable? request = BeginRequest(streams, sessionId, context, out HlsViewer? viewer);
        if (request is null || viewer is null)
        {
            return SessionExpired();
        }

        (HlsPartStore? store, IResult? refused) = await CurrentStoreAsync(viewer, options.Value.Hls, context.Response, cancellationToken);
        if (store is null)
        {
            return refused!;
        }

        if (string.Equals(resource, HlsResourceNames.InitName, StringComparison.Ordinal))
        {
            return store.TryGetInitSegment(out ReadOnlyMemory<byte> init) ? Media(init) : NotInWindow(resource);
        }

        if (HlsResourceNames.TryParseSegmentName(resource, out long msn))
        {
            return store.TryGetSegment(msn, out HlsSegment segment) ? new PartsResult(segment.Parts, segment.ByteCount) : NotInWindow(resource);
        }

        if (!HlsResourceNames.TryParsePartName(resource, out msn, out int index))
        {
            return NotFound("not_found", "Not an HLS resource of this session: expected init.mp4, seg{msn}.m4s or part{msn}.{index}.m4s.");
        }

        if (!store.TryGetPart(msn, index, out HlsPart? part))
        {
            // The preload hint (§6.2.6) names the next part before it exists: hold the request until it is complete.
            // A part past the Advance Part Limit or older than the window is answered at once.
            HlsWaitResult waited = await store.WaitForAsync(msn, index, cancellationToken);
            if (waited != HlsWaitResult.Ready || !store.TryGetPart(msn, index, out part))
            {
                // Ready without the part: that index was never made, the segment closed at a key frame first.
                return NotInWindow(resource);
            }
        }

        return Media(part.Data);
    }

    private static IResult DeleteSession(
        [FromRoute(Name = "session_id")] string sessionId, HttpContext context, CameraStreamHost streams, IRemoteOffers remote) =>
        (remote.Close(ViewerOfferService.UserKey(context.User), cameraId: null, sessionId)
         ?? (Find(streams, sessionId, context) is { } viewer && viewer.Stream.CloseHlsViewer(viewer.Id)))
            ? Results.Ok()
            : SessionExpired();

    private static HlsViewer? Find(CameraStreamHost streams, string sessionId, HttpContext context) =>
        streams.FindHlsViewer(sessionId, ViewerOfferService.UserKey(context.User));

    /// <summary>The caller's open viewer, counted as fetching until the result is disposed; null when there is none.</summary>
    private static IDisposable? BeginRequest(CameraStreamHost streams, string sessionId, HttpContext context, out HlsViewer? viewer)
    {
        viewer = Find(streams, sessionId, context);
        return viewer?.Stream.BeginHlsRequest(viewer);
    }

    /// <summary>
    /// The part store the viewer reads, once the stream has one (bounded wait while the camera starts), as long as it is
    /// the generation the viewer's playlist began with.
    /// </summary>
    private static async Task<(HlsPartStore?, IResult?)> CurrentStoreAsync(
        HlsViewer viewer, HlsOptions options, HttpResponse response, CancellationToken cancellationToken)
    {
        HlsPartStore? store = await viewer.Stream.WaitForHlsStoreAsync(options.ViewerTimeout, cancellationToken);
        HlsPackager? packager = viewer.Stream.Hls;
        if (packager?.Problem is { } problem)
        {
            return (null, Unsupported(problem));
        }

        if (store is null || packager is null)
        {
            return (null, NotStarted(response));
        }

        if (!viewer.BindGeneration(packager.Generation) || !ReferenceEquals(packager.Store, store))
        {
            viewer.Stream.CloseHlsViewer(viewer.Id);
            return (null, RestartedProblem());
        }

        return (store, null);
    }

    private static long Bandwidth(StreamStatus status) =>
        // §4.4.6.2: the peak bit rate. A live camera's segments vary; measured average plus a margin, or a 4 Mb/s guess.
        status.BitrateKbps > 0 ? (long)(status.BitrateKbps * 1000 * 1.5) : 4_000_000;

    private static IResult Media(ReadOnlyMemory<byte> data) => new PartsResult([new HlsPart(data, 1, false)], data.Length);

    private static IResult Restarted(HlsViewer viewer)
    {
        viewer.Stream.CloseHlsViewer(viewer.Id);
        return RestartedProblem();
    }

    private static IResult RestartedProblem() => NotFound("stream_restarted",
        "The camera's stream restarted with a new format; open the camera's HLS playlist again.");

    private static IResult SessionExpired() => NotFound("session_expired",
        "No such HLS session: it ended after its client stopped fetching, or it belongs to someone else. Open the camera's HLS playlist again.");

    private static IResult NotInWindow(string resource) => NotFound("not_found",
        $"{resource} is not in the playlist window: too old, not made yet, or never made.");

    private static IResult NotStarted(HttpResponse response) => Unavailable(response, "not_streaming",
        "The camera has not sent a picture yet (it may be starting, offline, or refusing its credentials); try again shortly.");

    private static IResult Unsupported(string problem) =>
        Problem(StatusCodes.Status409Conflict, "hls_unsupported", "This stream cannot be served over HLS.", problem);

    private static IResult BadRequest(string code, string detail) =>
        Problem(StatusCodes.Status400BadRequest, code, "Bad HLS request.", detail);

    private static IResult NotFound(string code, string detail) =>
        Problem(StatusCodes.Status404NotFound, code, "Not found.", detail);

    private static IResult Unavailable(HttpResponse response, string code, string detail)
    {
        response.Headers.RetryAfter = "1";
        return Problem(StatusCodes.Status503ServiceUnavailable, code, "Not available yet.", detail);
    }

    private static IResult Problem(int status, string code, string title, string detail) =>
        TypedResults.Problem(statusCode: status, title: title, detail: detail,
            extensions: new Dictionary<string, object?> { ["code"] = code, ["retryable"] = status == StatusCodes.Status503ServiceUnavailable });

    /// <summary>Writes shared part arrays one after another without copying them into one buffer.</summary>
    private sealed class PartsResult(IReadOnlyList<HlsPart> parts, long length) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            HttpResponse response = httpContext.Response;
            response.ContentType = MediaContentType;
            response.ContentLength = length;
            // A resource never changes under its name within a session, so the browser may keep it briefly.
            response.Headers.CacheControl = "private, max-age=60";
            foreach (HlsPart part in parts)
            {
                await response.Body.WriteAsync(part.Data, httpContext.RequestAborted);
            }
        }
    }
}
