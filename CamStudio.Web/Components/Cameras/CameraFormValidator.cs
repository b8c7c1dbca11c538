using CamStudio.Core.Cameras;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;

namespace CamStudio.Web.Components.Cameras;

/// <summary>
/// Validates a <see cref="CameraFormModel"/> with <see cref="CameraValidator.Validate"/>, the rules the REST API applies,
/// so the form and the API can never disagree. Also shows errors the store returns (e.g. a duplicate name) on their field.
/// </summary>
public sealed class CameraFormValidator : ComponentBase, IDisposable
{
    private ValidationMessageStore? _messages;
    private EditContext? _subscribed;

    /// <summary>The enclosing form's context; its model must be a <see cref="CameraFormModel"/>.</summary>
    [CascadingParameter]
    public EditContext? CurrentEditContext { get; set; }

    protected override void OnParametersSet()
    {
        if (CurrentEditContext is null)
        {
            throw new InvalidOperationException($"{nameof(CameraFormValidator)} must be placed inside an EditForm.");
        }

        if (ReferenceEquals(CurrentEditContext, _subscribed))
        {
            return;
        }

        Unsubscribe();
        if (CurrentEditContext.Model is not CameraFormModel)
        {
            throw new InvalidOperationException($"{nameof(CameraFormValidator)} validates a {nameof(CameraFormModel)}.");
        }

        _subscribed = CurrentEditContext;
        _messages = new ValidationMessageStore(CurrentEditContext);
        CurrentEditContext.OnValidationRequested += OnValidationRequested;
        CurrentEditContext.OnFieldChanged += OnFieldChanged;
    }

    /// <summary>Shows errors keyed by <see cref="CameraFields"/> (as the store returns them) under their fields.</summary>
    public void DisplayErrors(IReadOnlyDictionary<string, string[]> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (_subscribed is null || _messages is null)
        {
            return;
        }

        foreach ((string property, string key) in CameraFormModel.WireKeys)
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
        if (_subscribed is null || _messages is null)
        {
            return;
        }

        _messages.Clear();
        IReadOnlyDictionary<string, string[]> errors = CameraValidator.Validate(Model.ToCreateRequest());
        foreach ((string property, string key) in CameraFormModel.WireKeys)
        {
            if (errors.TryGetValue(key, out string[]? messages))
            {
                _messages.Add(_subscribed.Field(property), messages);
            }
        }

        _subscribed.NotifyValidationStateChanged();
    }

    private void OnFieldChanged(object? sender, FieldChangedEventArgs e)
    {
        if (_subscribed is null || _messages is null || !CameraFormModel.WireKeys.TryGetValue(e.FieldIdentifier.FieldName, out string? key))
        {
            return;
        }

        // The whole camera is validated because one rule depends on another field (the address is optional for the demo).
        IReadOnlyDictionary<string, string[]> errors = CameraValidator.Validate(Model.ToCreateRequest());
        _messages.Clear(e.FieldIdentifier);
        if (errors.TryGetValue(key, out string[]? messages))
        {
            _messages.Add(e.FieldIdentifier, messages);
        }

        if (e.FieldIdentifier.FieldName == nameof(CameraFormModel.Source))
        {
            FieldIdentifier address = _subscribed.Field(nameof(CameraFormModel.IpAddress));
            _messages.Clear(address);
            if (errors.TryGetValue(CameraFields.IpAddress, out string[]? addressMessages) && _subscribed.IsModified(address))
            {
                _messages.Add(address, addressMessages);
            }
        }

        _subscribed.NotifyValidationStateChanged();
    }

    private CameraFormModel Model => (CameraFormModel)_subscribed!.Model;

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
