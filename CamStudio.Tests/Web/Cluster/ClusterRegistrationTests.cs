using CamStudio.Core;
using CamStudio.Core.Cluster;
using CamStudio.Tests.Infrastructure;
using CamStudio.Web.Cluster;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace CamStudio.Tests.Web.Cluster;

/// <summary>
/// A single node carries nothing of the cluster (no options, no validators, no Redis or database key ring types), and
/// <c>Cluster:Enabled=true</c> with a wrong configuration is refused at start with one clear line per problem
/// (the cluster-mode app on PostgreSQL and Redis: <see cref="ClusterModeAppTests"/>).
/// </summary>
public sealed class ClusterRegistrationTests
{
    [Fact]
    public async Task The_whole_app_with_the_cluster_disabled_registers_nothing_of_it()
    {
        List<ServiceDescriptor>? registered = null;
        await using var factory = new CamStudioAppFactory(configureServices: services => registered = [.. services]);
        using HttpClient client = factory.CreateClient();

        (await client.GetAsync("/health/live")).IsSuccessStatusCode.Should().BeTrue("the app started");
        registered.Should().NotBeNull();
        registered!.Where(IsClusterRelated).Select(Describe).Should().BeEmpty();
    }

    [Fact]
    public void Enabled_registers_the_cluster_options_so_the_check_above_can_see_them()
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Cluster:Enabled"] = "true",
        }).Build();
        var services = new ServiceCollection();
        services.AddCamStudioCore(configuration);
        services.AddCamStudioCluster(configuration);

        services.Where(IsClusterRelated).Should().NotBeEmpty();
    }

    [Fact]
    public void Enabled_the_key_ring_is_initialised_before_Data_Protection_loads_it()
    {
        // In the web host as Program builds it: Data Protection's hosted service loads the key ring (and creates a key
        // when there is none), so the locked first-key step must start before it.
        WebApplicationBuilder builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.Configuration["Cluster:Enabled"] = "true";
        builder.Services.AddCamStudioCore(builder.Configuration);
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        List<string> hosted = [.. builder.Services.Where(d => d.ServiceType == typeof(IHostedService))
            .Select(d => d.ImplementationType?.Name ?? string.Empty)];

        int initializer = hosted.IndexOf("ClusterKeyRingInitializer");
        initializer.Should().BeGreaterThan(hosted.IndexOf("DatabaseMigrationHost"), "the table must exist first");
        hosted.IndexOf("DataProtectionHostedService").Should().BeGreaterThan(initializer, string.Join(", ", hosted));
    }

    [Fact]
    public async Task Enabled_on_sqlite_without_redis_fails_start_up_naming_each_problem()
    {
        await using var factory = new CamStudioAppFactory(new Dictionary<string, string?>
        {
            ["Cluster:Enabled"] = "true",
            ["Cluster:NodeName"] = "a",
            ["Cluster:AdvertisedUrl"] = "http://127.0.0.1:5000",
            ["WebRtc:AdvertisedAddresses:0"] = "127.0.0.1",
        });

        Action start = () => factory.CreateClient().Dispose();

        OptionsValidationException failure = start.Should().Throw<OptionsValidationException>().Which;
        failure.Failures.Should().BeEquivalentTo(
            "Cluster:Enabled requires Database:Provider=PostgreSQL (now Sqlite).",
            "Cluster:Enabled requires Cluster:Redis (a StackExchange.Redis configuration string such as 10.0.0.5:6379).");
    }

    [Fact]
    public async Task Enabled_without_a_media_address_or_node_url_fails_start_up_naming_them()
    {
        // The PostgreSQL provider is configured but never reached: validation runs before any hosted service.
        await using var factory = new CamStudioAppFactory(new Dictionary<string, string?>
        {
            ["Database:Provider"] = "PostgreSQL",
            ["ConnectionStrings:CamStudio"] = "Host=127.0.0.1;Port=1;Username=postgres;Database=unused",
            ["Cluster:Enabled"] = "true",
            ["Cluster:NodeName"] = "a",
            ["Cluster:Redis"] = "127.0.0.1:1",
        });

        Action start = () => factory.CreateClient().Dispose();

        OptionsValidationException failure = start.Should().Throw<OptionsValidationException>().Which;
        failure.Failures.Should().HaveCount(2, string.Join(" | ", failure.Failures));
        failure.Failures.Should().Contain(f => f.StartsWith("Cluster:AdvertisedUrl must be", StringComparison.Ordinal));
        failure.Failures.Should().Contain(f => f.StartsWith("Cluster:Enabled requires WebRtc:AdvertisedAddresses", StringComparison.Ordinal));
    }

    /// <summary>
    /// Anything from the cluster folders or the cluster's packages, except the ownership seam every node has (S0: a single
    /// node owns all its cameras through <see cref="SingleNodeOwnership"/>).
    /// </summary>
    private static bool IsClusterRelated(ServiceDescriptor descriptor) => TypesOf(descriptor)
        // The single-node defaults behind the seams the cluster plugs into (they say "one node, owns everything").
        .Where(t => t != typeof(ICameraOwnership) && t != typeof(SingleNodeOwnership)
            && t != typeof(CamStudio.Web.Cluster.IClusterView) && t != typeof(CamStudio.Web.Cluster.SingleNodeClusterView))
        .Any(t => (t.Namespace ?? string.Empty).Contains(".Cluster", StringComparison.Ordinal)
            || t.Assembly.GetName().Name is "StackExchange.Redis" or "Microsoft.AspNetCore.DataProtection.EntityFrameworkCore");

    private static IEnumerable<Type> TypesOf(ServiceDescriptor descriptor)
    {
        Type?[] direct = descriptor.IsKeyedService
            ? [descriptor.ServiceType, descriptor.KeyedImplementationType, descriptor.KeyedImplementationInstance?.GetType()]
            : [descriptor.ServiceType, descriptor.ImplementationType, descriptor.ImplementationInstance?.GetType()];
        return direct.OfType<Type>().SelectMany(t => t.IsGenericType ? [t, .. t.GetGenericArguments()] : new[] { t });
    }

    private static string Describe(ServiceDescriptor descriptor) => string.Join(" / ", TypesOf(descriptor).Select(t => t.FullName));
}
