using Microsoft.AspNetCore.Authentication;
using CamStudio.Core.Cluster;
using CamStudio.Web.Services;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CamStudio.Web.Cluster.NodeAuth;

/// <summary>Registers node-to-node authentication (scheme <see cref="NodeAuthenticationHandler.SchemeName"/>).</summary>
public static class NodeAuthRegistration
{
    public static IServiceCollection AddClusterNodeAuth(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(d => d.ServiceType == typeof(NodeTokenService)))
        {
            return services; // registered already (AddClusterForwarding calls this too): a scheme may be added only once
        }

        services.AddDataProtection();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<NodeNonceCache>();
        services.AddSingleton<NodeTokenService>();
        services.TryAddSingleton<ClusterNodeIdentity>();
        services.TryAddSingleton<Forwarding.ForwardedSessions>();
        // The time limits are NodeClient's own per call (an HLS open may wait for a key frame); none on the client.
        services.AddHttpClient<NodeClient>(client => client.Timeout = Timeout.InfiniteTimeSpan)
            // Relayed LL-HLS blocking reloads each hold a connection for up to a few seconds: no per-server cap, and
            // connections are renewed now and then so a node that moved address is picked up.
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                MaxConnectionsPerServer = int.MaxValue,
                PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            });
        // The snapshot/poster/camera-change edges (IRemoteCameraOwners): CameraCommands and the snapshot API use them
        // when registered and serve everything locally when not (a single node).
        services.TryAddSingleton<IRemoteCameraOwners, CameraOwnerRelay>();
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, NodeAuthenticationHandler>(NodeAuthenticationHandler.SchemeName, null);
        return services;
    }
}
