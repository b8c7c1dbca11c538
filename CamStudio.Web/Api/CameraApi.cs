using System.Diagnostics;
using System.Globalization;
using CamStudio.Core.Cameras;
using CamStudio.Media.Streaming;
using CamStudio.Web.Services;
using CamStudio.Web.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace CamStudio.Web.Api;

/// <summary>The camera REST API: JSON in snake_case, errors as RFC 9457 problem details.</summary>
public static class CameraApi
{
    public const string ApiPathPrefix = "/api";

    /// <summary>Camera documents are a few hundred bytes; anything far larger is a mistake or an attack.</summary>
    public const long MaxRequestBodyBytes = 64 * 1024;

    public static bool IsApiRequest(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Request.Path.StartsWithSegments(ApiPathPrefix, StringComparison.OrdinalIgnoreCase);
    }

    public static IEndpointRouteBuilder MapCameraApi(this IEndpointRouteBuilder app)
    {
        RouteGroupBuilder cameras = app.MapGroup("/api/cameras").WithTags("Cameras");

        cameras.MapGet("", ListCameras)
            .WithName("ListCameras")
            .WithSummary("Lists every camera with its runtime status.");
        cameras.MapGet("/presets", ListPresets)
            .WithName("ListCameraBrandPresets")
            .WithSummary("Lists the brand presets and their HD/SD RTSP paths.");
        cameras.MapGet("/{camera_id:int}", GetCamera)
            .WithName("GetCamera")
            .WithSummary("Gets one camera with its runtime status; the ETag carries its version.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        cameras.MapPost("/create", CreateCamera)
            .WithName("CreateCamera")
            .WithSummary("Creates a camera; the password is stored encrypted and never returned.")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .RequireAuthorization(SecuritySchemes.AdminPolicy);
        cameras.MapPut("/{camera_id:int}", UpdateCamera)
            .WithName("UpdateCamera")
            .WithSummary("Updates the fields that are present; send version (or If-Match) to refuse overwriting a newer edit.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .RequireAuthorization(SecuritySchemes.AdminPolicy);
        cameras.MapDelete("/{camera_id:int}", DeleteCamera)
            .WithName("DeleteCamera")
            .WithSummary("Deletes a camera.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .RequireAuthorization(SecuritySchemes.AdminPolicy);
        return app;
    }

    private static async Task<Ok<CameraWithStatus[]>> ListCameras([AsParameters] CameraApiServices services, CancellationToken cancellationToken)
    {
        IReadOnlyList<CameraResponse> cameras = await services.Store.ListAsync(cancellationToken);
        return TypedResults.Ok(cameras.Select(services.WithStatus).ToArray());
    }

    private static Ok<IReadOnlyList<CameraBrandPreset>> ListPresets() => TypedResults.Ok(CameraBrandPresets.All);

    private static async Task<Results<Ok<CameraWithStatus>, ProblemHttpResult>> GetCamera(
        [FromRoute(Name = "camera_id")] int cameraId,
        [AsParameters] CameraApiServices services,
        HttpResponse response,
        CancellationToken cancellationToken)
    {
        CameraResponse? camera = await services.Store.GetAsync(cameraId, cancellationToken);
        if (camera is null)
        {
            return CameraProblems.NotFound(cameraId);
        }

        SetETag(response, camera);
        return TypedResults.Ok(services.WithStatus(camera));
    }

    private static async Task<Results<Created<CameraResponse>, ValidationProblem, ProblemHttpResult>> CreateCamera(
        CameraCreateRequest request,
        [AsParameters] CameraApiServices services,
        HttpResponse response,
        CancellationToken cancellationToken)
    {
        CameraResult result = await services.Commands.CreateAsync(request, cancellationToken);
        switch (result)
        {
            case CameraSaved saved:
                SetETag(response, saved.Camera);
                return TypedResults.Created(
                    string.Create(CultureInfo.InvariantCulture, $"/api/cameras/{saved.Camera.CameraId}"), saved.Camera);
            case CameraInvalid invalid:
                return CameraProblems.Invalid(invalid.Errors);
            case CameraConflict conflict:
                return CameraProblems.Conflict(conflict);
            default:
                throw new UnreachableException($"Unexpected create result {result.GetType().Name}.");
        }
    }

    private static async Task<Results<Ok<CameraResponse>, ValidationProblem, ProblemHttpResult>> UpdateCamera(
        [FromRoute(Name = "camera_id")] int cameraId,
        CameraUpdate update,
        [FromHeader(Name = "If-Match")] string? ifMatch,
        [AsParameters] CameraApiServices services,
        HttpResponse response,
        CancellationToken cancellationToken)
    {
        if (!TryParseIfMatch(ifMatch, out int? headerVersion))
        {
            return CameraProblems.Invalid(CameraFields.Version, "If-Match must be a camera version such as \"3\".");
        }

        if (headerVersion is not null && update.Version is not null && headerVersion != update.Version)
        {
            return CameraProblems.Invalid(CameraFields.Version, "The If-Match header and the version field disagree.");
        }

        update.Version ??= headerVersion;
        CameraResult result = await services.Commands.UpdateAsync(cameraId, update, cancellationToken);
        switch (result)
        {
            case CameraSaved saved:
                SetETag(response, saved.Camera);
                return TypedResults.Ok(saved.Camera);
            case CameraNotFound:
                return CameraProblems.NotFound(cameraId);
            case CameraInvalid invalid:
                return CameraProblems.Invalid(invalid.Errors);
            case CameraConflict conflict:
                return CameraProblems.Conflict(conflict);
            default:
                throw new UnreachableException($"Unexpected update result {result.GetType().Name}.");
        }
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteCamera(
        [FromRoute(Name = "camera_id")] int cameraId,
        [AsParameters] CameraApiServices services,
        CancellationToken cancellationToken)
    {
        // Also stops FFmpeg and ends the camera's viewers (ViewerCloseReason.SourceRemoved).
        if (!await services.Commands.DeleteAsync(cameraId, cancellationToken))
        {
            return CameraProblems.NotFound(cameraId);
        }

        return TypedResults.NoContent();
    }

    private static void SetETag(HttpResponse response, CameraResponse camera) =>
        response.Headers.ETag = string.Create(CultureInfo.InvariantCulture, $"\"{camera.Version}\"");

    /// <summary>Accepts <c>"3"</c>, <c>W/"3"</c>, <c>3</c> and <c>*</c> (any version).</summary>
    internal static bool TryParseIfMatch(string? header, out int? version)
    {
        version = null;
        if (string.IsNullOrWhiteSpace(header) || header.Trim() == "*")
        {
            return true;
        }

        string value = header.Trim();
        if (value.StartsWith("W/", StringComparison.Ordinal))
        {
            value = value[2..];
        }

        if (int.TryParse(value.Trim('"'), NumberStyles.None, CultureInfo.InvariantCulture, out int parsed))
        {
            version = parsed;
            return true;
        }

        return false;
    }
}

/// <summary>The services every camera endpoint uses, bound with <c>[AsParameters]</c>.</summary>
internal sealed record CameraApiServices(ICameraStore Store, ICameraRuntimeStatusProvider StatusProvider, CameraCommands Commands)
{
    public CameraWithStatus WithStatus(CameraResponse camera) => new(camera, StatusProvider.GetStatus(camera.CameraId));
}
