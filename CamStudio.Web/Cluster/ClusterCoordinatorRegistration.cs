using System.Reflection;
using CamStudio.Core.Cluster;
using CamStudio.Media.Streaming;
using CamStudio.Media.WebRtc;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CamStudio.Web.Cluster;

/// <summary>The coordinator's registrations (slice S4), apart so that S5/S6 extend the cluster wiring without touching it.</summary>
public static class ClusterCoordinatorRegistration
{
    /// <summary>
    /// The coordinator as hosted service, <see cref="ICameraOwnership"/>, <see cref="INodeDirectory"/>,
    /// <see cref="ICameraFencingTokens"/>, <see cref="INodeLoadSource"/> (from its leases) and (through
    /// <see cref="ClusterAdmission"/>) <see cref="IStreamAdmission"/>; plus <see cref="CameraVersionWatch"/>. Call before <c>AddCamStudioMedia</c>, whose allow-all admission is only a default.
    /// Needs the core's cluster stores (<c>Cluster:Enabled</c>).
    /// </summary>
    public static IServiceCollection AddClusterCoordinator(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ICameraFence, CameraStreamHostFence>();
        services.TryAddSingleton(provider =>
        {
            ClusterOptions cluster = provider.GetRequiredService<IOptions<ClusterOptions>>().Value;
            WebRtcOptions webRtc = provider.GetRequiredService<IOptions<WebRtcOptions>>().Value;
            string version = typeof(ClusterCoordinator).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0";
            return new ClusterNodeRegistration(
                cluster.NodeName ?? string.Empty, Guid.NewGuid(), cluster.AdvertisedUrl ?? string.Empty,
                string.Join(',', webRtc.AdvertisedAddresses), webRtc.UdpPort, version.Length > 32 ? version[..32] : version);
        });
        services.TryAddSingleton<ClusterCoordinator>();
        services.AddHostedService(provider => provider.GetRequiredService<ClusterCoordinator>());
        services.Replace(ServiceDescriptor.Singleton<ICameraOwnership>(provider => provider.GetRequiredService<ClusterCoordinator>()));
        services.TryAddSingleton<INodeDirectory>(provider => provider.GetRequiredService<ClusterCoordinator>());
        services.Replace(ServiceDescriptor.Singleton<IStreamAdmission, ClusterAdmission>());
        // The load the heartbeat publishes comes from the leases (AddClusterRedis only adds its simple source when none
        // is registered; Replace wins whichever is called first), and the status bus's fencing tokens from the leases.
        services.Replace(ServiceDescriptor.Singleton<INodeLoadSource, CoordinatorLoadSource>());
        services.TryAddSingleton<ICameraFencingTokens>(provider => provider.GetRequiredService<ClusterCoordinator>());
        // The owner's fallback for a lost "camera changed" call.
        services.AddHostedService<CameraVersionWatch>();
        return services;
    }
}
