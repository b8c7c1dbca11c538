using System.Diagnostics;
using System.Globalization;
using CamStudio.Core.Groups;
using CamStudio.Web.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace CamStudio.Web.Api;

/// <summary>Camera groups: everyone signed in reads them, Admins manage them. Membership is set on the camera (<c>groups</c>).</summary>
public static class CameraGroupApi
{
    public static IEndpointRouteBuilder MapCameraGroupApi(this IEndpointRouteBuilder app)
    {
        RouteGroupBuilder groups = app.MapGroup("/api/groups").WithTags("Groups");

        groups.MapGet("", ListGroups)
            .WithName("ListGroups")
            .WithSummary("Lists the camera groups in their order, each with its camera ids.");
        groups.MapGet("/{group_id:int}", GetGroup)
            .WithName("GetGroup")
            .WithSummary("Gets one group with its camera ids.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        groups.MapPost("", CreateGroup)
            .WithName("CreateGroup")
            .WithSummary("Adds a group (last unless a position is given).")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .RequireAuthorization(SecuritySchemes.AdminPolicy);
        groups.MapPut("/{group_id:int}", UpdateGroup)
            .WithName("UpdateGroup")
            .WithSummary("Renames and/or moves a group (position is 0-based; the others close up).")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .RequireAuthorization(SecuritySchemes.AdminPolicy);
        groups.MapDelete("/{group_id:int}", DeleteGroup)
            .WithName("DeleteGroup")
            .WithSummary("Deletes a group; its cameras stay, and views of it show every camera.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .RequireAuthorization(SecuritySchemes.AdminPolicy);
        return app;
    }

    private static async Task<Ok<IReadOnlyList<CameraGroupResponse>>> ListGroups(ICameraGroupStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok(await store.ListAsync(cancellationToken));

    private static async Task<Results<Ok<CameraGroupResponse>, ProblemHttpResult>> GetGroup(
        [FromRoute(Name = "group_id")] int groupId, ICameraGroupStore store, CancellationToken cancellationToken)
    {
        CameraGroupResponse? group = await store.GetAsync(groupId, cancellationToken);
        return group is null ? NotFound(groupId) : TypedResults.Ok(group);
    }

    private static async Task<Results<Created<CameraGroupResponse>, ValidationProblem, ProblemHttpResult>> CreateGroup(
        CameraGroupRequest request, ICameraGroupStore store, CancellationToken cancellationToken)
    {
        CameraGroupResult result = await store.CreateAsync(request, cancellationToken);
        return result switch
        {
            CameraGroupSaved saved => TypedResults.Created(
                string.Create(CultureInfo.InvariantCulture, $"/api/groups/{saved.Group.GroupId}"), saved.Group),
            _ => Failure<Created<CameraGroupResponse>>(result, 0),
        };
    }

    private static async Task<Results<Ok<CameraGroupResponse>, ValidationProblem, ProblemHttpResult>> UpdateGroup(
        [FromRoute(Name = "group_id")] int groupId, CameraGroupRequest request, ICameraGroupStore store, CancellationToken cancellationToken)
    {
        CameraGroupResult result = await store.UpdateAsync(groupId, request, cancellationToken);
        return result is CameraGroupSaved saved ? TypedResults.Ok(saved.Group) : Failure<Ok<CameraGroupResponse>>(result, groupId);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteGroup(
        [FromRoute(Name = "group_id")] int groupId, ICameraGroupStore store, CancellationToken cancellationToken) =>
        await store.DeleteAsync(groupId, cancellationToken) ? TypedResults.NoContent() : NotFound(groupId);

    private static Results<TSuccess, ValidationProblem, ProblemHttpResult> Failure<TSuccess>(CameraGroupResult result, int groupId)
        where TSuccess : IResult => result switch
    {
        CameraGroupInvalid invalid => TypedResults.ValidationProblem(invalid.Errors, title: "The group is not valid.",
            extensions: new Dictionary<string, object?> { ["code"] = "validation_failed" }),
        CameraGroupNotFound => NotFound(groupId),
        CameraGroupDuplicateName => TypedResults.Problem(
            statusCode: StatusCodes.Status409Conflict,
            title: "Duplicate group name.",
            detail: "Another group already has this name (names are compared ignoring case and extra spaces).",
            extensions: new Dictionary<string, object?>
            {
                ["code"] = "duplicate_name",
                ["errors"] = new Dictionary<string, string[]> { [CameraGroupFields.Name] = ["Another group already has this name."] },
            }),
        _ => throw new UnreachableException($"Unexpected group result {result.GetType().Name}."),
    };

    private static ProblemHttpResult NotFound(int groupId) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound,
        title: "Group not found.",
        detail: string.Create(CultureInfo.InvariantCulture, $"No group has group_id {groupId}."),
        extensions: new Dictionary<string, object?> { ["code"] = "group_not_found" });
}
