using CamStudio.Web.Operations;

namespace CamStudio.Tests.Web.Operations;

public sealed class PrometheusTextWriterTests
{
    [Fact]
    public void Label_values_escape_backslash_quote_and_newline()
    {
        var writer = new PrometheusTextWriter();
        writer.Declare("x_info", "gauge", "Help with \\ and\nnewline and \"quotes\".");
        writer.Sample("x_info", 1, ("name", "a\"b\\c\nd"));

        string text = writer.ToString();

        text.Should().Be(
            "# HELP x_info Help with \\\\ and\\nnewline and \"quotes\".\n" +
            "# TYPE x_info gauge\n" +
            "x_info{name=\"a\\\"b\\\\c\\nd\"} 1\n");
        PrometheusExposition.Document parsed = PrometheusExposition.Parse(text);
        parsed.Samples.Single().Labels["name"].Should().Be("a\"b\\c\nd");
        parsed.Help["x_info"].Should().Be("Help with \\ and\nnewline and \"quotes\".");
    }

    [Theory]
    [InlineData(0.0, "0")]
    [InlineData(1.5, "1.5")]
    [InlineData(123456789012.0, "123456789012")]
    [InlineData(double.PositiveInfinity, "+Inf")]
    [InlineData(double.NegativeInfinity, "-Inf")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(1e-7, "1E-07")]
    public void Values_use_invariant_round_trip_formatting(double value, string expected)
    {
        PrometheusTextWriter.FormatValue(value).Should().Be(expected);
        PrometheusExposition.Parse($"# TYPE v gauge\nv {expected}\n").Samples.Single().Value.Should().Be(value);
    }

    [Fact]
    public void Declaring_a_metric_twice_is_a_bug_and_throws()
    {
        var writer = new PrometheusTextWriter();
        writer.Declare("a", "gauge", "x");
        FluentActions.Invoking(() => writer.Declare("a", "gauge", "x")).Should().Throw<InvalidOperationException>();
    }
}
