namespace CamStudio.Web.Components.Account;

/// <summary>Keeps sign-in redirects on this site: anything but a plain local path becomes "/" (no open redirect).</summary>
internal static class LocalUrl
{
    public static string OrRoot(string? url) =>
        url is { Length: > 0 } && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'))
            && !url.Contains("://", StringComparison.Ordinal) && !url.Any(char.IsControl)
            ? url
            : "/";
}
