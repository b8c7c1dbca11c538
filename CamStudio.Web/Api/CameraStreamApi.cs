using System.Globalization;
using System.Text;
using CamStudio.Core.Cameras;
using CamStudio.Web.Services;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace CamStudio.Web.Api;

/// <summary>Runtime status and WebRTC signalling (JSON offer/answer and WHEP) for the cameras' streams.</summary>
public static class CameraStreamApi
{
    public const string SdpContentType = "application/sdp";

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
            .WithViewerOfferProblems();
        cameras.MapDelete("/{camera_id:int}/webrtc/{session_id}", DeleteSession)
            .WithName("DeleteWebRtcSession")
            .WithSummary("Ends the caller's own viewer session (another user's is 404).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        cameras.MapPost("/{camera_id:int}/whep", PostWhep)
            .WithName("PostWhepOffer")
            .WithSummary("WHEP: application/sdp offer in, 201 with the answer and the session's Location out.")
            .Accepts<string>(SdpContentType)
            .Produces<string>(StatusCodes.Status201Created, SdpContentType)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .WithViewerOfferProblems();
        cameras.MapDelete("/{camera_id:int}/whep/{session_id}", DeleteSession)
            .WithName("DeleteWhepSession")
            .WithSummary("WHEP: ends the session the caller created by the POST (another user's is 404).")
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
        ViewerOfferService offers,
        HttpContext context,
        CancellationToken cancellationToken)
    {
        if (!string.Equals(offer.Type, "offer", StringComparison.Ordinal))
        {
            // The JSON envelope's own field; everything about the offer itself is the offer service's to judge.
            return ViewerOfferProblems.From(
                ViewerOfferOutcome.Failed(ViewerOfferError.InvalidOffer, "type must be \"offer\"."), context.Response);
        }

        ViewerOfferOutcome outcome = await offers.OfferAsync(context.User, cameraId, offer.Sdp, offer.Quality, cancellationToken);
        if (outcome.SessionId is not { } sessionId || outcome.AnswerSdp is not { } answer)
        {
            return ViewerOfferProblems.From(outcome, context.Response);
        }

        return TypedResults.Ok(new WebRtcAnswerResponse(answer, "answer", sessionId, outcome.Quality, outcome.IceServers));
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> PostWhep(
        [FromRoute(Name = "camera_id")] int cameraId,
        [FromQuery(Name = "quality")] string? quality,
        HttpRequest request,
        HttpResponse response,
        ViewerOfferService offers,
        CancellationToken cancellationToken)
    {
        if (!string.Equals(request.ContentType?.Split(';')[0].Trim(), SdpContentType, StringComparison.OrdinalIgnoreCase))
        {
            return StreamProblems.UnsupportedMediaType();
        }

        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        string sdp = await reader.ReadToEndAsync(cancellationToken);
        ViewerOfferOutcome outcome = await offers.OfferAsync(request.HttpContext.User, cameraId, sdp, quality, cancellationToken);
        if (outcome.SessionId is not { } sessionId || outcome.AnswerSdp is not { } answer)
        {
            return ViewerOfferProblems.From(outcome, response);
        }

        response.Headers.Location = string.Create(CultureInfo.InvariantCulture, $"/api/cameras/{cameraId}/whep/{sessionId}");
        response.Headers.Link = IceServerLinks.Format(outcome.IceServers);
        return TypedResults.Text(answer, SdpContentType, Encoding.UTF8, StatusCodes.Status201Created);
    }

    private static Results<Ok, ProblemHttpResult> DeleteSession(
        [FromRoute(Name = "camera_id")] int cameraId,
        [FromRoute(Name = "session_id")] string sessionId,
        ViewerOfferService offers,
        HttpContext context) =>
        offers.Close(context.User, cameraId, sessionId) ? TypedResults.Ok() : StreamProblems.SessionNotFound(cameraId);
}

/// <summary>Body of <c>POST /api/cameras/{camera_id}/webrtc/offer</c>; quality is <c>stream1</c>, <c>stream2</c> or absent.</summary>
public sealed record WebRtcOfferRequest(string? Sdp, string? Type, string? Quality);

/// <summary>The answer, the session to DELETE when done, and the ICE servers for the RTCPeerConnection.</summary>
public sealed record WebRtcAnswerResponse(
    string Sdp, string Type, string SessionId, StreamQuality Quality, IReadOnlyList<IceServer> IceServers);

/// <summary>Problem documents of the stream endpoints.</summary>
internal static class StreamProblems
{
    public static ProblemHttpResult InvalidQuality() => TypedResults.Problem(
        statusCode: StatusCodes.Status400BadRequest,
        title: ViewerOfferError.InvalidQuality.Title(),
        detail: ViewerOfferService.QualityHint,
        extensions: new Dictionary<string, object?> { ["code"] = ViewerOfferError.InvalidQuality.Code() });

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
