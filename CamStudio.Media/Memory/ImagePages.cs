using System.Globalization;
using System.Runtime.InteropServices;

namespace CamStudio.Media.Memory;

/// <summary>
/// Tells the kernel that the pages of the process's mapped images (assemblies, native libraries) are cold, so it
/// reclaims them now instead of when memory runs short: <c>madvise(MADV_PAGEOUT)</c> (Linux ≥ 5.4) over every
/// read-only or executable file-backed mapping in <c>/proc/self/maps</c>.
/// </summary>
/// <remarks>
/// <para>
/// Two thirds of the idle app's resident set are such pages (~100 MiB on x64: the runtime, ASP.NET Core, EF Core,
/// MudBlazor), most of them touched once while starting and never again while nobody watches. They are clean copies of
/// files: the kernel reclaims them under memory pressure anyway and reads back whatever is touched again (a major page
/// fault, with read-ahead). This only makes it do so at a moment that costs nothing — after start-up has settled and
/// when the last camera stops — so the resident set shows what the idle app uses, not what it once touched.
/// </para>
/// <para>
/// Why MADV_PAGEOUT and not MADV_DONTNEED: PAGEOUT never loses data. A private mapping that was written once (a
/// relocated section made read-only again) holds anonymous copies that DONTNEED would throw away, silently bringing back
/// the file's unrelocated bytes; PAGEOUT swaps such pages out or, without swap, leaves them. A range that was unmapped
/// and reused between reading the maps and the call is as safe. The kernel also leaves alone pages that another process
/// maps (libc, or a second CamStudio from the same directory), so nothing outside this process is paged out.
/// </para>
/// <para>
/// Left out on purpose: writable mappings, and the runtime's double-mapped <c>/memfd:doublemapper</c> region (its code
/// and loader heaps under W^X, ~26 MiB). That is shared memory: without swap the kernel cannot reclaim it, and PAGEOUT
/// only unmaps it (measured: <c>RssShmem</c> 25.8 → 0 MiB, back to 21 MiB at the next request with no page read), which
/// would lower the figure without freeing a byte.
/// </para>
/// </remarks>
public sealed class ImagePages
{
    // Linux's MADV_WILLNEED and MADV_PAGEOUT (include/uapi/asm-generic/mman-common.h); older kernels answer EINVAL to
    // the second.
    private const int MadvWillNeed = 3;
    private const int MadvPageOut = 21;
    private const int EInval = 22;

    /// <summary>Pages looked at per <c>mincore</c> call: 16 MiB of address space with 4 KiB pages, a 4 KiB vector.</summary>
    private const int ChunkPages = 4096;

    private readonly Func<string> _readMaps;
    private readonly Func<nint, nuint, int> _pageOut;
    private readonly Residency _residency;
    private readonly Func<nint, nuint, int> _willNeed;
    private readonly int _pageSize;
    private volatile bool _unavailable;

    /// <summary>Fills one byte per page of the range (bit 0: in memory); returns 0 or the errno (<c>mincore</c>).</summary>
    internal delegate int Residency(nint start, nuint length, Span<byte> pages);

    /// <summary>Creates a release with the maps and the system calls replaced (tests).</summary>
    /// <param name="readMaps">Returns the text of <c>/proc/self/maps</c>; may throw.</param>
    /// <param name="pageOut">Advises one range out; returns 0 or the errno.</param>
    /// <param name="residency">Which pages of a range are in memory (for <see cref="ReleaseMode.Unmap"/>).</param>
    /// <param name="willNeed">Asks for a range to be read into the page cache; returns 0 or the errno.</param>
    /// <param name="pageSize">The page size the ranges are counted in.</param>
    internal ImagePages(Func<string> readMaps, Func<nint, nuint, int> pageOut, Residency? residency = null,
        Func<nint, nuint, int>? willNeed = null, int pageSize = 4096)
    {
        _readMaps = readMaps ?? throw new ArgumentNullException(nameof(readMaps));
        _pageOut = pageOut ?? throw new ArgumentNullException(nameof(pageOut));
        _residency = residency ?? ((_, _, _) => EInval);
        _willNeed = willNeed ?? ((_, _) => 0);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        _pageSize = pageSize;
        _unavailable = !OperatingSystem.IsLinux();
    }

