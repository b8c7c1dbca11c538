using System.Security.Claims;
using CamStudio.Core.Accounts;
using CamStudio.Core.Cameras;
using CamStudio.Core.Groups;
using CamStudio.Core.Views;
using CamStudio.Web.Components.Live;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;

namespace CamStudio.Web.Components.Pages;

/// <summary>
/// The Live page's groups and saved views. The address says what is shown (<c>?group=all|{id}</c>,
/// <c>?view={id}</c>, both: the view with another group), so a reload or a bookmark opens the same grid; with neither the
/// user's default view opens, else every camera.
/// </summary>
public partial class Home
{
    public const string GroupQueryName = "group";
    public const string ViewQueryName = "view";
    public const string AllGroups = "all";
    public const string MissingViewMessage = "That view no longer exists or is not shared with you; showing every camera.";

    private IReadOnlyList<CameraGroupResponse> _groups = [];
    private IReadOnlyList<CameraViewResponse> _views = [];
    private ViewCaller? _caller;
    private CameraViewResponse? _view;
    private int? _groupId;
    private List<int> _order = [];
    private bool _arranging;
    private string? _viewError;
    private bool _queryApplied;
    private string? _appliedGroupQuery;
    private int? _appliedViewQuery;

    [SupplyParameterFromQuery(Name = GroupQueryName)]
    private string? GroupQuery { get; set; }

    [SupplyParameterFromQuery(Name = ViewQueryName)]
    private int? ViewQuery { get; set; }

    [CascadingParameter]
    private Task<AuthenticationState>? AuthenticationState { get; set; }

    [Inject]
    private ICameraGroupStore GroupStore { get; set; } = default!;

    [Inject]
    private ICameraViewStore ViewStore { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    /// <summary>The open view's group, layout or order have been changed here and not saved.</summary>
    private bool IsDirty => _view is not null
        && (_view.GroupId != _groupId || _view.Layout != _layout
            || !CameraViewValidator.Arrange(_shown.Select(c => c.CameraId), _view.CameraOrder).SequenceEqual(_shown.Select(c => c.CameraId)));

    private async Task LoadCallerAsync()
    {
        if (AuthenticationState is null)
        {
            return;
        }

        ClaimsPrincipal user = (await AuthenticationState).User;
        string? userId = user.FindFirstValue(ClaimTypes.NameIdentifier);
        _caller = userId is null ? null : new ViewCaller(userId, user.IsInRole(CamStudioRoles.Admin));
        await LoadViewsAsync();
    }

    private async Task LoadViewsAsync()
    {
        _views = _caller is null ? [] : await ViewStore.ListAsync(_caller, CancellationToken.None);
        if (_view is not null)
        {
            _view = _views.FirstOrDefault(v => v.ViewId == _view.ViewId);
        }
    }

    /// <summary>Shows what the address asks for; a re-render with the same address leaves unsaved changes alone.</summary>
    private Task ApplyQueryAsync()
    {
        if (_cameras is null || (_queryApplied && GroupQuery == _appliedGroupQuery && ViewQuery == _appliedViewQuery))
        {
            return Task.CompletedTask;
        }

        _queryApplied = true;
        _appliedGroupQuery = GroupQuery;
        _appliedViewQuery = ViewQuery;
        _viewError = null;
        CameraViewResponse? view = ViewQuery is int viewId
            ? _views.FirstOrDefault(v => v.ViewId == viewId)
            : GroupQuery is null ? _views.FirstOrDefault(v => v.IsDefault) : null;
        if (ViewQuery is not null && view is null)
        {
            _viewError = MissingViewMessage;
        }

        if (view is not null)
        {
            OpenView(view);
            if (GroupQuery is not null)
            {
                _groupId = ParseGroup(GroupQuery);
                Arrange();
            }
        }
        else
        {
            ShowGroup(ParseGroup(GroupQuery));
        }

        return Task.CompletedTask;
    }

    private int? ParseGroup(string? value) =>
        int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int id)
        && _groups.Any(g => g.GroupId == id) ? id : null;

    private void OpenView(CameraViewResponse view)
    {
        _view = view;
        _groupId = _groups.Any(g => g.GroupId == view.GroupId) ? view.GroupId : null;
        _layout = LiveLayouts.IsKnown(view.Layout) ? view.Layout : LiveLayouts.Auto;
        _order = [.. view.CameraOrder];
        _page = 1;
        _maximized = null;
        Arrange();
    }

    private void ShowGroup(int? groupId)
    {
        _view = null;
        _groupId = groupId;
        _order = [];
        _page = 1;
        _maximized = null;
        Arrange();
    }

    /// <summary>The cameras of the selected group in the chosen order (cameras not in the order follow by id).</summary>
    private void Arrange()
    {
        if (_cameras is null)
        {
            return;
        }

        Dictionary<int, CameraResponse> inGroup = _cameras.Where(c => _groupId is null || c.Groups.Contains(_groupId.Value))
            .ToDictionary(c => c.CameraId);
        _shown = CameraViewValidator.Arrange(inGroup.Keys, _order).ConvertAll(id => inGroup[id]);
        _page = Math.Min(_page, PageCount);
    }

