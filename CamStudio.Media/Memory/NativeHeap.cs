using System.Runtime.InteropServices;

namespace CamStudio.Media.Memory;

/// <summary>
/// Hands the free pages of the C heap back to the operating system (glibc's <c>malloc_trim</c>).
/// </summary>
/// <remarks>
/// The runtime's JIT compiles the handshake and send paths again at tier 1 once a burst of viewers has called them
/// often enough, and its scratch memory comes from malloc: freed, it stays resident inside glibc's heap (the memory
/// probe: ~100–160 KiB per viewer of <c>[heap]</c> growth in the minute after 40 joined). glibc only returns the top of
/// the heap on its own; <c>malloc_trim</c> also releases whole free pages in the middle. Elsewhere (musl, not Linux) the
/// call does not exist and this does nothing.
/// </remarks>
internal static class NativeHeap
{
    private static volatile bool s_unavailable = !OperatingSystem.IsLinux();

    /// <summary>
    /// One blocking, compacting collection of every generation that decommits what is free at once, then the C heap's
    /// free pages: what both memory releases (after a burst of handshakes, after the last camera stops) do.
    /// </summary>
    public static void CollectAndTrim()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        Trim();
    }

    public static void Trim()
    {
        if (s_unavailable)
        {
            return;
        }

        try
        {
            _ = MallocTrim(0);
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            s_unavailable = true;
        }
    }

    [DllImport("libc", EntryPoint = "malloc_trim", ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int MallocTrim(nuint pad);
}
