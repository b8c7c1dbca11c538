using CamStudio.Web.Cluster;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CamStudio.Web.Operations;

/// <summary>
/// Cluster mode: <b>Unhealthy</b> (503 on <c>/health/ready</c>) while this node is not registered or its last successful
/// lease renewal is older than the lease's valid-until (<c>LeaseTtl − FenceMargin</c>): from then on the node has fenced
/// its cameras and may start none, so a load balancer should send viewers to a node that can serve them. Unlike Redis,
/// this is the node's own fault (it cannot reach PostgreSQL in time), not one every node shares.
/// </summary>
internal sealed class ClusterLeaseHealthCheck(ClusterCoordinator coordinator) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(!coordinator.IsRegistered
            ? HealthCheckResult.Unhealthy($"Cluster node '{coordinator.NodeName}' is not registered yet")
            : coordinator.IsRenewCurrent
                ? HealthCheckResult.Healthy($"Node '{coordinator.NodeName}' holds {coordinator.LocalCameras.Count} camera lease(s)")
                : HealthCheckResult.Unhealthy("Lease renewal overdue: this node cannot reach PostgreSQL in time and serves no camera"));
}
