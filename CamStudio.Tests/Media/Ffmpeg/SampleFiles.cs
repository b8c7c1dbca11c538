namespace CamStudio.Tests.Media.Ffmpeg;

/// <summary>Reads captured FFmpeg output from the source tree (not copied to the output: the .csproj stays untouched).</summary>
internal static class SampleFiles
{
    private static readonly Lazy<string> s_directory = new(FindDirectory);

    public static string Read(string name) => File.ReadAllText(Path.Combine(s_directory.Value, name));

    public static string[] ReadLines(string name) => File.ReadAllLines(Path.Combine(s_directory.Value, name));

    private static string FindDirectory()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CamStudio.sln")))
            {
                return Path.Combine(dir.FullName, "CamStudio.Tests", "Media", "Ffmpeg", "Samples");
            }
        }

        throw new InvalidOperationException("CamStudio.sln not found above " + AppContext.BaseDirectory);
    }
}
