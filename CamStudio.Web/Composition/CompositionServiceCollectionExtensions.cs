using CamStudio.Core.Cameras;
using CamStudio.Media.Streaming;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CamStudio.Web.Composition;

/// <summary>
/// Connects the media library to the camera model: the streams read cameras through <see cref="ICameraFeedLookup"/>, and
/// the app reads stream status through <see cref="ICameraRuntimeStatusProvider"/>. Call after AddCamStudioCore and
/// AddCamStudioMedia.
/// </summary>
public static class CompositionServiceCollectionExtensions
{
    public static IServiceCollection AddCamStudioComposition(this IServiceCollection services)
    {
        services.TryAddSingleton<ICameraFeedLookup, CameraFeedLookup>();
        // Replaces the idle provider the core registers.
        services.RemoveAll<ICameraRuntimeStatusProvider>();
        services.TryAddSingleton<StreamRuntimeStatusProvider>();
        services.TryAddSingleton(sp => new HealthReportingStatusProvider(
            sp.GetRequiredService<StreamRuntimeStatusProvider>(), sp.GetService<CamStudio.Core.Health.ICameraHealthReader>()));
        // In cluster mode (Cluster.ClusterRedisRegistration) the app reads every node's cameras; this node's own status
        // stays the one above, which is what it publishes.
        services.AddSingleton<ICameraRuntimeStatusProvider>(sp =>
            (ICameraRuntimeStatusProvider?)sp.GetService<Cluster.ClusterStatusProvider>() ?? sp.GetRequiredService<HealthReportingStatusProvider>());
        return services;
    }
}
