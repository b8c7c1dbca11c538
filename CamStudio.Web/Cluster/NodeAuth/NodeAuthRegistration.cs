using Microsoft.AspNetCore.Authentication;
using CamStudio.Core.Cluster;
using CamStudio.Web.Services;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CamStudio.Web.Cluster.NodeAuth;

/// <summary>Registers node-to-node authentication (scheme <see cref="NodeAuthenticationHandler.SchemeName"/>).</summary>
public static class NodeAuthRegistration
{
    public static IServiceCollection AddClusterNodeAuth(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddDataProtection();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<NodeNonceCache>();
        services.AddSingleton<NodeTokenService>();
        services.TryAddSingleton<ClusterNodeIdentity>();
        services.AddHttpClient<NodeClient>((provider, client) =>
            client.Timeout = provider.GetRequiredService<IOptions<ClusterOptions>>().Value.ForwardTimeout);
        // The snapshot/poster/camera-change edges (IRemoteCameraOwners): CameraCommands and the snapshot API use them
        // when registered and serve everything locally when not (a single node).
        services.TryAddSingleton<IRemoteCameraOwners, CameraOwnerRelay>();
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, NodeAuthenticationHandler>(NodeAuthenticationHandler.SchemeName, null);
        return services;
    }
}
