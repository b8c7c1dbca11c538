using System.Text.RegularExpressions;

namespace CamStudio.Tests.Web.Operations;

/// <summary>
/// A strict reader of the Prometheus text format 0.0.4, independent of the writer: every line must be HELP, TYPE or a
/// sample of a declared metric; label values may only contain the escapes \\, \" and \n.
/// </summary>
public static partial class PrometheusExposition
{
    public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

    public sealed record Document(IReadOnlyDictionary<string, string> Types, IReadOnlyDictionary<string, string> Help, IReadOnlyList<Sample> Samples);

    public static Document Parse(string text)
    {
        text.Should().EndWith("\n", "the format ends with a line feed");
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        var help = new Dictionary<string, string>(StringComparer.Ordinal);
        var samples = new List<Sample>();
        string[] lines = text[..^1].Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i];
            Match match;
            if ((match = HelpLine().Match(line)).Success)
            {
                help.Should().NotContainKey(match.Groups[1].Value, $"line {i + 1}: one HELP per metric");
                help[match.Groups[1].Value] = Unescape(match.Groups[2].Value);
            }
            else if ((match = TypeLine().Match(line)).Success)
            {
                types.Should().NotContainKey(match.Groups[1].Value, $"line {i + 1}: one TYPE per metric");
                types[match.Groups[1].Value] = match.Groups[2].Value;
            }
            else if ((match = SampleLine().Match(line)).Success)
            {
                string name = match.Groups["name"].Value;
                types.Should().ContainKey(name, $"line {i + 1}: samples follow their TYPE line");
                var labels = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (Capture label in match.Groups["label"].Captures)
                {
                    Match pair = LabelPair().Match(label.Value);
                    labels.Add(pair.Groups[1].Value, Unescape(pair.Groups[2].Value));
                }

                string value = match.Groups["value"].Value;
                double parsed = value switch
                {
                    "+Inf" => double.PositiveInfinity,
                    "-Inf" => double.NegativeInfinity,
                    "NaN" => double.NaN,
                    _ => double.Parse(value, System.Globalization.CultureInfo.InvariantCulture),
                };
                samples.Add(new Sample(name, labels, parsed));
            }
            else
            {
                throw new FormatException($"line {i + 1} is not valid exposition format: {line}");
            }
        }

        return new Document(types, help, samples);
    }

    private static string Unescape(string value) =>
        EscapeSequence().Replace(value, m => m.Value[1] switch { 'n' => "\n", '"' => "\"", _ => "\\" });

    [GeneratedRegex(@"^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) ((?:[^\\\n]|\\[\\n])*)$")]
    private static partial Regex HelpLine();

    [GeneratedRegex(@"^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$")]
    private static partial Regex TypeLine();

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(?<label>[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*")(?:,(?<label>[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*"))*\})? (?<value>[-+]?(?:[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?|Inf)|NaN)$""")]
    private static partial Regex SampleLine();

    [GeneratedRegex("""^([a-zA-Z_][a-zA-Z0-9_]*)="(.*)"$""", RegexOptions.Singleline)]
    private static partial Regex LabelPair();

    [GeneratedRegex(@"\\[\\""n]")]
    private static partial Regex EscapeSequence();
}
