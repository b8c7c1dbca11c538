using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection.Extensions;

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
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, NodeAuthenticationHandler>(NodeAuthenticationHandler.SchemeName, null);
        return services;
    }
}
