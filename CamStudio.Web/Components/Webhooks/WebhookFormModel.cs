using CamStudio.Core.Events;
using CamStudio.Core.Health;
using CamStudio.Core.Webhooks;

namespace CamStudio.Web.Components.Webhooks;

/// <summary>The new-webhook form; validated by <see cref="WebhookValidator"/>, the rules the API applies.</summary>
public sealed class WebhookFormModel
{
    /// <summary>Form property → the API's field name, so a store error lands under its field.</summary>
    public static readonly IReadOnlyDictionary<string, string> WireKeys = new Dictionary<string, string>
    {
        [nameof(Name)] = WebhookValidator.NameField,
        [nameof(Url)] = WebhookValidator.UrlField,
        [nameof(Secret)] = WebhookValidator.SecretField,
    };

    public string Name { get; set; } = string.Empty;

    public string Url { get; set; } = string.Empty;

    /// <summary>Empty: the server generates one.</summary>
    public string Secret { get; set; } = string.Empty;

    /// <summary>Checked states; none = every state.</summary>
    public HashSet<CameraHealthState> States { get; } = [];

    public WebhookRequest ToRequest() => new()
    {
        Name = Name,
        Url = Url,
        Secret = string.IsNullOrEmpty(Secret) ? null : Secret,
        Enabled = true,
        EventKinds = [.. States.Select(CameraHealthStates.WireName)],
    };
}