    private void Move(int index, int delta)
    {
        (_shown[index], _shown[index + delta]) = (_shown[index + delta], _shown[index]);
        _order = _shown.ConvertAll(c => c.CameraId);
    }

    private void ToggleArrange()
    {
        _arranging = !_arranging;
        _maximized = null;
    }

    private Task SelectGroupAsync(int? groupId)
    {
        if (_view is not null)
        {
            // The open view stays open with another group: "Save view" then stores it.
            _groupId = groupId;
            _page = 1;
            Arrange();
            Navigate(groupId, _view.ViewId);
        }
        else
        {
            ShowGroup(groupId);
            Navigate(groupId, null);
        }

        return Task.CompletedTask;
    }

    private Task SelectViewAsync(int? viewId)
    {
        _viewError = null;
        CameraViewResponse? view = _views.FirstOrDefault(v => v.ViewId == viewId);
        if (view is null)
        {
            ShowGroup(_groupId);
            Navigate(_groupId, null);
        }
        else
        {
            OpenView(view);
            Navigate(null, view.ViewId);
        }

        return Task.CompletedTask;
    }

    private async Task SaveViewAsync()
    {
        if (_view is null || _caller is null)
        {
            return;
        }

        CameraViewResult result = await ViewStore.UpdateAsync(_caller, _view.ViewId, Draft(_view.Name, shared: null), CancellationToken.None);
        await AfterWriteAsync(result);
    }

    private async Task<string?> SaveViewAsAsync(string name, bool shared)
    {
        if (_caller is null)
        {
            return "Sign in again to save views.";
        }

        CameraViewResult result = await ViewStore.CreateAsync(_caller, Draft(name, shared), CancellationToken.None);
        switch (result)
        {
            case CameraViewInvalid invalid:
                return string.Join(" ", invalid.Errors.Values.SelectMany(m => m));
            case CameraViewForbidden forbidden:
                return forbidden.Reason;
            default:
                await AfterWriteAsync(result);
                return null;
        }
    }

    private async Task SetDefaultAsync()
    {
        if (_view is not null && _caller is not null)
        {
            await AfterWriteAsync(await ViewStore.SetDefaultAsync(_caller, _view.ViewId, CancellationToken.None), keepState: true);
        }
    }

    private async Task ToggleSharedAsync()
    {
        if (_view is null || _caller is null)
        {
            return;
        }

        // Sharing changes only the flag: unsaved changes on the page are not slipped into the shared view.
        var request = new CameraViewRequest
        {
            Name = _view.Name,
            GroupId = _view.GroupId,
            Layout = _view.Layout,
            CameraOrder = _view.CameraOrder,
            Shared = !_view.Shared,
        };
        await AfterWriteAsync(await ViewStore.UpdateAsync(_caller, _view.ViewId, request, CancellationToken.None), keepState: true);
    }

    private async Task DeleteViewAsync()
    {
        if (_view is null || _caller is null)
        {
            return;
        }

        CameraViewResult result = await ViewStore.DeleteAsync(_caller, _view.ViewId, CancellationToken.None);
        if (result is CameraViewSaved)
        {
            int? groupId = _groupId;
            await LoadViewsAsync();
            ShowGroup(groupId);
            Navigate(groupId, null);
        }
        else
        {
            _viewError = Describe(result);
        }
    }

    /// <summary>After a saved write: fresh view list, the saved view open (or its new flags, keeping the page as it is).</summary>
    private async Task AfterWriteAsync(CameraViewResult result, bool keepState = false)
    {
        if (result is not CameraViewSaved saved)
        {
            _viewError = Describe(result);
            return;
        }

        _viewError = null;
        await LoadViewsAsync();
        CameraViewResponse view = _views.FirstOrDefault(v => v.ViewId == saved.View.ViewId) ?? saved.View;
        if (keepState)
        {
            _view = view;
            return;
        }

        OpenView(view);
        Navigate(null, view.ViewId);
    }

    private CameraViewRequest Draft(string name, bool? shared) => new()
    {
        Name = name,
        GroupId = _groupId,
        Layout = _layout,
        // Until the operator arranges, no order is stored, so cameras added later simply follow by id.
        CameraOrder = _order.Count == 0 ? [] : _shown.ConvertAll(c => c.CameraId),
        Shared = shared,
    };

    private static string Describe(CameraViewResult result) => result switch
    {
        CameraViewInvalid invalid => string.Join(" ", invalid.Errors.Values.SelectMany(m => m)),
        CameraViewForbidden forbidden => forbidden.Reason,
        CameraViewNotFound => "This view no longer exists.",
        _ => "The view could not be saved.",
    };

    /// <summary>Puts the selection in the address (replacing the entry: picking filters should not fill the history).</summary>
    private void Navigate(int? groupId, int? viewId)
    {
        string? group = viewId is not null && _view is not null && groupId == _view.GroupId
            ? null
            : groupId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? AllGroups;
        _appliedGroupQuery = group;
        _appliedViewQuery = viewId;
        _queryApplied = true;
        Navigation.NavigateTo(Navigation.GetUriWithQueryParameters(new Dictionary<string, object?>
        {
            [GroupQueryName] = group,
            [ViewQueryName] = viewId,
        }), replace: true);
    }
}
