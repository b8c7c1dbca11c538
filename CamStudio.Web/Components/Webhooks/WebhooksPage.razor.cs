using System.Globalization;
using CamStudio.Core.Health;
using CamStudio.Core.Webhooks;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using MudBlazor;

namespace CamStudio.Web.Components.Webhooks;

/// <summary>
/// Admin page: add webhooks (the secret is shown once, right after), send a test event, enable/disable, replace the
/// secret, delete. The list shows only masked URLs and secret hints.
/// </summary>
public partial class WebhooksPage
{
    private WebhookFormModel _model = new();
    private EditContext _editContext = null!;
    private WebhookFormValidator? _validator;
    private IReadOnlyList<WebhookInfo>? _webhooks;
    private string? _shownSecret;
    private string? _shownSecretFor;
    private bool _busy;

    [Inject]
    private WebhookService Webhooks { get; set; } = null!;

    [Inject]
    private WebhookDeliveryService Deliveries { get; set; } = null!;

    [Inject]
    private ISnackbar Snackbar { get; set; } = null!;

    [Inject]
    private IDialogService Dialogs { get; set; } = null!;

    protected override async Task OnInitializedAsync()
    {
        _editContext = new EditContext(_model);
        _webhooks = await Webhooks.ListAsync(CancellationToken.None);
    }

    private void ToggleState(CameraHealthState state, bool on)
    {
        if (on)
        {
            _model.States.Add(state);
        }
        else
        {
            _model.States.Remove(state);
        }
    }

    private async Task CreateAsync()
    {
        _busy = true;
        try
        {
            switch (await Webhooks.CreateAsync(_model.ToRequest(), CancellationToken.None))
            {
                case WebhookSaved saved:
                    ShowSecret(saved);
                    _model = new WebhookFormModel();
                    _editContext = new EditContext(_model);
                    _webhooks = await Webhooks.ListAsync(CancellationToken.None);
                    break;
                case WebhookInvalid invalid:
                    _validator?.DisplayErrors(invalid.Errors);
                    break;
            }
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task SendTestAsync(WebhookInfo hook)
    {
        _busy = true;
        try
        {
            WebhookDeliveryResult? result = await Deliveries.SendTestAsync(hook.WebhookId, CancellationToken.None);
            if (result is not null)
            {
                Snackbar.Add($"Test to {hook.Name}: {result.Message}", result.Succeeded ? Severity.Success : Severity.Error);
            }

            _webhooks = await Webhooks.ListAsync(CancellationToken.None);
        }
        finally
        {
            _busy = false;
        }
    }

    private Task ToggleEnabledAsync(WebhookInfo hook) => UpdateAsync(hook, new WebhookRequest { Enabled = !hook.Enabled });

    private Task RegenerateAsync(WebhookInfo hook) => UpdateAsync(hook, new WebhookRequest { RegenerateSecret = true });

    private async Task UpdateAsync(WebhookInfo hook, WebhookRequest change)
    {
        _busy = true;
        try
        {
            if (await Webhooks.UpdateAsync(hook.WebhookId, change, CancellationToken.None) is WebhookSaved saved && saved.Secret is not null)
            {
                ShowSecret(saved);
            }

            _webhooks = await Webhooks.ListAsync(CancellationToken.None);
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task DeleteAsync(WebhookInfo hook)
    {
        bool? confirmed = await Dialogs.ShowMessageBoxAsync("Delete webhook?", $"Delete \"{hook.Name}\"? Its receiver gets no more events.",
            yesText: "Delete", cancelText: "Cancel");
        if (confirmed != true)
        {
            return;
        }

        await Webhooks.DeleteAsync(hook.WebhookId, CancellationToken.None);
        _webhooks = await Webhooks.ListAsync(CancellationToken.None);
    }

    private void ShowSecret(WebhookSaved saved)
    {
        _shownSecret = saved.Secret;
        _shownSecretFor = saved.Webhook.Name;
    }
}

/// <summary>Wording of delivery results.</summary>
public static class WebhooksFormat
{
    public static string Describe(WebhookDeliveryResult? result)
    {
        if (result is null)
        {
            return "None yet";
        }

        string when = result.At.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        string outcome = result.Succeeded ? "Delivered" : "Failed";
        return string.Create(CultureInfo.InvariantCulture, $"{outcome} {result.EventType} at {when} UTC after {result.Attempts} attempt(s): {result.Message}");
    }
}
