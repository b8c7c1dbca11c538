using System.Globalization;
using CamStudio.Media.WebRtc;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CamStudio.Web.Operations;

/// <summary>
/// Ready when the WebRTC UDP socket is bound. The WebRTC server is resolved optionally: an app built without the media
/// plane has no port to check and is reported healthy with a note saying so.
/// </summary>
internal sealed class MediaPortHealthCheck(IServiceProvider services) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (services.GetService<WebRtcServer>() is not { } server)
        {
            return Task.FromResult(HealthCheckResult.Healthy("WebRTC server not registered"));
        }

        return Task.FromResult(server.LocalEndPoint is { } endPoint
            ? HealthCheckResult.Healthy(
                string.Create(CultureInfo.InvariantCulture, $"UDP {endPoint} bound"),
                new Dictionary<string, object>
                {
                    ["udp_port"] = endPoint.Port,
                    ["sessions"] = server.SessionCount,
                })
            : HealthCheckResult.Unhealthy("WebRTC UDP port not bound"));
    }
}
