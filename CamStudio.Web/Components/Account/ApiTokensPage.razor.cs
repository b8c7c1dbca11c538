using System.Security.Claims;
using CamStudio.Core.Accounts;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace CamStudio.Web.Components.Account;

/// <summary>The signed-in user's API tokens: create (the secret is shown once), list, revoke.</summary>
public partial class ApiTokensPage
{
    // 0 = until revoked. A script's token is best given an end date; the choice stays the operator's.
    private static readonly (int Days, string Label)[] s_lifetimes = [(30, "In 30 days"), (90, "In 90 days"), (365, "In a year"), (0, "Never")];

    private IReadOnlyList<ApiTokenInfo>? _tokens;
    private int _lifetimeDays = 90;
    private string _name = string.Empty;
    private string? _created;
    private string _userId = string.Empty;

    [Inject]
    private ApiTokenService Tokens { get; set; } = null!;

    [Inject]
    private ISnackbar Snackbar { get; set; } = null!;

    // The same clock the token store stamps and checks expiry with, so the page never disagrees with it.
    [Inject]
    private TimeProvider Clock { get; set; } = null!;

    [CascadingParameter]
    private Task<AuthenticationState>? AuthenticationState { get; set; }

    protected override async Task OnInitializedAsync()
    {
        if (AuthenticationState is not null)
        {
            _userId = (await AuthenticationState).User.FindFirstValue(ClaimTypes.NameIdentifier) ?? string.Empty;
        }

        await ReloadAsync();
    }

    private async Task CreateAsync()
    {
        CreatedApiToken created = await Tokens.CreateAsync(
            _userId, _name, CancellationToken.None, _lifetimeDays > 0 ? TimeSpan.FromDays(_lifetimeDays) : null);
        _created = created.Token;
        _name = string.Empty;
        await ReloadAsync();
    }

    private async Task RevokeAsync(ApiTokenInfo token)
    {
        if (await Tokens.RevokeAsync(_userId, token.Id, CancellationToken.None))
        {
            Snackbar.Add($"Revoked \"{token.Name}\".", Severity.Info);
        }

        _created = null;
        await ReloadAsync();
    }

    private static string Format(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture);

    private async Task ReloadAsync() =>
        _tokens = _userId.Length == 0 ? [] : await Tokens.ListAsync(_userId, CancellationToken.None);
}
