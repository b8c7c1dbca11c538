using CamStudio.Core.Data;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.EntityFrameworkCore;
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

    public static void AddClusterKeyRingInitializer(this IServiceCollection services) =>
        services.AddHostedService<ClusterKeyRingInitializer>();

    /// <summary>The key ring in <c>data_protection_keys</c> instead of the data directory.</summary>
    public static void AddClusterKeyRing(this IServiceCollection services) =>
        services.AddOptions<KeyManagementOptions>()
            .Configure<IDbContextFactory<CamStudioDbContext>>((keys, contexts) => keys.XmlRepository = new ClusterKeyRing(contexts));

    public static void AddClusterCore(this IServiceCollection services)
    {
        services.AddOptions<ClusterOptions>().BindConfiguration(ClusterOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ClusterOptions>, ClusterOptionsValidator>();
        services.AddSingleton(provider => new ClusterDatabase(
            provider.GetRequiredService<IOptions<CamStudioDataOptions>>().Value.ConnectionString ?? string.Empty));
        services.AddSingleton<CameraLeaseStore>();
        services.AddSingleton<ClusterNodeStore>();
    }
}
