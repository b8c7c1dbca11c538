using CamStudio.Media.Ffmpeg;

namespace CamStudio.Tests.Media.Ffmpeg;

public class ReconnectBackoffTests
{
    [Fact]
    public void Base_delays_double_from_one_second_and_cap_at_thirty()
    {
        var backoff = new ReconnectBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), 0.2);

        Enumerable.Range(0, 8).Select(i => backoff.BaseDelay(i).TotalSeconds)
            .Should().Equal(1, 2, 4, 8, 16, 30, 30, 30);
        backoff.BaseDelay(int.MaxValue).Should().Be(TimeSpan.FromSeconds(30), "huge attempt numbers must not overflow");
    }

    [Fact]
    public void Jitter_stays_within_twenty_percent_and_actually_varies()
    {
        var backoff = new ReconnectBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), 0.2, new Random(1));
        double[] samples = Enumerable.Range(0, 2000).Select(_ => backoff.NextDelay(3).TotalSeconds).ToArray();

        samples.Should().OnlyContain(s => s >= 6.4 && s <= 9.6);
        samples.Min().Should().BeLessThan(6.6, "the low end of the band is reached");
        samples.Max().Should().BeGreaterThan(9.4, "the high end of the band is reached");
    }

    [Fact]
    public void Zero_jitter_gives_exact_delays()
    {
        var backoff = new ReconnectBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), 0);

        backoff.NextDelay(4).Should().Be(TimeSpan.FromSeconds(16));
    }

    [Theory]
    [InlineData(0, 30, 0.2)]
    [InlineData(5, 1, 0.2)]
    [InlineData(1, 30, 1.0)]
    [InlineData(1, 30, -0.1)]
    public void Bad_parameters_are_rejected(int initialSeconds, int maxSeconds, double jitter)
    {
        Action create = () => _ = new ReconnectBackoff(TimeSpan.FromSeconds(initialSeconds), TimeSpan.FromSeconds(maxSeconds), jitter);

        create.Should().Throw<ArgumentOutOfRangeException>();
    }
}
