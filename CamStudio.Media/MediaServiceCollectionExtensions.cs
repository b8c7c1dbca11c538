using CamStudio.Media.Ffmpeg;
using CamStudio.Media.WebRtc;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CamStudio.Media;

/// <summary>Registers the media core: the WebRTC server on its UDP port.</summary>
public static class MediaServiceCollectionExtensions
{
    public static IServiceCollection AddCamStudioMedia(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<WebRtcOptions>()
            .Bind(configuration.GetSection(WebRtcOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddFfmpegSupervision();
        services.AddSingleton<WebRtcServer>();
        services.AddHostedService<WebRtcHost>();
        return services;
    }
}
