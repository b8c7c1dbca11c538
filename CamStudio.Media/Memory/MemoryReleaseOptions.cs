using System.ComponentModel.DataAnnotations;

namespace CamStudio.Media.Memory;

/// <summary>Configuration of what the server hands back to the OS while idle (section <c>Memory</c>).</summary>
public sealed class MemoryReleaseOptions
{
    public const string SectionName = "Memory";

    /// <summary>
    /// Whether the pages of the mapped assemblies and libraries are handed back (<see cref="ImagePages"/>) once
    /// start-up has settled and each time the last camera stops. Off by default: idle resident memory is 35–60 MiB
    /// lower with it, but the next page a browser opens reads its code back from disk (measured on x64: the sign-in
    /// page 0.2–1.6 s slower the first time, more under disk contention; docs/benchmarks/footprint.md). For memory-starved installations.
    /// </summary>
    public bool ReleaseImagePagesWhenIdle { get; set; }

    /// <summary>
    /// How long after start-up the start-up release runs (if no camera streams by then): long enough for the start-up
    /// work — migrations, the first health and poster passes, the first page a browser asks for — to be over.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan StartupSettleTime { get; set; } = TimeSpan.FromSeconds(30);
}
