using System.Diagnostics;
using System.Globalization;
using CamStudio.Core.Webhooks;
using CamStudio.Web.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace CamStudio.Web.Api;

/// <summary>
/// <c>/api/webhooks</c>, Admin only. The secret is in the response of the call that created it and nowhere else; URLs
/// come back masked past their first path segment.
/// </summary>
public static class WebhookApi
{
    public static IEndpointRouteBuilder MapWebhookApi(this IEndpointRouteBuilder app)
    {
        RouteGroupBuilder webhooks = app.MapGroup("/api/webhooks").WithTags("Webhooks")
            .RequireAuthorization(SecuritySchemes.AdminPolicy);
        webhooks.MapGet("", List)
            .WithName("ListWebhooks")
            .WithSummary("Lists webhooks (secret masked, URL shortened) with their last delivery.");
        webhooks.MapGet("/{webhook_id:int}", Get)
            .WithName("GetWebhook")
            .WithSummary("Gets one webhook.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        webhooks.MapPost("/create", Create)
            .WithName("CreateWebhook")
            .WithSummary("Creates a webhook; the response carries the secret, the only time it is ever shown.");
        webhooks.MapPut("/{webhook_id:int}", Update)
            .WithName("UpdateWebhook")
            .WithSummary("Changes the fields present; regenerate_secret or secret replaces the secret (shown once).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        webhooks.MapDelete("/{webhook_id:int}", Delete)
            .WithName("DeleteWebhook")
            .WithSummary("Deletes a webhook.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        webhooks.MapPost("/{webhook_id:int}/test", SendTest)
            .WithName("SendWebhookTest")
            .WithSummary("POSTs a signed test event to the webhook once (no retries) and returns the result.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<Ok<IReadOnlyList<WebhookInfo>>> List(WebhookService webhooks, CancellationToken cancellationToken) =>
        TypedResults.Ok(await webhooks.ListAsync(cancellationToken));

    private static async Task<Results<Ok<WebhookInfo>, ProblemHttpResult>> Get(
        [FromRoute(Name = "webhook_id")] int webhookId, WebhookService webhooks, CancellationToken cancellationToken) =>
        await webhooks.GetAsync(webhookId, cancellationToken) is { } found ? TypedResults.Ok(found) : NotFound(webhookId);

    private static async Task<Results<Created<WebhookSavedResponse>, ValidationProblem>> Create(
        WebhookRequest request, WebhookService webhooks, CancellationToken cancellationToken)
    {
        switch (await webhooks.CreateAsync(request, cancellationToken))
        {
            case WebhookSaved saved:
                return TypedResults.Created(
                    string.Create(CultureInfo.InvariantCulture, $"/api/webhooks/{saved.Webhook.WebhookId}"),
                    new WebhookSavedResponse(saved.Webhook, saved.Secret));
            case WebhookInvalid invalid:
                return Invalid(invalid.Errors);
            case var other:
                throw new UnreachableException($"Unexpected create result {other.GetType().Name}.");
        }
    }

    private static async Task<Results<Ok<WebhookSavedResponse>, ValidationProblem, ProblemHttpResult>> Update(
        [FromRoute(Name = "webhook_id")] int webhookId, WebhookRequest request, WebhookService webhooks, CancellationToken cancellationToken)
    {
        return await webhooks.UpdateAsync(webhookId, request, cancellationToken) switch
        {
            WebhookSaved saved => TypedResults.Ok(new WebhookSavedResponse(saved.Webhook, saved.Secret)),
            WebhookInvalid invalid => Invalid(invalid.Errors),
            WebhookNotFound => NotFound(webhookId),
            var other => throw new UnreachableException($"Unexpected update result {other.GetType().Name}."),
        };
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        [FromRoute(Name = "webhook_id")] int webhookId, WebhookService webhooks, CancellationToken cancellationToken) =>
        await webhooks.DeleteAsync(webhookId, cancellationToken) ? TypedResults.NoContent() : NotFound(webhookId);

    private static async Task<Results<Ok<WebhookDeliveryResult>, ProblemHttpResult>> SendTest(
        [FromRoute(Name = "webhook_id")] int webhookId, WebhookDeliveryService deliveries, CancellationToken cancellationToken) =>
        await deliveries.SendTestAsync(webhookId, cancellationToken) is { } result ? TypedResults.Ok(result) : NotFound(webhookId);

    private static ValidationProblem Invalid(IReadOnlyDictionary<string, string[]> errors) => TypedResults.ValidationProblem(
        errors, title: "The webhook is not valid.", extensions: new Dictionary<string, object?> { ["code"] = "validation_failed" });

    private static ProblemHttpResult NotFound(int webhookId) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound,
        title: "Webhook not found.",
        detail: string.Create(CultureInfo.InvariantCulture, $"No webhook has webhook_id {webhookId}."),
        extensions: new Dictionary<string, object?> { ["code"] = "webhook_not_found" });
}

/// <summary>A saved webhook; <see cref="Secret"/> only in the response that created or replaced it, otherwise null.</summary>
public sealed record WebhookSavedResponse(WebhookInfo Webhook, string? Secret);
