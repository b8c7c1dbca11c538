using CamStudio.Core.Health;
using CamStudio.Media.Rtsp;
using CamStudio.Web.Composition;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CamStudio.Web.Health;

/// <summary>Registers the background camera health checks. Call after AddCamStudioComposition.</summary>
public static class HealthServiceCollectionExtensions
{
    public static IServiceCollection AddCamStudioHealth(this IServiceCollection services)
    {
        services.AddOptions<HealthOptions>()
            .BindConfiguration(HealthOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton<RtspDescribeClient>();
        services.TryAddSingleton<IRtspDescribeClient>(sp => sp.GetRequiredService<RtspDescribeClient>());
        services.TryAddSingleton<HealthCheckRequests>();
        // The monitor reads the streams' own status (not the health-carrying one it feeds itself).
        services.TryAddSingleton(sp => ActivatorUtilities.CreateInstance<CameraHealthMonitor>(
            sp, sp.GetRequiredService<StreamRuntimeStatusProvider>()));
        services.TryAddSingleton<ICameraHealthReader>(sp => sp.GetRequiredService<CameraHealthMonitor>());
        services.AddHostedService(sp => sp.GetRequiredService<CameraHealthMonitor>());
        return services;
    }
}
