namespace CamStudio.Core.Accounts;

/// <summary>The two roles: Admin manages cameras and users; Viewer watches and reads status.</summary>
public static class CamStudioRoles
{
    public const string Admin = "Admin";
    public const string Viewer = "Viewer";

    public static IReadOnlyList<string> All { get; } = [Admin, Viewer];

    /// <summary>The canonical spelling of <paramref name="role"/> (case-insensitive), or null when it is not a role.</summary>
    public static string? Normalize(string? role) =>
        All.FirstOrDefault(r => string.Equals(r, role?.Trim(), StringComparison.OrdinalIgnoreCase));
}
