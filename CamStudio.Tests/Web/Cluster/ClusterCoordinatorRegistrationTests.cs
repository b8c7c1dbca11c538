using CamStudio.Core;
using CamStudio.Core.Cluster;
using CamStudio.Media;
using CamStudio.Media.Streaming;
using CamStudio.Web.Cluster;
using CamStudio.Web.Composition;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CamStudio.Tests.Web.Cluster;

/// <summary>
/// The coordinator's wiring (slice S4) on the app's own registrations: it becomes the ownership and, through
/// <see cref="ClusterAdmission"/>, the stream admission of a cluster node, and the stream host it fences resolves
/// without a constructor cycle. <c>AddCamStudioCluster</c> calls it with <c>Cluster:Enabled=true</c> (the whole app in
/// cluster mode: <see cref="ClusterModeAppTests"/>).
/// </summary>
public sealed class ClusterCoordinatorRegistrationTests
{
    [Fact]
    public void The_coordinator_is_the_ownership_and_the_admission_and_a_hosted_service() => AssertCoordinatorWiring(redisFirst: null);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void With_Redis_registered_before_or_after_the_coordinator_its_leases_are_the_load_and_nothing_is_a_cycle(bool redisFirst) =>
        AssertCoordinatorWiring(redisFirst);

    private static void AssertCoordinatorWiring(bool? redisFirst)
    {
        // Development: the host validates every registration when it is built (ValidateOnBuild), not only those resolved.
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Development" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Cluster:Enabled"] = "true",
            ["Cluster:NodeName"] = "a",
            ["Cluster:AdvertisedUrl"] = "http://127.0.0.1:5000",
            ["Cluster:Redis"] = "127.0.0.1:6379",
            ["Database:Provider"] = "PostgreSQL",
            ["ConnectionStrings:CamStudio"] = "Host=127.0.0.1;Database=unused",
            ["WebRtc:AdvertisedAddresses:0"] = "127.0.0.1",
        });
        builder.Services.AddCamStudioCore(builder.Configuration);
        if (redisFirst == true)
        {
            builder.Services.AddClusterRedis();
        }

        builder.Services.AddClusterCoordinator();
        if (redisFirst == false)
        {
            builder.Services.AddClusterRedis();
        }

        builder.Services.AddCamStudioMedia(builder.Configuration);
        builder.Services.AddCamStudioComposition();
        using IHost host = builder.Build();
        IServiceProvider provider = host.Services;

        var coordinator = provider.GetRequiredService<ClusterCoordinator>();
        provider.GetRequiredService<ICameraOwnership>().Should().BeSameAs(coordinator);
        provider.GetRequiredService<IStreamAdmission>().Should().BeOfType<ClusterAdmission>();
        provider.GetServices<IHostedService>().Should().Contain(coordinator);
        provider.GetRequiredService<ICameraFence>().Should().BeOfType<CameraStreamHostFence>();
        provider.GetRequiredService<ICameraFencingTokens>().Should().BeSameAs(coordinator, "the status bus's tokens are the leases'");
        provider.GetRequiredService<INodeLoadSource>().GetType().Name.Should().Be("CoordinatorLoadSource", "the heartbeat's load comes from the leases");
        provider.GetServices<IHostedService>().OfType<CameraVersionWatch>().Should().ContainSingle("the owner's fallback for a lost edit");
        if (redisFirst is not null)
        {
            // Resolving the bus and the hints builds the whole graph (bus → tokens → coordinator → hints, publisher → load).
            provider.GetRequiredService<ClusterStatusBus>().Should().NotBeNull();
            provider.GetRequiredService<INodeLoadHints>().Should().NotBeNull();
            provider.GetRequiredService<NodeHeartbeatPublisher>().Should().NotBeNull();
        }
        coordinator.NodeName.Should().Be("a");
        coordinator.IsLocal(1).Should().BeFalse("nothing is owned before a claim");
        provider.GetRequiredService<IStreamAdmission>().MayRun(1).Should().BeFalse();
    }
}
