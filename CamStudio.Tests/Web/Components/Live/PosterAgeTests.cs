using CamStudio.Web.Components.Live;

namespace CamStudio.Tests.Web.Components.Live;

/// <summary>The poster's age label ("Snapshot 3 min ago") in the unit a person reads at a glance.</summary>
public sealed class PosterAgeTests
{
    [Theory]
    [InlineData(0, "just now")]
    [InlineData(9, "just now")]
    [InlineData(42, "42 s ago")]
    [InlineData(3 * 60 + 20, "3 min ago")]
    [InlineData(2 * 3600 + 5, "2 h ago")]
    [InlineData(47 * 3600, "47 h ago")]
    [InlineData(5 * 86400, "5 days ago")]
    public void The_age_reads_in_its_largest_sensible_unit(int seconds, string expected) =>
        LiveTile.DescribeAge(TimeSpan.FromSeconds(seconds)).Should().Be(expected);
}
