using CamStudio.Core.Cluster;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CamStudio.Core.Data;

/// <summary>Maps <see cref="ClusterNode"/> to <c>cluster_nodes</c> (cluster mode only; SQLite has the table unused).</summary>
public sealed class ClusterNodeConfiguration : IEntityTypeConfiguration<ClusterNode>
{
    public void Configure(EntityTypeBuilder<ClusterNode> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ToTable("cluster_nodes");
        builder.HasKey(n => n.NodeName);
        builder.Property(n => n.NodeName).HasColumnName("node_name").HasMaxLength(ClusterNodeName.MaxLength);
        builder.Property(n => n.Incarnation).HasColumnName("incarnation");
        builder.Property(n => n.AdvertisedUrl).HasColumnName("advertised_url").HasMaxLength(256).IsRequired();
        builder.Property(n => n.MediaAddresses).HasColumnName("media_addresses").HasMaxLength(512).IsRequired();
        builder.Property(n => n.UdpPort).HasColumnName("udp_port");
        builder.Property(n => n.AppVersion).HasColumnName("app_version").HasMaxLength(32).IsRequired();
        builder.Property(n => n.StartedAt).HasColumnName("started_at").HasConversion(UtcDateTime.Converter);
        builder.Property(n => n.HeartbeatAt).HasColumnName("heartbeat_at").HasConversion(UtcDateTime.Converter);
        builder.Property(n => n.ExpiresAt).HasColumnName("expires_at").HasConversion(UtcDateTime.Converter);
        builder.Property(n => n.StoppedAt).HasColumnName("stopped_at").HasConversion(UtcDateTime.Converter);
    }
}
