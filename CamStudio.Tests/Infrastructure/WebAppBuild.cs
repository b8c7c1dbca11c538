namespace CamStudio.Tests.Infrastructure;

/// <summary>The CamStudio.Web.dll built next to this test run (same configuration), for tests that run the real app as a process.</summary>
public static class WebAppBuild
{
    public static string Dll
    {
        get
        {
            string baseDirectory = Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory);
            string framework = Path.GetFileName(baseDirectory);
            string configuration = Path.GetFileName(Path.GetDirectoryName(baseDirectory)!);
            string dll = Path.Combine(RepositoryPaths.Root, "CamStudio.Web", "bin", configuration, framework, "CamStudio.Web.dll");
            File.Exists(dll).Should().BeTrue($"the web project is built with the tests ({dll})");
            return dll;
        }
    }
}
