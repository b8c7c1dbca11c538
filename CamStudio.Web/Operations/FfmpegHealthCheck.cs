using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CamStudio.Web.Operations;

/// <summary>Ready when FFmpeg runs; reports its version.</summary>
internal sealed class FfmpegHealthCheck(FfmpegVersionProbe probe) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        (string? version, string? error) = await probe.GetVersionAsync(cancellationToken);
        return version is null
            ? HealthCheckResult.Unhealthy(error)
            : HealthCheckResult.Healthy($"ffmpeg {version}", new Dictionary<string, object>
            {
                ["executable"] = probe.Executable,
                ["version"] = version,
            });
    }
}