    /// <summary>The process's own images, through the real <c>/proc/self/maps</c>, <c>mincore</c> and <c>madvise</c>.</summary>
    public static ImagePages Self { get; } = new(static () => File.ReadAllText("/proc/self/maps"), MAdvisePageOut,
        MIncore, MAdviseWillNeed, Environment.SystemPageSize);

    /// <summary>False once the kernel (or the platform) turned the advice down for good; nothing is tried again.</summary>
    public bool IsAvailable => !_unavailable;

    /// <summary>Advises every eligible mapping once, with the pages evicted (<see cref="ReleaseMode.Evict"/>).</summary>
    public ImagePageOutcome PageOut() => Release(ReleaseMode.Evict);

    /// <summary>Advises every eligible mapping once. Never throws: a failure is in the result.</summary>
    /// <summary>
    /// Takes the pages of every eligible mapping out of the process's resident set. <see cref="ReleaseMode.Unmap"/>
    /// first notes which pages were in memory and, once they are paged out, asks for exactly those to be read back into
    /// the page cache (<c>MADV_WILLNEED</c>: read-ahead, nothing mapped): the process's page tables lose them, the
    /// machine's cache keeps them, and the next touch is a minor fault instead of a disk read. A range whose residency
    /// cannot be read is left alone in that mode. Never throws: a failure is in the result.
    /// </summary>
    public ImagePageOutcome Release(ReleaseMode mode)
    {
        if (_unavailable)
        {
            return new ImagePageOutcome(0, 0, 0, "not available on this system");
        }

        string maps;
        try
        {
            maps = _readMaps();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return new ImagePageOutcome(0, 0, 0, "cannot read /proc/self/maps: " + e.Message);
        }

        int advised = 0;
        int failed = 0;
        long bytes = 0;
        byte[] residency = mode == ReleaseMode.Unmap ? new byte[ChunkPages] : [];
        foreach (ReadOnlySpan<char> line in maps.AsSpan().EnumerateLines())
        {
            if (!TryReadImageMapping(line, out nint start, out nuint length))
            {
                continue;
            }

            int error;
            try
            {
                error = mode == ReleaseMode.Unmap ? UnmapKeepingCached(start, length, residency) : _pageOut(start, length);
            }
            catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
            {
                _unavailable = true;
                return new ImagePageOutcome(advised, bytes, failed, "madvise or mincore is not available: " + e.Message);
            }

            if (error == EInval && advised == 0)
            {
                // The first range is an ordinary mapping: EINVAL there means the kernel does not know the advice
                // (before 5.4), not that this range is special. Nothing would work, so nothing is tried again.
                _unavailable = true;
                return new ImagePageOutcome(0, 0, failed + 1, "the kernel does not support MADV_PAGEOUT (EINVAL)");
            }

            if (error != 0)
            {
                // ENOMEM: the range was unmapped since the maps were read (an unloaded library); others still count.
                failed++;
                continue;
            }

            advised++;
            bytes += (long)length;
        }

        return new ImagePageOutcome(advised, bytes, failed, null);
    }

    /// <summary>
    /// Pages one mapping out in chunks, each chunk's resident pages read back into the cache right after: between the two
    /// calls a page is at most briefly out of memory, and only a page nothing else maps. 0 or the first errno.
    /// </summary>
    private int UnmapKeepingCached(nint start, nuint length, byte[] residency)
    {
        nuint chunk = (nuint)ChunkPages * (nuint)_pageSize;
        for (nuint offset = 0; offset < length; offset += chunk)
        {
            nuint size = Math.Min(chunk, length - offset);
            int pages = (int)((size + (nuint)_pageSize - 1) / (nuint)_pageSize);
            Span<byte> resident = residency.AsSpan(0, pages);
            nint at = start + (nint)offset;
            int error = _residency(at, size, resident);
            if (error == 0)
            {
                error = _pageOut(at, size);
            }

            if (error != 0)
            {
                return error;
            }

            // Read back each run of pages that was in memory (bit 0), as one request per run.
            int page = 0;
            while (page < pages)
            {
                if ((resident[page] & 1) == 0)
                {
                    page++;
                    continue;
                }

                int run = page;
                while (page < pages && (resident[page] & 1) != 0)
                {
                    page++;
                }

                // Failing read-ahead only means the next touch reads from disk, as without this; not an error.
                _ = _willNeed(at + (nint)(run * (long)_pageSize), (nuint)((page - run) * (long)_pageSize));
            }
        }

        return 0;
    }

