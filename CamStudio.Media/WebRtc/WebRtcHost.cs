using Microsoft.Extensions.Hosting;

namespace CamStudio.Media.WebRtc;

/// <summary>Binds the media port when the app starts and closes every viewer when it stops.</summary>
internal sealed class WebRtcHost(WebRtcServer server) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => server.StartAsync(cancellationToken);

    public async Task StopAsync(CancellationToken cancellationToken) => await server.DisposeAsync().ConfigureAwait(false);
}
