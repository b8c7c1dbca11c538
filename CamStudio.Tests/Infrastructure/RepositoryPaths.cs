namespace CamStudio.Tests.Infrastructure;

/// <summary>Locates files of the repository (scripts, artifacts) from the test binaries' folder.</summary>
public static class RepositoryPaths
{
    private static readonly Lazy<string> s_root = new(FindRoot);

    /// <summary>The folder holding CamStudio.sln.</summary>
    public static string Root => s_root.Value;

    /// <summary>scripts/&lt;name&gt;.</summary>
    public static string Script(string name) => Path.Combine(Root, "scripts", name);

    /// <summary>
    /// Where tests put screenshots and other evidence: $CAMSTUDIO_TEST_ARTIFACTS (set by scripts/test.sh) or
    /// artifacts/test-results. Created on demand.
    /// </summary>
    public static string Artifacts
    {
        get
        {
            string path = Environment.GetEnvironmentVariable("CAMSTUDIO_TEST_ARTIFACTS") is { Length: > 0 } fromEnvironment
                ? fromEnvironment
                : Path.Combine(Root, "artifacts", "test-results");
            Directory.CreateDirectory(path);
            return path;
        }
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "CamStudio.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"CamStudio.sln not found above {AppContext.BaseDirectory}");
    }
}
