using CamStudio.Core.Health;
using CamStudio.Core.Webhooks;
using Microsoft.Extensions.Hosting;

namespace CamStudio.Core.Events;

/// <summary>
/// The health checker's observer: turns each change into an event in the log and hands it to the webhook dispatcher,
/// which only queues it. Returns at once; a change to the same state records nothing and sends nothing.
/// </summary>
public sealed class CameraEventRecorder(CameraEventLog log, WebhookDeliveryService webhooks) : ICameraHealthObserver
{
    public void OnHealthChanged(CameraHealthChange change)
    {
        if (change is not null && log.AppendChange(change) is { } recorded)
        {
            webhooks.OnEvent(recorded);
        }
    }
}

/// <summary>Writes the "CamStudio started" marker when the host starts, so a gap across a restart is visible.</summary>
public sealed class CameraEventStartMarker(CameraEventLog log) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        log.AppendServerStarted();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
