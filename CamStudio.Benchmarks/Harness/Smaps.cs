using System.Globalization;

namespace CamStudio.Benchmarks.Harness;

/// <summary>
/// The process's mappings from /proc/self/smaps (Linux), to tell which kind of memory grew between two samples: the
/// GC's regions, malloc's heap and arenas (native allocations: OpenSSL, sockets, the runtime), thread stacks, JIT code
/// or mapped files. RSS alone does not say which.
/// </summary>
internal sealed class Smaps
{
    // The GC reserves its whole region range up front (256 GiB by default on x64); no other mapping comes close.
    private const long GcReservationBytes = 4L << 30;
    // glibc's secondary malloc arenas are 64 MiB heaps (HEAP_MAX_SIZE on 64-bit), mapped as two parts (used + reserve).
    private const long ArenaBytes = 64L << 20;
    // Thread stacks: 1.5 MiB (.NET's default for its threads) to 8 MiB (ulimit -s), below a guard page.
    private const long MaxStackBytes = 8L << 20;
    private const long GuardBytes = 4096;

    private readonly Dictionary<long, Mapping> _byStart;

    private Smaps(Dictionary<long, Mapping> byStart) => _byStart = byStart;

    /// <summary>Reads /proc/self/smaps; null where it does not exist (not Linux).</summary>
    public static Smaps? Take()
    {
        const string path = "/proc/self/smaps";
        if (!File.Exists(path))
        {
            return null;
        }

        var mappings = new List<Mapping>();
        foreach (string line in File.ReadLines(path))
        {
            int dash = line.IndexOf('-', StringComparison.Ordinal);
            int space = line.IndexOf(' ', StringComparison.Ordinal);
            if (dash > 0 && space > dash && long.TryParse(line.AsSpan(0, dash), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out long start)
                && long.TryParse(line.AsSpan(dash + 1, space - dash - 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out long end))
            {
                string[] fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
                mappings.Add(new Mapping(start, end - start, fields.Length > 5 ? fields[5].Trim() : string.Empty));
            }
            else if (mappings.Count > 0 && line.StartsWith("Rss:", StringComparison.Ordinal))
            {
                mappings[^1].RssBytes = long.Parse(line.AsSpan(4).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture) * 1024;
            }
        }

        // Anonymous mappings that touch each other are one reservation split by protection changes (the GC commits
        // regions, malloc grows an arena, a stack has its guard page): classify the run, not its parts.
        for (int i = 0; i < mappings.Count;)
        {
            int j = i;
            if (mappings[i].Name.Length == 0)
            {
                while (j + 1 < mappings.Count && mappings[j + 1].Name.Length == 0 && mappings[j + 1].Start == mappings[j].Start + mappings[j].SizeBytes)
                {
                    j++;
                }
            }

            long runBytes = mappings[j].Start + mappings[j].SizeBytes - mappings[i].Start;
            string kind = Kind(mappings[i], runBytes);
            for (int k = i; k <= j; k++)
            {
                mappings[k].Kind = kind;
            }

            i = j + 1;
        }

        return new Smaps(mappings.ToDictionary(m => m.Start));
    }

    /// <summary>RSS growth since <paramref name="baseline"/>, by kind of memory, per viewer (KiB).</summary>
    public string GrowthPerViewer(Smaps baseline, int viewers)
    {
        var growth = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (Mapping m in _byStart.Values)
        {
            long before = baseline._byStart.TryGetValue(m.Start, out Mapping? b) && b.SizeBytes == m.SizeBytes ? b.RssBytes : 0;
            AddTo(growth, m.Kind, m.RssBytes - before);
        }

        foreach (Mapping b in baseline._byStart.Values)
        {
            if (!_byStart.TryGetValue(b.Start, out Mapping? m) || m.SizeBytes != b.SizeBytes)
            {
                AddTo(growth, b.Kind, -b.RssBytes); // unmapped or remapped since
            }
        }

        return string.Join(", ", growth.Where(g => Math.Abs(g.Value) >= 1024 * viewers)
            .Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Key} {g.Value / 1024.0 / viewers:0}")));
    }

    private static void AddTo(SortedDictionary<string, long> growth, string kind, long bytes) =>
        growth[kind] = growth.GetValueOrDefault(kind) + bytes;

    private static string Kind(Mapping first, long runBytes) => first.Name switch
    {
        "[heap]" => "malloc main heap",
        "" when runBytes >= GcReservationBytes => "GC regions",
        "" when runBytes == ArenaBytes && first.Start % ArenaBytes == 0 => "malloc arenas",
        "" when runBytes <= MaxStackBytes + GuardBytes && first.SizeBytes == GuardBytes => "thread stacks",
        "" => "other anonymous",
        _ when first.Name.StartsWith("/memfd:doublemapper", StringComparison.Ordinal) => "JIT code",
        _ when first.Name.StartsWith('[') => first.Name,
        _ => "mapped files",
    };

    private sealed class Mapping(long start, long sizeBytes, string name)
    {
        public long Start { get; } = start;
        public long SizeBytes { get; } = sizeBytes;
        public string Name { get; } = name;
        public long RssBytes { get; set; }
        public string Kind { get; set; } = string.Empty;
    }
}
