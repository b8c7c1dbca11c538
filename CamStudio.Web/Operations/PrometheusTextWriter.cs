using System.Globalization;
using System.Text;

namespace CamStudio.Web.Operations;

/// <summary>
/// Builds the Prometheus text exposition format (version 0.0.4): per metric one <c># HELP</c> and one <c># TYPE</c>
/// line, then its samples. HELP text escapes <c>\</c> and newline; label values also escape <c>"</c>.
/// </summary>
public sealed class PrometheusTextWriter
{
    /// <summary>The Content-Type Prometheus expects for this format.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly StringBuilder _text = new();
    private readonly HashSet<string> _declared = new(StringComparer.Ordinal);

    /// <summary>Declares a metric family; each name once.</summary>
    public void Declare(string name, string type, string help)
    {
        if (!_declared.Add(name))
        {
            throw new InvalidOperationException($"Metric {name} declared twice.");
        }

        _text.Append("# HELP ").Append(name).Append(' ');
        AppendEscaped(help, escapeQuotes: false);
        _text.Append('\n').Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
    }

    /// <summary>Writes one sample; <paramref name="labels"/> are name/value pairs, values escaped here.</summary>
    public void Sample(string name, double value, params ReadOnlySpan<(string Name, string Value)> labels)
    {
        _text.Append(name);
        if (labels.Length > 0)
        {
            _text.Append('{');
            for (int i = 0; i < labels.Length; i++)
            {
                if (i > 0)
                {
                    _text.Append(',');
                }

                _text.Append(labels[i].Name).Append("=\"");
                AppendEscaped(labels[i].Value, escapeQuotes: true);
                _text.Append('"');
            }

            _text.Append('}');
        }

        _text.Append(' ').Append(FormatValue(value)).Append('\n');
    }

    /// <summary>Declares a metric with a single unlabelled sample.</summary>
    public void Single(string name, string type, string help, double value)
    {
        Declare(name, type, help);
        Sample(name, value);
    }

    public override string ToString() => _text.ToString();

    /// <summary>Go's float formatting as Prometheus reads it: shortest round-trip, NaN, +Inf, -Inf.</summary>
    public static string FormatValue(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ when double.IsNaN(value) => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    private void AppendEscaped(string value, bool escapeQuotes)
    {
        foreach (char c in value)
        {
            switch (c)
            {
                case '\\':
                    _text.Append(@"\\");
                    break;
                case '\n':
                    _text.Append(@"\n");
                    break;
                case '"' when escapeQuotes:
                    _text.Append("\\\"");
                    break;
                default:
                    _text.Append(c);
                    break;
            }
        }
    }
}
