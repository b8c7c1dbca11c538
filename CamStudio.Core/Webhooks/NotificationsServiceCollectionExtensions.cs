using CamStudio.Core.Events;
using CamStudio.Core.Health;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CamStudio.Core.Webhooks;

/// <summary>Registers the event log (a health observer) and webhooks.</summary>
public static class NotificationsServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="CameraEventLog"/> (options <c>Events</c>) as an <see cref="ICameraHealthObserver"/>, its start-up
    /// marker, the webhook store and the delivery host (options <c>Webhooks</c>) with its HttpClient. Needs
    /// <c>AddCamStudioCore</c> (database, Data Protection, clock).
    /// </summary>
    public static IServiceCollection AddCamStudioNotifications(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<EventsOptions>().BindConfiguration(EventsOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<CameraEventLog>();
        services.AddSingleton<ICameraHealthObserver, CameraEventRecorder>();
        services.AddHostedService<CameraEventStartMarker>();

        services.TryAddSingleton<WebhookSecretProtector>();
        services.TryAddSingleton<WebhookDeliveryStatus>();
        services.TryAddSingleton<WebhookService>();
        services.TryAddSingleton<WebhookDeliveryService>();
        services.AddHostedService(sp => sp.GetRequiredService<WebhookDeliveryService>());
        services.AddHttpClient(WebhookDeliveryService.HttpClientName)
            // The factory's request logging writes the full URL, which often carries the receiver's own token; the
            // delivery service logs the webhook's id and name instead.
            .RemoveAllLoggers()
            // A redirect is the receiver's configuration error: following it would re-send the signed body elsewhere.
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
            // The delivery sets its own per-attempt timeout; the client's default 100 s must not cut in first.
            .ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan);
        return services;
    }
}
