using Microsoft.AspNetCore.Authentication;
using CamStudio.Core.Cluster;
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
        services.TryAddSingleton<Forwarding.ForwardedSessions>();
        services.AddHttpClient<NodeClient>((provider, client) =>
            client.Timeout = provider.GetRequiredService<IOptions<ClusterOptions>>().Value.ForwardTimeout);
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, NodeAuthenticationHandler>(NodeAuthenticationHandler.SchemeName, null);
        return services;
    }
}
