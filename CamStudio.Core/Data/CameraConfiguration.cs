using CamStudio.Core.Cameras;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace CamStudio.Core.Data;

/// <summary>Maps <see cref="Camera"/> to the <c>cameras</c> table with snake_case columns on both providers.</summary>
public sealed class CameraConfiguration : IEntityTypeConfiguration<Camera>
{
    // SQLite hands DateTime back as Unspecified and Npgsql refuses non-UTC values for timestamptz: pin UTC both ways.
    private static readonly ValueConverter<DateTime, DateTime> s_utc = new(
        v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc));

    public void Configure(EntityTypeBuilder<Camera> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ToTable("cameras");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Id).HasColumnName("camera_id").ValueGeneratedOnAdd();
        builder.Property(c => c.Name).HasColumnName("name").HasMaxLength(CameraValidator.MaxNameLength).IsRequired();
        builder.Property(c => c.NormalizedName).HasColumnName("normalized_name").HasMaxLength(CameraValidator.MaxNameLength).IsRequired();
        builder.HasIndex(c => c.NormalizedName).IsUnique();
        builder.Property(c => c.Source).HasColumnName("source").HasConversion<string>().HasMaxLength(16).IsRequired();
        builder.Property(c => c.IpAddress).HasColumnName("ip_address").HasMaxLength(CameraValidator.MaxHostLength).IsRequired();
        builder.Property(c => c.RtspPort).HasColumnName("rtsp_port");
        builder.Property(c => c.Brand).HasColumnName("brand").HasMaxLength(32).IsRequired();
        builder.Property(c => c.HdPath).HasColumnName("hd_path").HasMaxLength(CameraValidator.MaxPathLength).IsRequired();
        builder.Property(c => c.SdPath).HasColumnName("sd_path").HasMaxLength(CameraValidator.MaxPathLength).IsRequired();
        builder.Property(c => c.Username).HasColumnName("username").HasMaxLength(CameraValidator.MaxUsernameLength).IsRequired();
        builder.Property(c => c.ProtectedPassword).HasColumnName("password_protected");
        builder.Property(c => c.StreamQuality).HasColumnName("stream_quality").HasConversion<string>().HasMaxLength(16).IsRequired();
        builder.Property(c => c.Audio).HasColumnName("audio");
        builder.Property(c => c.Description).HasColumnName("description").HasMaxLength(CameraValidator.MaxDescriptionLength).IsRequired();
        builder.Property(c => c.PinnedNode).HasColumnName("pinned_node").HasMaxLength(Cluster.ClusterNodeName.MaxLength);
        builder.Property(c => c.CreatedAt).HasColumnName("created_at").HasConversion(s_utc);
        builder.Property(c => c.UpdatedAt).HasColumnName("updated_at").HasConversion(s_utc);
        builder.Property(c => c.Version).HasColumnName("version").IsConcurrencyToken();
    }
}
