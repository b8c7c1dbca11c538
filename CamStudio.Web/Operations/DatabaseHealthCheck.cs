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
        Task<int> query = CountCamerasAsync(cancellationToken);
        try
        {
            // The probe must get its answer when the check's time is up. Npgsql honours the token late on a connection
            // whose packets are dropped (it first tries a server-side cancel over a new connection, which hangs too), so
            // the check stops waiting at once and lets the query end by itself; its context is disposed where it runs.
            data["cameras"] = await query.WaitAsync(cancellationToken);
            return HealthCheckResult.Healthy($"{options.Value.Provider} reachable", data);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The message of a provider exception can carry a connection string; report only its type.
            return HealthCheckResult.Unhealthy($"{options.Value.Provider} unreachable ({ex.GetType().Name})", data: data);
        }
        finally
        {
            // A query abandoned above still fails later; observe it so it is not reported as unobserved.
            _ = query.ContinueWith(static t => _ = t.Exception, CancellationToken.None,
                TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private async Task<int> CountCamerasAsync(CancellationToken cancellationToken)
    {
        await using CamStudioDbContext db = await contextFactory.CreateDbContextAsync(cancellationToken);
        return await db.Cameras.CountAsync(cancellationToken);
    }
}
