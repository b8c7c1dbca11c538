using CamStudio.Web.Cluster.NodeAuth;
using CamStudio.Web.Services;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CamStudio.Web.Cluster.Forwarding;

/// <summary>Registers the entry node's forwarding (slice S6 part 2): offers for cameras other nodes own, remote sessions.</summary>
public static class ClusterForwardingRegistration
{
    /// <summary>
    /// Node authentication and the owner's endpoints (<see cref="NodeAuthRegistration.AddClusterNodeAuth"/>), the cluster's
    /// <see cref="IRemoteOffers"/> in place of the single node's, the remote session record and the <c>{p}:sessions</c>
    /// bus. Needs the coordinator (<see cref="INodeDirectory"/>, <c>ICameraOwnership</c>) and the Redis services.
    /// </summary>
    public static IServiceCollection AddClusterForwarding(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddClusterNodeAuth();
        services.TryAddSingleton<RemoteViewerSessions>();
        services.Replace(ServiceDescriptor.Singleton<IRemoteOffers, ClusterRemoteOffers>());
        services.TryAddSingleton<SessionEndedBus>();
        services.AddHostedService(sp => sp.GetRequiredService<SessionEndedBus>());
        return services;
    }
}
