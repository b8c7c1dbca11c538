namespace CamStudio.Core.Cluster;

/// <summary>
/// Who serves a camera (<c>camera_leases</c>, one row per camera, deleted with it). Unowned rows have no
/// <see cref="NodeName"/>. Every claim increments <see cref="FencingToken"/>, which orders the control traffic of
/// successive owners. Written only through the lease store's SQL on the database clock
/// (docs/design/cluster-plan.md §1.1).
/// </summary>
public sealed class CameraLease
{
    public int CameraId { get; set; }

    public string? NodeName { get; set; }

    public Guid? Incarnation { get; set; }

    public long FencingToken { get; set; }

    /// <summary>UTC, database clock.</summary>
    public DateTime? AcquiredAt { get; set; }

    /// <summary>UTC, database clock.</summary>
    public DateTime ExpiresAt { get; set; }
}
