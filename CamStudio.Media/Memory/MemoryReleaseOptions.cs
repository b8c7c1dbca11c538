using System.ComponentModel.DataAnnotations;

namespace CamStudio.Media.Memory;

/// <summary>Configuration of what the server hands back to the OS while idle (section <c>Memory</c>).</summary>
public sealed class MemoryReleaseOptions
{
    public const string SectionName = "Memory";

    /// <summary>
    /// What happens to the pages of the mapped assemblies and libraries (<see cref="ImagePages"/>) once start-up has
    /// settled and each time the last camera stops. <see cref="IdleImagePages.Unmap"/> (the default) takes them out of
    /// the process's resident set and keeps them in the page cache: idle RSS ~40 MiB lower, the next page costs minor
    /// faults only, and the kernel can reclaim them first when another program needs memory.
    /// <see cref="IdleImagePages.Evict"/> also drops them from memory (the next page reads its code from disk: the
    /// sign-in page 0.2–1.6 s slower on x64); <see cref="IdleImagePages.Keep"/> leaves them. docs/benchmarks/footprint.md.
    /// </summary>
    [EnumDataType(typeof(IdleImagePages))]
    public IdleImagePages ImagePagesWhenIdle { get; set; } = IdleImagePages.Unmap;

    /// <summary>
    /// How long after start-up the start-up release runs (if no camera streams by then): long enough for the start-up
    /// work — migrations, the first health and poster passes, the first page a browser asks for — to be over.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan StartupSettleTime { get; set; } = TimeSpan.FromSeconds(15);
}

/// <summary>What the idle release does with the pages of the mapped images (<see cref="MemoryReleaseOptions.ImagePagesWhenIdle"/>).</summary>
public enum IdleImagePages
{
    /// <summary>Leaves them mapped and resident.</summary>
    Keep,

    /// <summary>Takes them out of the process's resident set; the page cache keeps them (<see cref="ReleaseMode.Unmap"/>).</summary>
    Unmap,

    /// <summary>Takes them out of memory (<see cref="ReleaseMode.Evict"/>).</summary>
    Evict,
}
