using System.Globalization;
using System.Text;
using CamStudio.Core.Cameras;
using CamStudio.Media.Streaming;
using CamStudio.Media.WebRtc;
using CamStudio.Web.Composition;
using CamStudio.Web.Security;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace CamStudio.Web.Api;

/// <summary>Runtime status and WebRTC signalling (JSON offer/answer and WHEP) for the cameras' streams.</summary>
public static class CameraStreamApi
{
    public const string SdpContentType = "application/sdp";

    /// <summary>Header that carries <see cref="WebRtcAnswerResponse.Warning"/> on WHEP answers (which have no JSON body).</summary>
    public const string WarningHeader = "CamStudio-Warning";

    public static IEndpointRouteBuilder MapCameraStreamApi(this IEndpointRouteBuilder app)
    {
        RouteGroupBuilder cameras = app.MapGroup("/api/cameras").WithTags("Streams");

        cameras.MapGet("/status/all", ListStatuses)
            .WithName("ListCameraStatuses")
            .WithSummary("Runtime status of every camera.");
        cameras.MapGet("/{camera_id:int}/status", GetStatus)
            .WithName("GetCameraStatus")
            .WithSummary("Runtime status of one camera: state, last frame, viewers, fps, bitrate, per-quality detail.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        cameras.MapGet("/{camera_id:int}/combined", GetCombined)
            .WithName("GetCameraCombined")
            .WithSummary("One camera's configuration and runtime status together.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        cameras.MapPost("/{camera_id:int}/webrtc/offer", PostOffer)
            .WithName("PostWebRtcOffer")
            .WithSummary("Answers a browser's recvonly SDP offer; the answer names the session to DELETE when done.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithViewerLimits();
        cameras.MapDelete("/{camera_id:int}/webrtc/{session_id}", DeleteSession)
            .WithName("DeleteWebRtcSession")
            .WithSummary("Ends a viewer session.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        cameras.MapPost("/{camera_id:int}/whep", PostWhep)
            .WithName("PostWhepOffer")
            .WithSummary("WHEP: application/sdp offer in, 201 with the answer and the session's Location out.")
            .Accepts<string>(SdpContentType)
            .Produces<string>(StatusCodes.Status201Created, SdpContentType)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .WithViewerLimits();
        cameras.MapDelete("/{camera_id:int}/whep/{session_id}", DeleteSession)
            .WithName("DeleteWhepSession")
            .WithSummary("WHEP: ends the session created by the POST.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        cameras.MapGet("/{camera_id:int}/ws", CameraMjpegSocket.HandleAsync)
            .WithName("CameraJpegWebSocket")
            .WithSummary("Legacy WebSocket: JPEG frames as binary messages while connected (FFmpeg runs only then).")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<Ok<CameraRuntimeStatus[]>> ListStatuses(
        ICameraStore store, ICameraRuntimeStatusProvider statuses, CancellationToken cancellationToken)
    {
        IReadOnlyList<CameraResponse> cameras = await store.ListAsync(cancellationToken);
        return TypedResults.Ok(cameras.Select(c => statuses.GetStatus(c.CameraId)).ToArray());
    }

    private static async Task<Results<Ok<CameraRuntimeStatus>, ProblemHttpResult>> GetStatus(
        [FromRoute(Name = "camera_id")] int cameraId, ICameraStore store, ICameraRuntimeStatusProvider statuses,
        CancellationToken cancellationToken) =>
        await store.GetAsync(cameraId, cancellationToken) is null
            ? CameraProblems.NotFound(cameraId)
            : TypedResults.Ok(statuses.GetStatus(cameraId));

    private static async Task<Results<Ok<CameraWithStatus>, ProblemHttpResult>> GetCombined(
        [FromRoute(Name = "camera_id")] int cameraId, ICameraStore store, ICameraRuntimeStatusProvider statuses,
        CancellationToken cancellationToken) =>
        await store.GetAsync(cameraId, cancellationToken) is { } camera
            ? TypedResults.Ok(new CameraWithStatus(camera, statuses.GetStatus(cameraId)))
            : CameraProblems.NotFound(cameraId);

    private static async Task<Results<Ok<WebRtcAnswerResponse>, ProblemHttpResult>> PostOffer(
        [FromRoute(Name = "camera_id")] int cameraId,
        WebRtcOfferRequest offer,
        CameraStreamHost streams,
        WebRtcServer webRtc,
        ViewerSessionLimiter limiter,
        HttpContext context,
        CancellationToken cancellationToken)
    {
        if (!string.Equals(offer.Type, "offer", StringComparison.Ordinal))
        {
            return StreamProblems.InvalidOffer("type must be \"offer\".");
        }

        if (string.IsNullOrWhiteSpace(offer.Sdp))
        {
            return StreamProblems.InvalidOffer("sdp is empty.");
        }

        CameraViewerResult? result;
        using (IDisposable? lease = limiter.TryAcquire(ViewerLimits.UserKey(context)))
        {
            if (lease is null)
            {
                return ViewerLimits.TooManySessions(limiter.Limit);
            }

            result = await streams.OpenViewerAsync(cameraId, offer.Sdp, offer.Quality?.ToVariant(), cancellationToken);
            limiter.Hold(lease, result?.Session);
        }

        if (result is null)
        {
            return CameraProblems.NotFound(cameraId);
        }

        if (result.Session is not { } session)
        {
            return StreamProblems.InvalidOffer(result.Error ?? "The offer cannot be answered.");
        }

        return TypedResults.Ok(new WebRtcAnswerResponse(
            result.AnswerSdp!,
            "answer",
            session.Id,
            result.Stream.Quality.ToStreamQuality(),
            webRtc.IceServers.Select(s => new IceServerResponse(s.Urls, s.Username, s.Credential)).ToArray(),
            result.Warning));
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> PostWhep(
        [FromRoute(Name = "camera_id")] int cameraId,
        [FromQuery(Name = "quality")] string? quality,
        HttpRequest request,
        HttpResponse response,
        CameraStreamHost streams,
        ViewerSessionLimiter limiter,
        CancellationToken cancellationToken)
    {
        if (!string.Equals(request.ContentType?.Split(';')[0].Trim(), SdpContentType, StringComparison.OrdinalIgnoreCase))
        {
            return StreamProblems.UnsupportedMediaType();
        }

        if (!StreamVariantNames.TryParse(quality, out StreamVariant? selected))
        {
            return StreamProblems.InvalidQuality();
        }

        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        string sdp = await reader.ReadToEndAsync(cancellationToken);
        if (string.IsNullOrWhiteSpace(sdp))
        {
            return StreamProblems.InvalidOffer("The body is empty; WHEP expects the SDP offer.");
        }

        CameraViewerResult? result;
        using (IDisposable? lease = limiter.TryAcquire(ViewerLimits.UserKey(request.HttpContext)))
        {
            if (lease is null)
            {
                return ViewerLimits.TooManySessions(limiter.Limit);
            }

            result = await streams.OpenViewerAsync(cameraId, sdp, selected, cancellationToken);
            limiter.Hold(lease, result?.Session);
        }

        if (result is null)
        {
            return CameraProblems.NotFound(cameraId);
        }

        if (result.Session is not { } session)
        {
            return StreamProblems.InvalidOffer(result.Error ?? "The offer cannot be answered.");
        }

        response.Headers.Location = string.Create(CultureInfo.InvariantCulture, $"/api/cameras/{cameraId}/whep/{session.Id}");
        if (result.Warning is { } warning)
        {
            response.Headers[WarningHeader] = warning;
        }

        return TypedResults.Text(result.AnswerSdp!, SdpContentType, Encoding.UTF8, StatusCodes.Status201Created);
    }

    private static Results<Ok, ProblemHttpResult> DeleteSession(
        [FromRoute(Name = "camera_id")] int cameraId,
        [FromRoute(Name = "session_id")] string sessionId,
        CameraStreamHost streams) =>
        streams.CloseViewer(cameraId, sessionId) ? TypedResults.Ok() : StreamProblems.SessionNotFound(cameraId);
}

/// <summary>Body of <c>POST /api/cameras/{camera_id}/webrtc/offer</c>.</summary>
public sealed record WebRtcOfferRequest(string? Sdp, string? Type, StreamQuality? Quality);

/// <summary>The answer; <see cref="Warning"/> says why video may not start yet (the session is open regardless).</summary>
public sealed record WebRtcAnswerResponse(
    string Sdp, string Type, string SessionId, StreamQuality Quality, IReadOnlyList<IceServerResponse> IceServers, string? Warning);

/// <summary>An RTCIceServer for the browser's RTCPeerConnection configuration.</summary>
public sealed record IceServerResponse(IReadOnlyList<string> Urls, string? Username, string? Credential);

/// <summary>Problem documents of the stream endpoints.</summary>
internal static class StreamProblems
{
    public static ProblemHttpResult InvalidOffer(string reason) => TypedResults.Problem(
        statusCode: StatusCodes.Status400BadRequest,
        title: "The offer cannot be answered.",
        detail: reason,
        extensions: new Dictionary<string, object?> { ["code"] = "invalid_offer" });

    public static ProblemHttpResult InvalidQuality() => TypedResults.Problem(
        statusCode: StatusCodes.Status400BadRequest,
        title: "Unknown stream quality.",
        detail: "quality must be \"stream1\" (HD) or \"stream2\" (SD).",
        extensions: new Dictionary<string, object?> { ["code"] = "invalid_quality" });

    public static ProblemHttpResult UnsupportedMediaType() => TypedResults.Problem(
        statusCode: StatusCodes.Status415UnsupportedMediaType,
        title: "WHEP expects application/sdp.",
        detail: "Send the SDP offer as the body with Content-Type: application/sdp.",
        extensions: new Dictionary<string, object?> { ["code"] = "unsupported_media_type" });

    public static ProblemHttpResult SessionNotFound(int cameraId) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound,
        title: "Session not found.",
        detail: string.Create(CultureInfo.InvariantCulture, $"Camera {cameraId} has no such viewer session (it may have ended already)."),
        extensions: new Dictionary<string, object?> { ["code"] = "session_not_found" });
}
