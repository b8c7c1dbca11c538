using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CamStudio.Core.Cluster;

/// <summary>
/// The core's part of cluster mode, added by <see cref="CamStudioCoreServiceCollectionExtensions.AddCamStudioCore"/>
/// only when <c>Cluster:Enabled</c> is true: a single node registers nothing of it (footprint unchanged).
/// </summary>
internal static class ClusterRegistration
{
    /// <summary>Read at registration: whether cluster services exist at all cannot wait for the options to be built.</summary>
    public static bool IsEnabled(IConfiguration configuration) => configuration.GetValue<bool>(ClusterOptions.EnabledKey);

    public static void AddClusterCore(this IServiceCollection services)
    {
        services.AddOptions<ClusterOptions>().BindConfiguration(ClusterOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ClusterOptions>, ClusterOptionsValidator>();
    }
}
