using CamStudio.Core.Groups;
using CamStudio.Core.Views;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CamStudio.Core.Data;

/// <summary>
/// Maps <see cref="CameraView"/> to <c>camera_views</c>. A view goes with its owner; a deleted group leaves its views
/// showing every camera (group_id set null) rather than deleting someone's saved layout.
/// </summary>
public sealed class CameraViewConfiguration : IEntityTypeConfiguration<CameraView>
{
    public void Configure(EntityTypeBuilder<CameraView> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ToTable("camera_views");
        builder.HasKey(v => v.Id);
        builder.Property(v => v.Id).HasColumnName("view_id").ValueGeneratedOnAdd();
        builder.Property(v => v.OwnerId).HasColumnName("owner_user_id").IsRequired();
        builder.Property(v => v.Name).HasColumnName("name").HasMaxLength(CameraViewValidator.MaxNameLength).IsRequired();
        builder.Property(v => v.GroupId).HasColumnName("group_id");
        builder.Property(v => v.Layout).HasColumnName("layout").HasMaxLength(16).IsRequired();
        builder.Property(v => v.CameraOrder).HasColumnName("camera_order").IsRequired();
        builder.Property(v => v.Shared).HasColumnName("shared");
        builder.HasIndex(v => v.OwnerId);
        builder.HasOne<IdentityUser>().WithMany().HasForeignKey(v => v.OwnerId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<CameraGroup>().WithMany().HasForeignKey(v => v.GroupId).OnDelete(DeleteBehavior.SetNull);
    }
}

/// <summary>Maps <see cref="CameraViewDefault"/> to <c>camera_view_defaults</c>: the user id is the key, so one default each.</summary>
public sealed class CameraViewDefaultConfiguration : IEntityTypeConfiguration<CameraViewDefault>
{
    public void Configure(EntityTypeBuilder<CameraViewDefault> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ToTable("camera_view_defaults");
        builder.HasKey(d => d.UserId);
        builder.Property(d => d.UserId).HasColumnName("user_id");
        builder.Property(d => d.ViewId).HasColumnName("view_id");
        builder.HasIndex(d => d.ViewId);
        builder.HasOne<IdentityUser>().WithMany().HasForeignKey(d => d.UserId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<CameraView>().WithMany().HasForeignKey(d => d.ViewId).OnDelete(DeleteBehavior.Cascade);
    }
}
