using CamStudio.Media.Ffmpeg;
using CamStudio.Web.Cluster;
using CamStudio.Web.Components.Live;
using CamStudio.Web.Services;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.AspNetCore.Components.Server.Circuits;
using MudBlazor.Services;

namespace CamStudio.Web.Components;

/// <summary>DI wiring for the operator UI: MudBlazor and the services its pages use.</summary>
public static class UiServiceCollectionExtensions
{
    public static IServiceCollection AddCamStudioUi(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddMudServices();
        // Cluster mode registered its ClusterView earlier (AddCamStudioCluster); a single node shows nothing of a cluster.
        services.TryAddSingleton<IClusterView>(SingleNodeClusterView.Instance);
        services.AddSingleton(sp => new CameraProbeService(sp.GetRequiredService<ILogger<CameraProbeService>>(), sp.GetRequiredService<FfmpegProcessRegistry>()));
        services.AddSingleton<CameraStatusNotifier>();
        services.AddHostedService(sp => sp.GetRequiredService<CameraStatusNotifier>());
        // Scoped = one per circuit: the sessions a browser tab opened end with its circuit.
        services.AddScoped<LiveViewerSessions>();
        // The last tab closing with no camera streaming is an idle transition (the memory release).
        services.TryAddSingleton<OpenCircuits>();
        services.TryAddEnumerable(ServiceDescriptor.Scoped<CircuitHandler, OpenCircuitsHandler>());
        return services;
    }
}
