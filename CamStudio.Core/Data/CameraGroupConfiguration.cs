using CamStudio.Core.Cameras;
using CamStudio.Core.Groups;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CamStudio.Core.Data;

/// <summary>Maps <see cref="CameraGroup"/> to <c>camera_groups</c>; the name key is unique like cameras' names.</summary>
public sealed class CameraGroupConfiguration : IEntityTypeConfiguration<CameraGroup>
{
    public void Configure(EntityTypeBuilder<CameraGroup> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ToTable("camera_groups");
        builder.HasKey(g => g.Id);
        builder.Property(g => g.Id).HasColumnName("group_id").ValueGeneratedOnAdd();
        builder.Property(g => g.Name).HasColumnName("name").HasMaxLength(CameraGroupValidator.MaxNameLength).IsRequired();
        // The key collapses spaces, so it is never longer than the name.
        builder.Property(g => g.NormalizedName).HasColumnName("normalized_name").HasMaxLength(CameraGroupValidator.MaxNameLength).IsRequired();
        builder.HasIndex(g => g.NormalizedName).IsUnique();
        builder.Property(g => g.Position).HasColumnName("position");
    }
}

/// <summary>
/// Maps <see cref="CameraGroupMember"/> to <c>camera_group_members</c>: deleting either a camera or a group removes the
/// row, and nothing else.
/// </summary>
public sealed class CameraGroupMemberConfiguration : IEntityTypeConfiguration<CameraGroupMember>
{
    public void Configure(EntityTypeBuilder<CameraGroupMember> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ToTable("camera_group_members");
        builder.HasKey(m => new { m.GroupId, m.CameraId });
        builder.Property(m => m.GroupId).HasColumnName("group_id");
        builder.Property(m => m.CameraId).HasColumnName("camera_id");
        builder.HasIndex(m => m.CameraId);
        builder.HasOne<CameraGroup>().WithMany().HasForeignKey(m => m.GroupId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Camera>().WithMany().HasForeignKey(m => m.CameraId).OnDelete(DeleteBehavior.Cascade);
    }
}
