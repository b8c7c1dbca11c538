using CamStudio.Core.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace CamStudio.Core.Data;

/// <summary>Maps <see cref="Webhook"/> to <c>webhooks</c>; the secret column holds Data Protection ciphertext only.</summary>
public sealed class WebhookConfiguration : IEntityTypeConfiguration<Webhook>
{
    private static readonly ValueConverter<DateTime, DateTime> s_utc = new(
        v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc));

    public void Configure(EntityTypeBuilder<Webhook> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ToTable("webhooks");
        builder.HasKey(w => w.Id);
        builder.Property(w => w.Id).HasColumnName("webhook_id").ValueGeneratedOnAdd();
        builder.Property(w => w.Name).HasColumnName("name").HasMaxLength(WebhookValidator.MaxNameLength).IsRequired();
        builder.Property(w => w.Url).HasColumnName("url").HasMaxLength(WebhookValidator.MaxUrlLength).IsRequired();
        builder.Property(w => w.ProtectedSecret).HasColumnName("secret_protected").IsRequired();
        builder.Property(w => w.SecretHint).HasColumnName("secret_hint").HasMaxLength(WebhookValidator.SecretHintLength).IsRequired();
        builder.Property(w => w.Enabled).HasColumnName("enabled");
        builder.Property(w => w.EventKinds).HasColumnName("event_kinds").HasMaxLength(200).IsRequired();
        builder.Property(w => w.CreatedAt).HasColumnName("created_at").HasConversion(s_utc);
        builder.Property(w => w.UpdatedAt).HasColumnName("updated_at").HasConversion(s_utc);
    }
}
