using System.ComponentModel.DataAnnotations;

namespace CamStudio.Media.Memory;

/// <summary>Configuration of what the server hands back to the OS while idle (section <c>Memory</c>).</summary>
public sealed class MemoryReleaseOptions
{
    public const string SectionName = "Memory";

    /// <summary>
    /// Whether the pages of the mapped assemblies and libraries are handed back (<see cref="ImagePages"/>) once
    /// start-up has settled and each time the last camera stops. Off: only the GC's idle collection remains, as before.
    /// </summary>
    public bool ReleaseImagePagesWhenIdle { get; set; } = true;

    /// <summary>
    /// How long after start-up the first release runs (if no camera streams by then): long enough for the start-up
    /// work — migrations, the first health and poster passes, the first page a browser asks for — to be over.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan StartupSettleTime { get; set; } = TimeSpan.FromSeconds(30);
}
