using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace CamStudio.Media.Ffmpeg;

/// <summary>DI wiring for FFmpeg supervision; meant to be called from the media library's AddCamStudioMedia.</summary>
public static class FfmpegServiceCollectionExtensions
{
    public static IServiceCollection AddFfmpegSupervision(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<FfmpegProcessRegistry>();
        // The same instance is the hosted service, so host shutdown kills every child it tracks.
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<FfmpegProcessRegistry>());
        services.TryAddSingleton<IFfmpegLauncher>(sp => new FfmpegLauncher(
            sp.GetRequiredService<FfmpegProcessRegistry>(),
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<FfmpegProcess>>()));
        return services;
    }
}
