using System.Globalization;
using CamStudio.Core.Groups;
using CamStudio.Core.Views;
using Microsoft.AspNetCore.Components;

namespace CamStudio.Web.Components.Live;

/// <summary>
/// The group filter ("All" and each group) and the saved-view controls of the Live page. Every choice goes back to the
/// page through a callback; the only state kept here is the open "Save as new view" form.
/// </summary>
public partial class LiveViewBar
{
    private bool _saveAsOpen;
    private string _name = string.Empty;
    private bool _shared;
    private string? _nameError;

    /// <summary>The groups, in their order.</summary>
    [Parameter]
    public IReadOnlyList<CameraGroupResponse> Groups { get; set; } = [];

    /// <summary>The user's views and the shared ones.</summary>
    [Parameter]
    public IReadOnlyList<CameraViewResponse> Views { get; set; } = [];

    /// <summary>The group shown; null for every camera.</summary>
    [Parameter]
    public int? SelectedGroupId { get; set; }

    /// <summary>The open view, if any.</summary>
    [Parameter]
    public CameraViewResponse? SelectedView { get; set; }

    /// <summary>False hides the view controls (a caller without a user id, which the store could not own views for).</summary>
    [Parameter]
    public bool CanSaveViews { get; set; }

    /// <summary>Shows sharing.</summary>
    [Parameter]
    public bool IsAdmin { get; set; }

    /// <summary>The layout, group or order differ from the open view's.</summary>
    [Parameter]
    public bool Dirty { get; set; }

    /// <summary>The camera order list is open.</summary>
    [Parameter]
    public bool Arranging { get; set; }

    /// <summary>The last view action's failure, in words.</summary>
    [Parameter]
    public string? Error { get; set; }

    [Parameter]
    public EventCallback<int?> OnGroupSelected { get; set; }

    /// <summary>A view picked, or null for none.</summary>
    [Parameter]
    public EventCallback<int?> OnViewSelected { get; set; }

    /// <summary>Saves the current group, layout and order into the open view.</summary>
    [Parameter]
    public EventCallback OnSave { get; set; }

    /// <summary>Creates a view from the current state with a name and the shared flag; returns the name's error, or null.</summary>
    [Parameter]
    public Func<string, bool, Task<string?>>? OnSaveAs { get; set; }

    [Parameter]
    public EventCallback OnSetDefault { get; set; }

    [Parameter]
    public EventCallback OnToggleShared { get; set; }

    [Parameter]
    public EventCallback OnDelete { get; set; }

    [Parameter]
    public EventCallback OnToggleArrange { get; set; }

    private static string Label(CameraViewResponse view) =>
        view.Name + (view.Shared ? " (shared)" : string.Empty) + (view.IsDefault ? " · default" : string.Empty);

    private Task OnPickerChanged(ChangeEventArgs e) =>
        OnViewSelected.InvokeAsync(int.TryParse(e.Value as string, NumberStyles.None, CultureInfo.InvariantCulture, out int id) ? id : null);

    private void OpenSaveAs()
    {
        _saveAsOpen = true;
        _name = string.Empty;
        _shared = false;
        _nameError = null;
    }

    private async Task SubmitSaveAsAsync()
    {
        if (OnSaveAs is null)
        {
            return;
        }

        _nameError = await OnSaveAs(_name, _shared);
        _saveAsOpen = _nameError is not null;
    }
}
