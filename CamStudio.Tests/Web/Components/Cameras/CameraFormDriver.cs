using AngleSharp.Dom;
using Bunit;
using CamStudio.Web.Components.Cameras;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace CamStudio.Tests.Web.Components.Cameras;

/// <summary>Drives the rendered camera form by its <c>data-field</c> keys (the API's snake_case field names).</summary>
public sealed class CameraFormDriver(IRenderedComponent<CameraEditPage> page)
{
    public IRenderedComponent<CameraEditPage> Page { get; } = page;

    public IElement Input(string field) => Page.Find($"input[data-field='{field}'], textarea[data-field='{field}']");

    public string? Value(string field) => Input(field).GetAttribute("value") ?? Input(field).TextContent;

    /// <summary>The error text MudBlazor shows under the field (in the field's own input control), or null.</summary>
    public string? Error(string field)
    {
        IElement control = Input(field).Closest(".mud-input-control")
            ?? throw new InvalidOperationException($"Field {field} has no input control.");
        return control.QuerySelector(".mud-input-helper-text.mud-input-error")?.TextContent.Trim() is { Length: > 0 } text ? text : null;
    }

    /// <summary>Every error text on the page, wherever it is shown.</summary>
    public IReadOnlyList<string> AllErrors() =>
        Page.FindAll(".mud-input-helper-text.mud-input-error").Select(e => e.TextContent.Trim()).Where(t => t.Length > 0).ToList();

    public Task SetAsync(string field, string value) => Input(field).ChangeAsync(new ChangeEventArgs { Value = value });

    public Task SubmitAsync() => Page.Find("form").SubmitAsync();

    public Task ClickAsync(string buttonText) =>
        Page.FindAll("button").Single(b => b.TextContent.Trim() == buttonText).ClickAsync(new Microsoft.AspNetCore.Components.Web.MouseEventArgs());

    /// <summary>The Audio switch's checkbox (the MudSwitch marked <c>data-testid="audio"</c>).</summary>
    public IElement AudioSwitch() => Page.Find("[data-testid='audio'] input[type='checkbox'], input[type='checkbox'][data-testid='audio']");

    public bool AudioChecked() => AudioSwitch().HasAttribute("checked") || AudioSwitch().GetAttribute("aria-checked") == "true";

    /// <summary>Flips the Audio switch the way a click does (the checkbox's change event).</summary>
    public Task ToggleAudioAsync() => AudioSwitch().ChangeAsync(new ChangeEventArgs { Value = !AudioChecked() });

    /// <summary>Picks a value in a MudSelect the way choosing a menu item does: through the select's ValueChanged.</summary>
    public Task SelectAsync<T>(string label, T value)
    {
        IRenderedComponent<MudSelect<T>> select = Page.FindComponents<MudSelect<T>>().Single(s => s.Instance.Label == label);
        return Page.InvokeAsync(() => select.Instance.ValueChanged.InvokeAsync(value));
    }
}
