using CamStudio.Core.Groups;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace CamStudio.Web.Components.Groups;

/// <summary>Admins add, rename, reorder and delete camera groups (<c>/groups</c>); membership is set in the camera form.</summary>
public partial class GroupsPage
{
    public const string DuplicateNameMessage = "Another group already has this name.";

    private IReadOnlyList<CameraGroupResponse>? _groups;
    private string _newName = string.Empty;
    private string? _addError;
    private int? _renaming;
    private string _renameText = string.Empty;
    private string? _renameError;
    private bool _busy;

    [Inject]
    private ICameraGroupStore Store { get; set; } = default!;

    [Inject]
    private ISnackbar Snackbar { get; set; } = default!;

    protected override async Task OnInitializedAsync() => await LoadAsync();

    private static string CameraCount(CameraGroupResponse group) =>
        group.CameraIds.Count == 1 ? "1 camera" : group.CameraIds.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) + " cameras";

    private async Task LoadAsync() => _groups = await Store.ListAsync(CancellationToken.None);

    private async Task AddAsync()
    {
        _busy = true;
        try
        {
            CameraGroupResult result = await Store.CreateAsync(new CameraGroupRequest { Name = _newName }, CancellationToken.None);
            _addError = ErrorOf(result);
            if (result is CameraGroupSaved saved)
            {
                _newName = string.Empty;
                Snackbar.Add($"Added \"{saved.Group.Name}\".", Severity.Success);
            }

            await LoadAsync();
        }
        finally
        {
            _busy = false;
        }
    }

    private void StartRename(CameraGroupResponse group)
    {
        _renaming = group.GroupId;
        _renameText = group.Name;
        _renameError = null;
    }

    private void CancelRename()
    {
        _renaming = null;
        _renameError = null;
    }

    private async Task RenameAsync(CameraGroupResponse group)
    {
        _busy = true;
        try
        {
            CameraGroupResult result = await Store.UpdateAsync(group.GroupId, new CameraGroupRequest { Name = _renameText }, CancellationToken.None);
            _renameError = ErrorOf(result);
            if (_renameError is null)
            {
                _renaming = null;
            }

            await LoadAsync();
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task MoveAsync(CameraGroupResponse group, int position)
    {
        _busy = true;
        try
        {
            await Store.UpdateAsync(group.GroupId, new CameraGroupRequest { Position = position }, CancellationToken.None);
            await LoadAsync();
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task DeleteAsync(CameraGroupResponse group)
    {
        _busy = true;
        try
        {
            if (await Store.DeleteAsync(group.GroupId, CancellationToken.None))
            {
                Snackbar.Add($"Deleted \"{group.Name}\"; its cameras are kept.", Severity.Info);
            }

            await LoadAsync();
        }
        finally
        {
            _busy = false;
        }
    }

    /// <summary>The message to show under the name field; null when the write succeeded.</summary>
    private static string? ErrorOf(CameraGroupResult result) => result switch
    {
        CameraGroupSaved => null,
        CameraGroupInvalid invalid => string.Join(" ", invalid.Errors.Values.SelectMany(m => m)),
        CameraGroupDuplicateName => DuplicateNameMessage,
        CameraGroupNotFound => "This group no longer exists.",
        _ => "The group could not be saved.",
    };
}
