using CamStudio.Core.Events;
using CamStudio.Core.Health;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace CamStudio.Web.Api;

/// <summary><c>GET /api/events</c>: the in-memory event log, newest first, for every signed-in user.</summary>
public static class EventApi
{
    public static IEndpointRouteBuilder MapEventApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/events", ListEvents)
            .WithTags("Events")
            .WithName("ListEvents")
            .WithSummary("Lists camera state changes and server starts, newest first; filter by camera, state, kind and time.");
        return app;
    }

    private static Results<Ok<IReadOnlyList<CameraEvent>>, ValidationProblem> ListEvents(
        CameraEventLog log,
        [FromQuery(Name = "camera_id")] int? cameraId,
        [FromQuery(Name = "state")] string? state,
        [FromQuery(Name = "kind")] string? kind,
        [FromQuery(Name = "since")] DateTimeOffset? since,
        [FromQuery(Name = "until")] DateTimeOffset? until,
        [FromQuery(Name = "limit")] int? limit)
    {
        var errors = new Dictionary<string, string[]>();
        CameraHealthState? stateFilter = null;
        if (!string.IsNullOrEmpty(state))
        {
            if (CameraHealthStates.TryParse(state, out CameraHealthState parsed))
            {
                stateFilter = parsed;
            }
            else
            {
                errors["state"] = ["state is one of: " + string.Join(", ", Enum.GetValues<CameraHealthState>().Select(CameraHealthStates.WireName)) + "."];
            }
        }

        CameraEventKind? kindFilter = kind switch
        {
            null or "" => null,
            "camera_state" => CameraEventKind.CameraState,
            "server_started" => CameraEventKind.ServerStarted,
            _ => (CameraEventKind)(-1),
        };
        if (kindFilter == (CameraEventKind)(-1))
        {
            errors["kind"] = ["kind is camera_state or server_started."];
        }

        if (limit is < 1 or > CameraEventQuery.MaxLimit)
        {
            errors["limit"] = [$"limit is 1 to {CameraEventQuery.MaxLimit}."];
        }

        if (since is not null && until is not null && since > until)
        {
            errors["until"] = ["until is after since."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The event query is not valid.",
                extensions: new Dictionary<string, object?> { ["code"] = "validation_failed" });
        }

        return TypedResults.Ok(log.Query(new CameraEventQuery
        {
            CameraId = cameraId,
            State = stateFilter,
            Kind = kindFilter,
            Since = since,
            Until = until,
            Limit = limit ?? 200,
        }));
    }
}
