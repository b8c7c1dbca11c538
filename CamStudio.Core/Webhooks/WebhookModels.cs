using CamStudio.Core.Health;

namespace CamStudio.Core.Webhooks;

/// <summary>What an Admin sends to create or change a webhook (API body and form model).</summary>
public sealed class WebhookRequest
{
    public string? Name { get; set; }

    public string? Url { get; set; }

    /// <summary>Optional on create (the server generates one when empty); on update, a new secret replaces the old one.</summary>
    public string? Secret { get; set; }

    /// <summary>On update: replace the secret with a newly generated one (returned once).</summary>
    public bool RegenerateSecret { get; set; }

    public bool? Enabled { get; set; }

    /// <summary>Wire names of the states to send (<c>online</c>, <c>offline</c>, …); null or empty = all.</summary>
    public IReadOnlyList<string>? EventKinds { get; set; }
}

/// <summary>
/// A webhook as shown to Admins: never the secret, only <see cref="SecretHint"/> (e.g. <c>••••3f9a</c>), and the URL
/// masked past its first path segment (<see cref="WebhookService.MaskUrl"/>).
/// </summary>
public sealed record WebhookInfo(
    int WebhookId,
    string Name,
    string Url,
    bool Enabled,
    IReadOnlyList<string> EventKinds,
    string SecretHint,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    WebhookDeliveryResult? LastDelivery);

/// <summary>The outcome of the last delivery to a webhook (kept in memory).</summary>
public sealed record WebhookDeliveryResult(
    string EventType,
    long EventId,
    DateTimeOffset At,
    bool Succeeded,
    int Attempts,
    int? StatusCode,
    string Message);

/// <summary>The result of a create or update.</summary>
public abstract record WebhookResult;

/// <summary>Saved; <see cref="Secret"/> is set only when a secret was just created (shown once, never again).</summary>
public sealed record WebhookSaved(WebhookInfo Webhook, string? Secret) : WebhookResult;

public sealed record WebhookInvalid(IReadOnlyDictionary<string, string[]> Errors) : WebhookResult;

public sealed record WebhookNotFound : WebhookResult;

/// <summary>
/// A webhook's delivery target, secret in clear: only for the dispatcher, never shown or logged. A null secret could not
/// be decrypted (key ring lost).
/// </summary>
internal sealed record WebhookTarget(int Id, string Name, Uri Url, string? Secret, IReadOnlySet<CameraHealthState> States)
{
    public bool Wants(CameraHealthState state) => States.Count == 0 || States.Contains(state);
}
