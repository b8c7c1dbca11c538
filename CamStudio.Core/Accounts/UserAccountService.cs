using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CamStudio.Core.Accounts;

/// <summary>A user as the admin page lists it.</summary>
public sealed record UserSummary(string Id, string UserName, string Role, bool LockedOut);

/// <summary>Success, or the reasons (Identity's password and name rules, or ours) a change was refused.</summary>
public sealed record AccountResult(IReadOnlyList<string> Errors)
{
    public static AccountResult Ok { get; } = new([]);

    public bool Succeeded => Errors.Count == 0;

    public static AccountResult Fail(string error) => new([error]);
}

/// <summary>
/// User administration on top of Identity's <see cref="UserManager{TUser}"/>, one DI scope (and so one short-lived
/// database context) per operation: safe to call from a long-lived Blazor circuit, the command line or start-up.
/// </summary>
public sealed class UserAccountService(IServiceScopeFactory scopes)
{
    private readonly SemaphoreSlim _firstAdmin = new(1, 1);
    private volatile bool _hasUsers;

    /// <summary>Whether any account exists; once true it is cached (the last admin cannot be deleted).</summary>
    public async Task<bool> HasUsersAsync(CancellationToken cancellationToken)
    {
        if (_hasUsers)
        {
            return true;
        }

        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        UserManager<IdentityUser> users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        _hasUsers = await users.Users.AnyAsync(cancellationToken).ConfigureAwait(false);
        return _hasUsers;
    }

    public async Task<IReadOnlyList<UserSummary>> ListAsync(CancellationToken cancellationToken)
    {
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        UserManager<IdentityUser> users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        List<IdentityUser> all = await users.Users.OrderBy(u => u.UserName).ToListAsync(cancellationToken).ConfigureAwait(false);
        var result = new List<UserSummary>(all.Count);
        foreach (IdentityUser user in all)
        {
            cancellationToken.ThrowIfCancellationRequested();
            IList<string> roles = await users.GetRolesAsync(user).ConfigureAwait(false);
            bool locked = await users.IsLockedOutAsync(user).ConfigureAwait(false);
            result.Add(new UserSummary(user.Id, user.UserName ?? string.Empty, roles.FirstOrDefault() ?? string.Empty, locked));
        }

        return result;
    }

    /// <summary>Creates a user with one role; Identity's password and user-name rules apply.</summary>
    public async Task<AccountResult> CreateAsync(string userName, string password, string role, CancellationToken cancellationToken)
    {
        if (CamStudioRoles.Normalize(role) is not { } canonicalRole)
        {
            return AccountResult.Fail($"Role must be {CamStudioRoles.Admin} or {CamStudioRoles.Viewer}.");
        }

        if (string.IsNullOrWhiteSpace(userName))
        {
            return AccountResult.Fail("A user name is required.");
        }

        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        await EnsureRolesAsync(scope.ServiceProvider).ConfigureAwait(false);
        UserManager<IdentityUser> users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        var user = new IdentityUser(userName.Trim());
        IdentityResult created = await users.CreateAsync(user, password ?? string.Empty).ConfigureAwait(false);
        if (!created.Succeeded)
        {
            return new AccountResult(created.Errors.Select(e => e.Description).ToList());
        }

        IdentityResult added = await users.AddToRoleAsync(user, canonicalRole).ConfigureAwait(false);
        if (!added.Succeeded)
        {
            await users.DeleteAsync(user).ConfigureAwait(false);
            return new AccountResult(added.Errors.Select(e => e.Description).ToList());
        }

        _hasUsers = true;
        cancellationToken.ThrowIfCancellationRequested();
        return AccountResult.Ok;
    }

    /// <summary>Creates the first account, an Admin, only while there is no account at all (first-run set-up).</summary>
    public async Task<AccountResult> CreateFirstAdminAsync(string userName, string password, CancellationToken cancellationToken)
    {
        await _firstAdmin.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _hasUsers = false;
            if (await HasUsersAsync(cancellationToken).ConfigureAwait(false))
            {
                return AccountResult.Fail("The administrator account already exists; sign in instead.");
            }

            return await CreateAsync(userName, password, CamStudioRoles.Admin, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _firstAdmin.Release();
        }
    }

    /// <summary>Deletes a user (and its API tokens); refuses to delete the acting user or the last Admin.</summary>
    public async Task<AccountResult> DeleteAsync(string userId, string actingUserId, CancellationToken cancellationToken)
    {
        if (string.Equals(userId, actingUserId, StringComparison.Ordinal))
        {
            return AccountResult.Fail("You cannot delete your own account.");
        }

        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        UserManager<IdentityUser> users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        if (await users.FindByIdAsync(userId).ConfigureAwait(false) is not { } user)
        {
            return AccountResult.Fail("No such user.");
        }

        if (await users.IsInRoleAsync(user, CamStudioRoles.Admin).ConfigureAwait(false)
            && (await users.GetUsersInRoleAsync(CamStudioRoles.Admin).ConfigureAwait(false)).Count <= 1)
        {
            return AccountResult.Fail("The last administrator cannot be deleted.");
        }

        cancellationToken.ThrowIfCancellationRequested();
        IdentityResult deleted = await users.DeleteAsync(user).ConfigureAwait(false);
        return deleted.Succeeded ? AccountResult.Ok : new AccountResult(deleted.Errors.Select(e => e.Description).ToList());
    }

    /// <summary>The id of the user named <paramref name="userName"/>, or null.</summary>
    public async Task<string?> FindIdByNameAsync(string userName, CancellationToken cancellationToken)
    {
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        UserManager<IdentityUser> users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        cancellationToken.ThrowIfCancellationRequested();
        return (await users.FindByNameAsync(userName).ConfigureAwait(false))?.Id;
    }

    private static async Task EnsureRolesAsync(IServiceProvider services)
    {
        RoleManager<IdentityRole> roles = services.GetRequiredService<RoleManager<IdentityRole>>();
        foreach (string role in CamStudioRoles.All)
        {
            if (!await roles.RoleExistsAsync(role).ConfigureAwait(false))
            {
                await roles.CreateAsync(new IdentityRole(role)).ConfigureAwait(false);
            }
        }
    }
}
