using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using CamStudio.Benchmarks;

// `--smoke`: every benchmark once (Dry job, in-process) so CI notices when the harness or the media core breaks it.
// Anything else is handed to BenchmarkDotNet unchanged (e.g. --filter '*FanOut*', --artifacts DIR).
if (args.Contains("--alloc-probe", StringComparer.Ordinal))
{
    await CamStudio.Benchmarks.Harness.AllocationProbe.RunAsync();
    return 0;
}

int probe = Array.IndexOf(args, "--memory-probe");
if (probe >= 0)
{
    int viewers = probe + 1 < args.Length ? int.Parse(args[probe + 1], System.Globalization.CultureInfo.InvariantCulture) : 40;
    // Optional: how many viewers warm up first (default 2); as many as are measured takes the one-off costs (tier-1 JIT
    // of the handshake path, first-touched code pages) out of the per-viewer figure.
    int warmUp = probe + 2 < args.Length ? int.Parse(args[probe + 2], System.Globalization.CultureInfo.InvariantCulture) : 2;
    await CamStudio.Benchmarks.Harness.MemoryProbe.RunAsync(viewers, warmUp);
    return 0;
}

bool smoke = args.Contains("--smoke", StringComparer.Ordinal);
string[] rest = [.. args.Where(a => !string.Equals(a, "--smoke", StringComparison.Ordinal))];
if (!rest.Contains("--filter", StringComparer.Ordinal))
{
    rest = [.. rest, "--filter", "*"];
}

IEnumerable<Summary> summaries = BenchmarkSwitcher
    .FromAssembly(typeof(BenchConfig).Assembly)
    .Run(rest, smoke ? BenchConfig.Smoke() : BenchConfig.Full());

// A benchmark that threw (e.g. a viewer that never connected) must fail the CI step, not just print an error.
bool failed = false;
foreach (Summary summary in summaries)
{
    failed |= summary.HasCriticalValidationErrors || summary.Reports.Any(r => !r.Success);
    Console.WriteLine($"Results: {summary.ResultsDirectoryPath}");
}

return failed ? 1 : 0;
