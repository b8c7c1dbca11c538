using CamStudio.Core.Cluster;
using CamStudio.Web.Cluster.Forwarding;
using CamStudio.Web.Operations;

namespace CamStudio.Web.Cluster;

/// <summary>The web app's part of cluster mode (issue 18); registers nothing unless <c>Cluster:Enabled</c> is true.</summary>
public static class ClusterServiceCollectionExtensions
{
    /// <summary>
    /// Cluster mode: the coordinator (leases, fencing, placement), the Redis side (heartbeats, status fan-out), node-to-node
    /// authentication and forwarding (offers, HLS, sessions, pictures, camera changes) and the <c>cluster_lease</c> ready check. Call after <c>AddCamStudioCore</c> (its cluster stores and
    /// the start-up validation of <see cref="ClusterOptions"/>) and <b>before</b> <c>AddCamStudioMedia</c>: the media
    /// library's allow-all admission and the core's single-node ownership are only defaults the coordinator replaces.
    /// <c>MapClusterNodeApi</c> maps the internal endpoints once the node authentication is registered here.
    /// </summary>
    public static IServiceCollection AddCamStudioCluster(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        if (!configuration.GetValue<bool>(ClusterOptions.EnabledKey))
        {
            return services;
        }

        // The coordinator also provides the heartbeat's load and the fencing tokens that order statuses.
        services.AddClusterCoordinator();
        services.AddClusterRedis();
        // Node authentication, the owner's endpoints and the entry node's forwarding of offers, HLS and sessions.
        services.AddClusterForwarding();
        services.AddHealthChecks().AddCheck<ClusterLeaseHealthCheck>("cluster_lease", tags: [OperationsServiceCollectionExtensions.ReadyTag], timeout: OperationsServiceCollectionExtensions.ReadyCheckTimeout);
        return services;
    }
}
