using CamStudio.Core;
using CamStudio.Core.Cluster;
using CamStudio.Core.Data;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace CamStudio.Tests.Core.Cluster;

/// <summary>
/// <c>Cluster:*</c> as an operator writes it: the plan's defaults, and a start-up that names each mistake in one line
/// instead of a cluster that half works (docs/design/cluster-plan.md §3).
/// </summary>
public sealed class ClusterOptionsTests
{
    private static readonly Dictionary<string, string?> s_valid = new()
    {
        ["Cluster:Enabled"] = "true",
        ["Cluster:NodeName"] = "node-a",
        ["Cluster:AdvertisedUrl"] = "http://10.0.0.21:5000",
        ["Cluster:Redis"] = "10.0.0.5:6379",
        ["Database:Provider"] = "PostgreSQL",
        ["ConnectionStrings:CamStudio"] = "Host=10.0.0.5;Database=camstudio",
        ["WebRtc:AdvertisedAddresses:0"] = "10.0.0.21",
    };

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton(configuration);
        services.AddSingleton<IHostEnvironment>(new CamStudioDataOptionsTests.TestEnvironment("/srv/camstudio"));
        services.AddLogging();
        services.AddCamStudioCore(configuration);
        return services.BuildServiceProvider();
    }

    private static ClusterOptions Resolve(Dictionary<string, string?> settings)
    {
        using ServiceProvider provider = Build(settings);
        return provider.GetRequiredService<IOptions<ClusterOptions>>().Value;
    }

    private static Dictionary<string, string?> Valid(params (string Key, string? Value)[] changes)
    {
        var settings = new Dictionary<string, string?>(s_valid);
        foreach ((string key, string? value) in changes)
        {
            settings[key] = value;
        }

        return settings;
    }

    [Fact]
    public void A_valid_configuration_binds_with_the_plans_defaults()
    {
        ClusterOptions options = Resolve(s_valid);

        options.NodeName.Should().Be("node-a");
        options.AdvertisedUrl.Should().Be("http://10.0.0.21:5000");
        options.Redis.Should().Be("10.0.0.5:6379");
        options.ChannelPrefix.Should().Be("camstudio");
        options.LeaseTtl.Should().Be(TimeSpan.FromSeconds(10));
        options.RenewInterval.Should().Be(TimeSpan.FromSeconds(1));
        options.FenceMargin.Should().Be(TimeSpan.FromSeconds(2.5));
        options.ClaimMargin.Should().Be(TimeSpan.FromSeconds(0.5));
        options.ForwardTimeout.Should().Be(TimeSpan.FromSeconds(10));
        options.OwnerWait.Should().Be(TimeSpan.FromSeconds(13));
    }

    [Fact]
    public void Timings_bind_from_configuration()
    {
        ClusterOptions options = Resolve(Valid(("Cluster:LeaseTtl", "00:00:02"), ("Cluster:RenewInterval", "00:00:00.25"),
            ("Cluster:FenceMargin", "00:00:00.5"), ("Cluster:ChannelPrefix", "site2")));

        (options.LeaseTtl, options.RenewInterval, options.FenceMargin, options.ChannelPrefix)
            .Should().Be((TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(500), "site2"));
    }

    [Theory]
    [InlineData("Database:Provider", "Sqlite", "Cluster:Enabled requires Database:Provider=PostgreSQL (now Sqlite).")]
    [InlineData("Cluster:Redis", "", "Cluster:Enabled requires Cluster:Redis*")]
    [InlineData("Cluster:NodeName", null, "Cluster:Enabled requires Cluster:NodeName*")]
    [InlineData("Cluster:NodeName", "Node_A", "Cluster:NodeName must be 1-32 lower-case letters, digits or '-'*")]
    [InlineData("Cluster:NodeName", "-a", "Cluster:NodeName must be*")]
    [InlineData("Cluster:AdvertisedUrl", "10.0.0.21:5000", "Cluster:AdvertisedUrl must be the absolute http(s) URL*")]
    [InlineData("Cluster:AdvertisedUrl", "ftp://10.0.0.21/", "Cluster:AdvertisedUrl must be*")]
    [InlineData("WebRtc:AdvertisedAddresses:0", null, "Cluster:Enabled requires WebRtc:AdvertisedAddresses*")]
    [InlineData("Cluster:RenewInterval", "00:00:03", "Cluster:RenewInterval must be <= LeaseTtl/4 (now 00:00:03 with LeaseTtl 00:00:10).")]
    [InlineData("Cluster:FenceMargin", "00:00:05", "Cluster:FenceMargin must be < LeaseTtl/2 (now 00:00:05 with LeaseTtl 00:00:10).")]
    [InlineData("Cluster:LeaseTtl", "00:00:00", "Cluster:LeaseTtl must be greater than zero.")]
    [InlineData("Cluster:ClaimMargin", "-00:00:01", "Cluster:ClaimMargin must not be negative.")]
    [InlineData("Cluster:ChannelPrefix", "a b", "Cluster:ChannelPrefix must be non-empty, without spaces.")]
    public void Each_mistake_fails_start_up_with_one_line_naming_the_key(string key, string? value, string expected)
    {
        Action resolve = () => Resolve(Valid((key, value)));

        OptionsValidationException failure = resolve.Should().Throw<OptionsValidationException>().Which;
        failure.Failures.Should().ContainSingle().Which.Should().Match(expected);
        failure.Failures.Should().OnlyContain(line => !line.Contains('\n', StringComparison.Ordinal));
    }

    [Fact]
    public void Several_mistakes_are_all_reported()
    {
        Action resolve = () => Resolve(Valid(("Database:Provider", "Sqlite"), ("Cluster:Redis", null), ("Cluster:NodeName", null)));

        resolve.Should().Throw<OptionsValidationException>().Which.Failures.Should().HaveCount(3);
    }

    [Fact]
    public void The_checks_pass_a_complete_configuration_and_skip_a_disabled_one()
    {
        var options = new ClusterOptions { Enabled = true, NodeName = "b", AdvertisedUrl = "https://b.example:8443", Redis = "r:6379" };
        ClusterOptionsValidator.Check(options, DatabaseProvider.PostgreSql, ["10.0.0.22"]).Should().BeEmpty();
        ClusterOptionsValidator.Check(new ClusterOptions(), DatabaseProvider.Sqlite, []).Should().BeEmpty();
    }

    [Theory]
    [InlineData("a", true)]
    [InlineData("node-2", true)]
    [InlineData("0", true)]
    [InlineData("abcdefghijklmnopqrstuvwxyz012345", true)]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456", false)]
    [InlineData("", false)]
    [InlineData("-a", false)]
    [InlineData("A", false)]
    [InlineData("a_b", false)]
    [InlineData("a.b", false)]
    [InlineData("a\n", false)]
    [InlineData("ä", false)]
    public void Node_names_are_lower_case_letters_digits_and_dashes(string name, bool valid)
    {
        ClusterNodeName.IsValid(name).Should().Be(valid);
    }
}
