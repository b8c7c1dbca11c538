using CamStudio.Web.Cluster;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CamStudio.Web.Operations;

/// <summary>
/// Cluster mode: <b>Degraded</b> (still 200 on <c>/health/ready</c>) while Redis is unreachable. Redis carries only live
/// status and loads between nodes; every node shares one Redis, so answering 503 would take every node out of a load
/// balancer at once and turn a Redis outage into a full one, while cameras keep streaming from their owners.
/// </summary>
internal sealed class RedisHealthCheck(RedisConnection redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        await redis.GetAsync().WaitAsync(cancellationToken);
        return redis.IsConnected
            ? HealthCheckResult.Healthy("Redis connected")
            : HealthCheckResult.Degraded("Redis unreachable: other nodes' live status and loads are stale; cameras keep streaming");
    }
}
