using CamStudio.Core.Cameras;
using CamStudio.Core.Cluster;
using CamStudio.Web.Composition;
using CamStudio.Web.Operations;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CamStudio.Web.Cluster;

/// <summary>The Redis part of cluster mode (slice S5): connection, heartbeats, status fan-out, the <c>redis</c> ready check.</summary>
public static class ClusterRedisRegistration
{
    /// <summary>
    /// Registers the Redis services; called by <see cref="ClusterServiceCollectionExtensions.AddCamStudioCluster"/> when
    /// <c>Cluster:Enabled</c> is true (and by tests, which start them without the rest of the cluster). The app's status
    /// provider becomes <see cref="ClusterStatusProvider"/> (CompositionServiceCollectionExtensions picks it up).
    /// </summary>
    public static IServiceCollection AddClusterRedis(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<ClusterOptions>().BindConfiguration(ClusterOptions.SectionName);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ClusterNodeIdentity>();
        services.TryAddSingleton<RedisConnection>();
        services.TryAddSingleton<INodeLoadSource, StreamHostLoadSource>();
        services.TryAddSingleton<NodeHeartbeatPublisher>();
        services.AddHostedService(sp => sp.GetRequiredService<NodeHeartbeatPublisher>());
        // Placement by load (the coordinator reads it when registered); lazy: the publisher needs the coordinator's load.
        services.TryAddSingleton<INodeLoadHints>(sp => new HeartbeatLoadHints(
            sp.GetRequiredService<NodeHeartbeatPublisher>, sp.GetRequiredService<TimeProvider>()));
        // Before AddCamStudioUi's single-node default (TryAdd): the pages show the Node column and the Nodes table.
        services.TryAddSingleton<IClusterView, ClusterView>();
        services.TryAddSingleton(sp => new ClusterStatusBus(
            sp.GetRequiredService<RedisConnection>(),
            sp.GetRequiredService<ClusterNodeIdentity>(),
            sp.GetRequiredService<HealthReportingStatusProvider>(),
            sp.GetRequiredService<INodeLoadSource>(),
            sp.GetService<ICameraFencingTokens>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<ClusterStatusBus>>()));
        services.AddHostedService(sp => sp.GetRequiredService<ClusterStatusBus>());
        services.TryAddSingleton(sp => new ClusterStatusProvider(
            sp.GetRequiredService<HealthReportingStatusProvider>(),
            sp.GetRequiredService<ClusterStatusBus>(),
            sp.GetRequiredService<ICameraOwnership>(),
            sp.GetRequiredService<ClusterNodeIdentity>()));
        services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis", tags: [OperationsServiceCollectionExtensions.ReadyTag], timeout: OperationsServiceCollectionExtensions.ReadyCheckTimeout);
        return services;
    }
}
