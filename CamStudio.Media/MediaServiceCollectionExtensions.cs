using System.ComponentModel.DataAnnotations;
using CamStudio.Media.Ffmpeg;
using CamStudio.Media.Memory;
using CamStudio.Media.Snapshots;
using CamStudio.Media.Streaming;
using CamStudio.Media.WebRtc;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CamStudio.Media;

/// <summary>Registers the media core: the WebRTC server on its UDP port, FFmpeg supervision and the camera streams.</summary>
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
        services.AddCameraStreams(configuration);
        services.AddSnapshots(configuration);
        return services;
    }

    /// <summary>Camera snapshots (<see cref="SnapshotService"/>): from the running streams, else a short grab.</summary>
    public static IServiceCollection AddSnapshots(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<SnapshotOptions>()
            .Bind(configuration.GetSection(SnapshotOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton<SnapshotService>();
        return services;
    }

    /// <summary>
    /// The on-demand camera streams (<see cref="CameraStreamHost"/>, also the hosted service that stops them). The app
    /// registers the <see cref="ICameraFeedLookup"/> they read camera settings from.
    /// </summary>
    public static IServiceCollection AddCameraStreams(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<CameraStreamOptions>()
            .Bind(configuration.GetSection(CameraStreamOptions.SectionName))
            .ValidateDataAnnotations()
            .Validate(o => o.Hls is not null && IsValid(o.Hls),
                "Streams:Hls is inconsistent: every value in range, SegmentSeconds ≥ PartTargetMilliseconds and ≤ TargetDurationSeconds.")
            .ValidateOnStart();
        services.AddOptions<MemoryReleaseOptions>()
            .Bind(configuration.GetSection(MemoryReleaseOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton<IdleMemoryRelease>();
        // One node pulls every camera; a cluster replaces this with its lease-based admission.
        services.TryAddSingleton<IStreamAdmission>(AllowAllStreamAdmission.Instance);
        services.TryAddSingleton<CameraStreamHost>();
        // Registered after the registry and the WebRTC host, so it is stopped before them: streams end cleanly first.
        services.AddHostedService(sp => sp.GetRequiredService<CameraStreamHost>());
        services.AddHostedService<StartupMemoryRelease>();
        return services;
    }

    // Nested options are not reached by ValidateDataAnnotations, so the ranges are checked here too.
    private static bool IsValid(HlsOptions hls) =>
        Validator.TryValidateObject(hls, new ValidationContext(hls), null, validateAllProperties: true) && hls.IsValid();
}
