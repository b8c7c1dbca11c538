using CamStudio.Core.Cameras;
using CamStudio.Core.Cluster;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CamStudio.Core.Data;

/// <summary>
/// Maps <see cref="CameraLease"/> to <c>camera_leases</c>: keyed by the camera and cascading from it, so deleting a
/// camera ends its lease in the same statement. Indexed by node (renewals) and expiry (claims).
/// </summary>
public sealed class CameraLeaseConfiguration : IEntityTypeConfiguration<CameraLease>
{
    public void Configure(EntityTypeBuilder<CameraLease> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ToTable("camera_leases");
        builder.HasKey(l => l.CameraId);
        builder.Property(l => l.CameraId).HasColumnName("camera_id").ValueGeneratedNever();
        builder.HasOne<Camera>().WithOne().HasForeignKey<CameraLease>(l => l.CameraId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(l => l.NodeName).HasColumnName("node_name").HasMaxLength(ClusterNodeName.MaxLength);
        builder.Property(l => l.Incarnation).HasColumnName("incarnation");
        builder.Property(l => l.FencingToken).HasColumnName("fencing_token").HasDefaultValue(0L);
        builder.Property(l => l.AcquiredAt).HasColumnName("acquired_at").HasConversion(UtcDateTime.Converter);
        builder.Property(l => l.ExpiresAt).HasColumnName("expires_at").HasConversion(UtcDateTime.Converter);
        builder.HasIndex(l => l.NodeName);
        builder.HasIndex(l => l.ExpiresAt);
    }
}
