namespace CamStudio.Core.Webhooks;

/// <summary>
/// A configured webhook as stored (table <c>webhooks</c>). The secret is stored encrypted with Data Protection
/// (<see cref="WebhookSecretProtector"/>); only its last characters are kept in clear, to recognise it in a list.
/// Delivery results are runtime state and live in memory (<see cref="WebhookDeliveryService"/>).
/// </summary>
public sealed class Webhook
{
    public int Id { get; set; }

    public required string Name { get; set; }

    public required string Url { get; set; }

    public required string ProtectedSecret { get; set; }

    /// <summary>The secret's last <see cref="WebhookValidator.SecretHintLength"/> characters.</summary>
    public required string SecretHint { get; set; }

    public bool Enabled { get; set; } = true;

    /// <summary>Comma-separated wire names of the states it is sent for (e.g. <c>offline,online</c>); empty = all.</summary>
    public string EventKinds { get; set; } = string.Empty;

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }
}
