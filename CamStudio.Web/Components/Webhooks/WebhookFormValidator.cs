using CamStudio.Core.Webhooks;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;

namespace CamStudio.Web.Components.Webhooks;

/// <summary>Validates a <see cref="WebhookFormModel"/> with <see cref="WebhookValidator"/> on submit and per field.</summary>
public sealed class WebhookFormValidator : ComponentBase, IDisposable
{
    private ValidationMessageStore? _messages;
    private EditContext? _subscribed;

    /// <summary>The enclosing form's context; its model must be a <see cref="WebhookFormModel"/>.</summary>
    [CascadingParameter]
    public EditContext? CurrentEditContext { get; set; }

    protected override void OnParametersSet()
    {
        if (CurrentEditContext?.Model is not WebhookFormModel)
        {
            throw new InvalidOperationException($"{nameof(WebhookFormValidator)} goes inside an EditForm of a {nameof(WebhookFormModel)}.");
        }

        if (ReferenceEquals(CurrentEditContext, _subscribed))
        {
            return;
        }

        Unsubscribe();
        _subscribed = CurrentEditContext;
        _messages = new ValidationMessageStore(CurrentEditContext);
        CurrentEditContext.OnValidationRequested += OnValidationRequested;
        CurrentEditContext.OnFieldChanged += OnFieldChanged;
    }

    /// <summary>Shows errors keyed by API field name (as the store returns them) under their fields.</summary>
    public void DisplayErrors(IReadOnlyDictionary<string, string[]> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (_subscribed is null || _messages is null)
        {
            return;
        }

        foreach ((string property, string key) in WebhookFormModel.WireKeys)
        {
            if (errors.TryGetValue(key, out string[]? messages))
            {
                _messages.Add(_subscribed.Field(property), messages);
            }
        }

        _subscribed.NotifyValidationStateChanged();
    }

    public void Dispose() => Unsubscribe();

    private void OnValidationRequested(object? sender, ValidationRequestedEventArgs e)
    {
        _messages!.Clear();
        DisplayErrors(WebhookValidator.Validate(Model.ToRequest(), creating: true));
    }

    private void OnFieldChanged(object? sender, FieldChangedEventArgs e)
    {
        if (!WebhookFormModel.WireKeys.TryGetValue(e.FieldIdentifier.FieldName, out string? key))
        {
            return;
        }

        _messages!.Clear(e.FieldIdentifier);
        if (WebhookValidator.Validate(Model.ToRequest(), creating: true).TryGetValue(key, out string[]? messages))
        {
            _messages.Add(e.FieldIdentifier, messages);
        }

        _subscribed!.NotifyValidationStateChanged();
    }

    private WebhookFormModel Model => (WebhookFormModel)_subscribed!.Model;

    private void Unsubscribe()
    {
        if (_subscribed is not null)
        {
            _subscribed.OnValidationRequested -= OnValidationRequested;
            _subscribed.OnFieldChanged -= OnFieldChanged;
            _subscribed = null;
        }
    }
}
