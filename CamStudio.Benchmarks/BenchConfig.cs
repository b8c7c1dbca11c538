using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Exporters.Json;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace CamStudio.Benchmarks;

/// <summary>The two ways the benchmarks run: the measured run for docs/benchmarks.md, and the CI smoke run.</summary>
public static class BenchConfig
{
    /// <summary>
    /// 3 warm-up and 10 measured iterations keep the whole run to a few minutes on a 2-core machine. In-process:
    /// BenchmarkDotNet's default out-of-process toolchain rebuilds a generated project per run, which the repo's
    /// Directory.Build.props (warnings as errors, central package versions) would also apply to.
    /// </summary>
    public static IConfig Full() => Common(Job.Default
        .WithWarmupCount(3)
        .WithIterationCount(10)
        .WithToolchain(InProcessEmitToolchain.Instance)
        .WithId("Short"));

    /// <summary>One invocation of each benchmark: proves they run, measures nothing.</summary>
    public static IConfig Smoke() => Common(Job.Dry
        .WithToolchain(InProcessEmitToolchain.Instance)
        .WithId("Smoke"));

    private static ManualConfig Common(Job job) => ManualConfig.CreateEmpty()
        .AddJob(job)
        .AddLogger(BenchmarkDotNet.Loggers.ConsoleLogger.Default)
        .AddColumnProvider(DefaultColumnProviders.Instance)
        .AddColumn(new ThroughputColumn(), new PerViewerColumn())
        .AddDiagnoser(MemoryDiagnoser.Default)
        .AddExporter(MarkdownExporter.GitHub, JsonExporter.Brief)
        .WithSummaryStyle(BenchmarkDotNet.Reports.SummaryStyle.Default.WithMaxParameterColumnWidth(40));
}
