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
        services.AddSingleton<ICameraRuntimeStatusProvider>(sp => new HealthReportingStatusProvider(
            sp.GetRequiredService<StreamRuntimeStatusProvider>(), sp.GetService<CamStudio.Core.Health.ICameraHealthReader>()));
        return services;
    }
}
