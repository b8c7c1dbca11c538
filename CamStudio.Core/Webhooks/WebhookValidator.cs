using CamStudio.Core.Events;
using CamStudio.Core.Health;

namespace CamStudio.Core.Webhooks;

/// <summary>Rules for a webhook, the same for the API and the page. Messages never echo the submitted value.</summary>
public static class WebhookValidator
{
    public const int MaxNameLength = 100;
    public const int MaxUrlLength = 2048;
    public const int MinSecretLength = 16;
    public const int MaxSecretLength = 256;
    public const int SecretHintLength = 4;

    public const string NameField = "name";
    public const string UrlField = "url";
    public const string SecretField = "secret";
    public const string EventKindsField = "event_kinds";

    public static Dictionary<string, string[]> Validate(WebhookRequest request, bool creating)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new Dictionary<string, string[]>();
        string? name = request.Name?.Trim();
        if (creating || request.Name is not null)
        {
            if (string.IsNullOrEmpty(name))
            {
                errors[NameField] = ["Enter a name."];
            }
            else if (name.Length > MaxNameLength || name.Any(char.IsControl))
            {
                errors[NameField] = [$"A name is at most {MaxNameLength} characters, without control characters."];
            }
        }

        if (creating || request.Url is not null)
        {
            if (ValidateUrl(request.Url) is { } urlError)
            {
                errors[UrlField] = [urlError];
            }
        }

        if (!string.IsNullOrEmpty(request.Secret))
        {
            if (request.Secret.Length is < MinSecretLength or > MaxSecretLength || request.Secret.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
            {
                errors[SecretField] = [$"A secret is {MinSecretLength} to {MaxSecretLength} characters without spaces; leave it empty to have one generated."];
            }
            else if (request.RegenerateSecret)
            {
                errors[SecretField] = ["Either enter a secret or ask for a new one, not both."];
            }
        }

        if (request.EventKinds is { } kinds && kinds.Any(k => !CameraHealthStates.TryParse(k, out CameraHealthState s) || s == CameraHealthState.Unknown))
        {
            errors[EventKindsField] = ["Event kinds are among: " + string.Join(", ", CameraHealthStates.Reportable.Select(CameraHealthStates.WireName)) + "."];
        }

        return errors;
    }

    /// <summary>Null when <paramref name="url"/> is an acceptable target, otherwise why not.</summary>
    public static string? ValidateUrl(string? url)
    {
        string trimmed = url?.Trim() ?? string.Empty;
        if (trimmed.Length == 0)
        {
            return "Enter the URL to POST to.";
        }

        if (trimmed.Length > MaxUrlLength)
        {
            return $"A URL is at most {MaxUrlLength} characters.";
        }

        if (!Uri.TryCreate(trimmed, UriKind.Absolute, out Uri? uri))
        {
            return "Enter an absolute URL such as https://example.com/hook.";
        }

        if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
        {
            return "The URL must start with http:// or https://.";
        }

        if (string.IsNullOrEmpty(uri.Host))
        {
            return "Enter an absolute URL such as https://example.com/hook.";
        }

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            // Credentials in a URL end up in logs and lists; the signature (or a token in the path) authenticates.
            return "The URL must not contain a user name or password; the receiver checks the signature instead.";
        }

        if (!string.IsNullOrEmpty(uri.Fragment))
        {
            return "The URL must not contain a #fragment (it is never sent).";
        }

        return null;
    }
}
