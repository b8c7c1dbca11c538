using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace CamStudio.Benchmarks;

/// <summary>Marks a benchmark class whose every operation processes this many packet bytes, for the MB/s column.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class BytesPerOperationAttribute(int bytes) : Attribute
{
    public int Bytes { get; } = bytes;
}

/// <summary>MB/s (10^6 bytes per second) from the mean time and the class's <see cref="BytesPerOperationAttribute"/>.</summary>
public sealed class ThroughputColumn : IColumn
{
    public string Id => "MBps";

    public string ColumnName => "MB/s";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Statistics;

    public int PriorityInCategory => 10;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Packet bytes processed per second (10^6 B/s), from Mean";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var bytes = (BytesPerOperationAttribute?)Attribute.GetCustomAttribute(benchmarkCase.Descriptor.Type, typeof(BytesPerOperationAttribute));
        double? meanNs = summary[benchmarkCase]?.ResultStatistics?.Mean;
        if (bytes is null || meanNs is not > 0)
        {
            return "-";
        }

        return (bytes.Bytes / meanNs.Value * 1e3).ToString("N1", CultureInfo.InvariantCulture);
    }

    public bool IsAvailable(Summary summary) =>
        summary.BenchmarksCases.Any(c => Attribute.IsDefined(c.Descriptor.Type, typeof(BytesPerOperationAttribute)));

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}

/// <summary>Mean divided by the <c>Viewers</c> parameter: the cost of one packet to one viewer inside a fan-out.</summary>
public sealed class PerViewerColumn : IColumn
{
    private const string ViewersParameter = "Viewers";

    public string Id => "NsPerViewer";

    public string ColumnName => "ns/viewer-packet";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Statistics;

    public int PriorityInCategory => 11;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Mean / Viewers: nanoseconds to send one source packet to one viewer";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        double? meanNs = summary[benchmarkCase]?.ResultStatistics?.Mean;
        object? viewers = benchmarkCase.Parameters.Items.FirstOrDefault(p => p.Name == ViewersParameter)?.Value;
        if (viewers is not int count || count <= 0 || meanNs is not > 0)
        {
            return "-";
        }

        return (meanNs.Value / count).ToString("N0", CultureInfo.InvariantCulture);
    }

    public bool IsAvailable(Summary summary) =>
        summary.BenchmarksCases.Any(c => c.Parameters.Items.Any(p => p.Name == ViewersParameter));

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
