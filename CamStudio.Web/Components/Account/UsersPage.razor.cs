using System.Security.Claims;
using CamStudio.Core.Accounts;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace CamStudio.Web.Components.Account;

/// <summary>Admin page: list users, add a Viewer or Admin, delete (never yourself, never the last Admin).</summary>
public partial class UsersPage
{
    private IReadOnlyList<UserSummary>? _users;
    private IReadOnlyList<string> _errors = [];
    private string _newName = string.Empty;
    private string _newPassword = string.Empty;
    private string _newRole = CamStudioRoles.Viewer;
    private string? _currentUserId;
    private bool _busy;

    [Inject]
    private UserAccountService Accounts { get; set; } = null!;

    [Inject]
    private ISnackbar Snackbar { get; set; } = null!;

    [Inject]
    private IDialogService Dialogs { get; set; } = null!;

    [CascadingParameter]
    private Task<AuthenticationState>? AuthenticationState { get; set; }

    protected override async Task OnInitializedAsync()
    {
        if (AuthenticationState is not null)
        {
            _currentUserId = (await AuthenticationState).User.FindFirstValue(ClaimTypes.NameIdentifier);
        }

        _users = await Accounts.ListAsync(CancellationToken.None);
    }

    private async Task AddAsync()
    {
        _busy = true;
        try
        {
            AccountResult result = await Accounts.CreateAsync(_newName, _newPassword, _newRole, CancellationToken.None);
            _errors = result.Errors;
            if (result.Succeeded)
            {
                Snackbar.Add($"Added {_newName.Trim()} ({_newRole}).", Severity.Success);
                _newName = _newPassword = string.Empty;
                _users = await Accounts.ListAsync(CancellationToken.None);
            }
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task DeleteAsync(UserSummary user)
    {
        bool? confirmed = await Dialogs.ShowMessageBoxAsync("Delete user?", $"Delete \"{user.UserName}\" and revoke their API tokens?",
            yesText: "Delete", cancelText: "Cancel");
        if (confirmed != true)
        {
            return;
        }

        _busy = true;
        try
        {
            AccountResult result = await Accounts.DeleteAsync(user.Id, _currentUserId ?? string.Empty, CancellationToken.None);
            _errors = result.Errors;
            _users = await Accounts.ListAsync(CancellationToken.None);
        }
        finally
        {
            _busy = false;
        }
    }
}
