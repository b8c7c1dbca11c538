using CamStudio.Core.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace CamStudio.Core.Data;

/// <summary>Maps <see cref="ApiToken"/> to <c>api_tokens</c>; the hash is unique and is what a request is looked up by.</summary>
public sealed class ApiTokenConfiguration : IEntityTypeConfiguration<ApiToken>
{
    public const int MaxNameLength = 64;

    private static readonly ValueConverter<DateTime, DateTime> s_utc = new(
        v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc));

    public void Configure(EntityTypeBuilder<ApiToken> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ToTable("api_tokens");
        builder.HasKey(t => t.Id);
        builder.Property(t => t.Id).HasColumnName("token_id").ValueGeneratedOnAdd();
        builder.Property(t => t.UserId).HasColumnName("user_id").IsRequired();
        builder.Property(t => t.Name).HasColumnName("name").HasMaxLength(MaxNameLength).IsRequired();
        builder.Property(t => t.Hash).HasColumnName("hash").HasMaxLength(64).IsRequired();
        builder.Property(t => t.Hint).HasColumnName("hint").HasMaxLength(16).IsRequired();
        builder.Property(t => t.CreatedAt).HasColumnName("created_at").HasConversion(s_utc);
        // EF Core never hands a null to a converter, so the DateTime one serves the nullable columns too.
        builder.Property(t => t.ExpiresAt).HasColumnName("expires_at").HasConversion(s_utc);
        builder.Property(t => t.LastUsedAt).HasColumnName("last_used_at").HasConversion(s_utc);
        builder.HasIndex(t => t.Hash).IsUnique();
        builder.HasIndex(t => t.UserId);
        builder.HasOne<IdentityUser>().WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
