using System.Diagnostics;
using System.Globalization;
using System.Security.Claims;
using CamStudio.Core.Accounts;
using CamStudio.Core.Views;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace CamStudio.Web.Api;

/// <summary>
/// Saved Live views of the calling user (and the shared ones). Any signed-in user manages their own; sharing, and
/// changing a shared view, needs an Admin. Another user's private view answers 404, as if it did not exist.
/// </summary>
public static class CameraViewApi
{
    public static IEndpointRouteBuilder MapCameraViewApi(this IEndpointRouteBuilder app)
    {
        RouteGroupBuilder views = app.MapGroup("/api/views").WithTags("Views");

        views.MapGet("", ListViews)
            .WithName("ListViews")
            .WithSummary("Lists the caller's views and the shared ones, by name; is_default marks the caller's default.");
        views.MapGet("/default", GetDefaultView)
            .WithName("GetDefaultView")
            .WithSummary("The view the caller's Live page opens with; 404 when none is set.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        views.MapGet("/{view_id:int}", GetView)
            .WithName("GetView")
            .WithSummary("Gets one of the caller's views or a shared one.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        views.MapPost("", CreateView)
            .WithName("CreateView")
            .WithSummary("Saves a view for the caller; shared: true (Admins only) lists it for everyone.")
            .ProducesProblem(StatusCodes.Status403Forbidden);
        views.MapPut("/{view_id:int}", UpdateView)
            .WithName("UpdateView")
            .WithSummary("Replaces a view's name, group, layout and order; shared is kept unless sent.")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        views.MapDelete("/{view_id:int}", DeleteView)
            .WithName("DeleteView")
            .WithSummary("Deletes a view (a shared one: Admins only).")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        views.MapPut("/{view_id:int}/default", SetDefaultView)
            .WithName("SetDefaultView")
            .WithSummary("Makes the view (own or shared) the caller's default.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        views.MapDelete("/default", ClearDefaultView)
            .WithName("ClearDefaultView")
            .WithSummary("The caller's Live page opens with every camera again.");
        return app;
    }

    /// <summary>The caller as the view store sees it.</summary>
    public static ViewCaller Caller(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        // The fallback policy admits only signed-in users, and both schemes put the Identity user id in NameIdentifier.
        string userId = user.FindFirstValue(ClaimTypes.NameIdentifier)
            ?? throw new InvalidOperationException("A signed-in user without a user id reached the views API.");
        return new ViewCaller(userId, user.IsInRole(CamStudioRoles.Admin));
    }

    private static async Task<Ok<IReadOnlyList<CameraViewResponse>>> ListViews(ClaimsPrincipal user, ICameraViewStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok(await store.ListAsync(Caller(user), cancellationToken));

    private static async Task<Results<Ok<CameraViewResponse>, ProblemHttpResult>> GetDefaultView(
        ClaimsPrincipal user, ICameraViewStore store, CancellationToken cancellationToken)
    {
        CameraViewResponse? view = await store.GetDefaultAsync(Caller(user), cancellationToken);
        return view is null
            ? TypedResults.Problem(
                statusCode: StatusCodes.Status404NotFound,
                title: "No default view.",
                detail: "No default view is set; the Live page shows every camera.",
                extensions: new Dictionary<string, object?> { ["code"] = "no_default_view" })
            : TypedResults.Ok(view);
    }

    private static async Task<Results<Ok<CameraViewResponse>, ProblemHttpResult>> GetView(
        [FromRoute(Name = "view_id")] int viewId, ClaimsPrincipal user, ICameraViewStore store, CancellationToken cancellationToken)
    {
        CameraViewResponse? view = await store.GetAsync(Caller(user), viewId, cancellationToken);
        return view is null ? NotFound(viewId) : TypedResults.Ok(view);
    }

    private static async Task<Results<Created<CameraViewResponse>, ValidationProblem, ProblemHttpResult>> CreateView(
        CameraViewRequest request, ClaimsPrincipal user, ICameraViewStore store, CancellationToken cancellationToken)
    {
        CameraViewResult result = await store.CreateAsync(Caller(user), request, cancellationToken);
        return result is CameraViewSaved saved
            ? TypedResults.Created(string.Create(CultureInfo.InvariantCulture, $"/api/views/{saved.View.ViewId}"), saved.View)
            : Failure<Created<CameraViewResponse>>(result, 0);
    }

    private static async Task<Results<Ok<CameraViewResponse>, ValidationProblem, ProblemHttpResult>> UpdateView(
        [FromRoute(Name = "view_id")] int viewId, CameraViewRequest request, ClaimsPrincipal user, ICameraViewStore store,
        CancellationToken cancellationToken)
    {
        CameraViewResult result = await store.UpdateAsync(Caller(user), viewId, request, cancellationToken);
        return result is CameraViewSaved saved ? TypedResults.Ok(saved.View) : Failure<Ok<CameraViewResponse>>(result, viewId);
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> DeleteView(
        [FromRoute(Name = "view_id")] int viewId, ClaimsPrincipal user, ICameraViewStore store, CancellationToken cancellationToken)
    {
        CameraViewResult result = await store.DeleteAsync(Caller(user), viewId, cancellationToken);
        return result is CameraViewSaved ? TypedResults.NoContent() : Failure<NoContent>(result, viewId);
    }

    private static async Task<Results<Ok<CameraViewResponse>, ValidationProblem, ProblemHttpResult>> SetDefaultView(
        [FromRoute(Name = "view_id")] int viewId, ClaimsPrincipal user, ICameraViewStore store, CancellationToken cancellationToken)
    {
        CameraViewResult result = await store.SetDefaultAsync(Caller(user), viewId, cancellationToken);
        return result is CameraViewSaved saved ? TypedResults.Ok(saved.View) : Failure<Ok<CameraViewResponse>>(result, viewId);
    }

    private static async Task<NoContent> ClearDefaultView(ClaimsPrincipal user, ICameraViewStore store, CancellationToken cancellationToken)
    {
        await store.ClearDefaultAsync(Caller(user), cancellationToken);
        return TypedResults.NoContent();
    }

    private static Results<TSuccess, ValidationProblem, ProblemHttpResult> Failure<TSuccess>(CameraViewResult result, int viewId)
        where TSuccess : IResult => result switch
    {
        CameraViewInvalid invalid => TypedResults.ValidationProblem(invalid.Errors, title: "The view is not valid.",
            extensions: new Dictionary<string, object?> { ["code"] = "validation_failed" }),
        CameraViewNotFound => NotFound(viewId),
        CameraViewForbidden forbidden => TypedResults.Problem(
            statusCode: StatusCodes.Status403Forbidden,
            title: "Not allowed for this account.",
            detail: forbidden.Reason,
            extensions: new Dictionary<string, object?> { ["code"] = "forbidden" }),
        _ => throw new UnreachableException($"Unexpected view result {result.GetType().Name}."),
    };

    private static ProblemHttpResult NotFound(int viewId) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound,
        title: "View not found.",
        detail: string.Create(CultureInfo.InvariantCulture, $"No view with view_id {viewId} is visible to you."),
        extensions: new Dictionary<string, object?> { ["code"] = "view_not_found" });
}
