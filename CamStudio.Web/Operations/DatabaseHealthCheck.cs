using CamStudio.Core;
using CamStudio.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace CamStudio.Web.Operations;

/// <summary>Ready when a short-lived context can query the camera table (proves connection and schema, not just a file).</summary>
internal sealed class DatabaseHealthCheck(
    IDbContextFactory<CamStudioDbContext> contextFactory,
    IOptions<CamStudioDataOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object> { ["provider"] = options.Value.Provider.ToString() };
        try
        {
            await using CamStudioDbContext db = await contextFactory.CreateDbContextAsync(cancellationToken);
            int cameras = await db.Cameras.CountAsync(cancellationToken);
            data["cameras"] = cameras;
            return HealthCheckResult.Healthy($"{options.Value.Provider} reachable", data);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The message of a provider exception can carry a connection string; report only its type.
            return HealthCheckResult.Unhealthy($"{options.Value.Provider} unreachable ({ex.GetType().Name})", data: data);
        }
    }
}
