using CamStudio.Core.Cluster;
using Microsoft.Extensions.Options;

namespace CamStudio.Web.Cluster;

/// <summary>The web app's part of cluster mode (issue 18); registers nothing unless <c>Cluster:Enabled</c> is true.</summary>
public static class ClusterServiceCollectionExtensions
{
    /// <summary>
    /// While the coordinator (leases, fencing, placement, forwarding) is not built, cluster mode is refused at start with
    /// one clear line, after the configuration's own problems: a half-built cluster would let two nodes pull the same
    /// camera, which is exactly what it exists to prevent.
    /// </summary>
    public static IServiceCollection AddCamStudioCluster(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        if (configuration.GetValue<bool>(ClusterOptions.EnabledKey))
        {
            services.AddSingleton<IValidateOptions<ClusterOptions>, ClusterNotYetAvailable>();
            services.AddClusterRedis();
        }

        return services;
    }

    private sealed class ClusterNotYetAvailable : IValidateOptions<ClusterOptions>
    {
        public const string Message =
            "Cluster:Enabled=true is not available yet: this version has the cluster's configuration, tables, leases and coordinator but "
            + "not yet the node-to-node forwarding and shared status that make one dashboard of them (issue 18); set Cluster:Enabled=false.";

        public ValidateOptionsResult Validate(string? name, ClusterOptions options) =>
            options.Enabled ? ValidateOptionsResult.Fail(Message) : ValidateOptionsResult.Success;
    }
}
