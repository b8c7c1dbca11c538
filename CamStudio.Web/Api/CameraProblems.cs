using System.Globalization;
using CamStudio.Core.Cameras;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CamStudio.Web.Api;

/// <summary>
/// The API's RFC 9457 problem documents. Each carries a stable <c>code</c> extension for clients; no message ever
/// contains a submitted value.
/// </summary>
internal static class CameraProblems
{
    public const string ValidationTitle = "The camera is not valid.";

    public static ProblemHttpResult NotFound(int cameraId) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound,
        title: "Camera not found.",
        detail: string.Create(CultureInfo.InvariantCulture, $"No camera has camera_id {cameraId}."),
        extensions: new Dictionary<string, object?> { ["code"] = "camera_not_found" });

    public static ValidationProblem Invalid(IReadOnlyDictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors, title: ValidationTitle, extensions: new Dictionary<string, object?> { ["code"] = "validation_failed" });

    public static ValidationProblem Invalid(string field, string message) =>
        Invalid(new Dictionary<string, string[]> { [field] = [message] });

    public static ProblemHttpResult Conflict(CameraConflict conflict) => conflict.Reason switch
    {
        CameraConflictReason.DuplicateName => TypedResults.Problem(
            statusCode: StatusCodes.Status409Conflict,
            title: "Duplicate camera name.",
            detail: "Another camera already has this name (names are compared ignoring case and extra spaces).",
            extensions: new Dictionary<string, object?>
            {
                ["code"] = "duplicate_name",
                ["errors"] = new Dictionary<string, string[]> { [CameraFields.Name] = ["Another camera already has this name."] },
            }),
        _ => TypedResults.Problem(
            statusCode: StatusCodes.Status409Conflict,
            title: "The camera was changed by someone else.",
            detail: "The camera was modified after you read it. Reload it and apply your change again.",
            extensions: new Dictionary<string, object?>
            {
                ["code"] = "concurrency_conflict",
                ["current_version"] = conflict.CurrentVersion,
            }),
    };
}