    /// <summary>
    /// Reads one line of <c>/proc/&lt;pid&gt;/maps</c> (<c>start-end perms offset dev inode path</c>) and says whether it
    /// is a mapping to page out: backed by a file (the path is absolute), not writable, not shared memory.
    /// </summary>
    internal static bool TryReadImageMapping(ReadOnlySpan<char> line, out nint start, out nuint length)
    {
        start = 0;
        length = 0;
        Span<Range> fields = stackalloc Range[7];
        // Six fields; the path may contain spaces (" (deleted)"), so the sixth keeps the rest of the line.
        int count = line.SplitAny(fields, " \t", StringSplitOptions.RemoveEmptyEntries);
        if (count < 6)
        {
            return false; // anonymous mapping: no path
        }

        ReadOnlySpan<char> range = line[fields[0]];
        ReadOnlySpan<char> permissions = line[fields[1]];
        ReadOnlySpan<char> path = line[fields[5].Start..].Trim();
        int dash = range.IndexOf('-');
        if (dash <= 0 || permissions.Length < 4 || permissions[1] != '-' || path.Length == 0 || path[0] != '/'
            || path.StartsWith("/memfd:", StringComparison.Ordinal) || path.StartsWith("/dev/", StringComparison.Ordinal)
            || path.EndsWith("(deleted)", StringComparison.Ordinal)
            || !ulong.TryParse(range[..dash], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong from)
            || !ulong.TryParse(range[(dash + 1)..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong to)
            || to <= from)
        {
            return false;
        }

        start = (nint)from;
        length = (nuint)(to - from);
        return true;
    }

    private static int MAdvisePageOut(nint start, nuint length) =>
        MAdvise(start, length, MadvPageOut) == 0 ? 0 : Marshal.GetLastPInvokeError();

    private static int MAdviseWillNeed(nint start, nuint length) =>
        MAdvise(start, length, MadvWillNeed) == 0 ? 0 : Marshal.GetLastPInvokeError();

    private static int MIncore(nint start, nuint length, Span<byte> pages) =>
        MIncoreNative(start, length, ref MemoryMarshal.GetReference(pages)) == 0 ? 0 : Marshal.GetLastPInvokeError();

    [DllImport("libc", EntryPoint = "mincore", ExactSpelling = true, SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int MIncoreNative(nint address, nuint length, ref byte vector);

    [DllImport("libc", EntryPoint = "madvise", ExactSpelling = true, SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int MAdvise(nint address, nuint length, int advice);
}

/// <summary>How <see cref="ImagePages.Release"/> takes image pages out of the resident set.</summary>
public enum ReleaseMode
{
    /// <summary>Out of the process's page tables, kept in the page cache (read back at once if paged out).</summary>
    Unmap,

    /// <summary>Out of memory: the next touch reads the page from disk.</summary>
    Evict,
}

/// <summary>What one <see cref="ImagePages.Release"/> did.</summary>
/// <param name="Mappings">Mappings advised.</param>
/// <param name="Bytes">Their address space (not all of it was resident).</param>
/// <param name="Failures">Mappings the kernel refused (e.g. unmapped meanwhile).</param>
/// <param name="Error">Why nothing was done, or null.</param>
public readonly record struct ImagePageOutcome(int Mappings, long Bytes, int Failures, string? Error);
