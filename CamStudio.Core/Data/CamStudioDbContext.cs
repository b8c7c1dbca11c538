using CamStudio.Core.Accounts;
using CamStudio.Core.Cameras;
using CamStudio.Core.Webhooks;
using CamStudio.Core.Groups;
using CamStudio.Core.Views;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace CamStudio.Core.Data;

/// <summary>
/// The camera configuration database. Abstract: each provider has a small derived context
/// (<see cref="SqliteCamStudioDbContext"/>, <see cref="PostgreSqlCamStudioDbContext"/>) so each gets its own migration
/// set; code outside this folder only sees this type through <c>IDbContextFactory&lt;CamStudioDbContext&gt;</c>.
/// ASP.NET Core Identity's users and roles live in the same database (its default table names), next to the API tokens.
/// </summary>
public abstract class CamStudioDbContext : IdentityDbContext<IdentityUser>
{
    protected CamStudioDbContext(DbContextOptions options)
        : base(options)
    {
    }

    public DbSet<Camera> Cameras => Set<Camera>();

    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();

    public DbSet<Webhook> Webhooks => Set<Webhook>();

    public DbSet<CameraGroup> CameraGroups => Set<CameraGroup>();

    public DbSet<CameraGroupMember> CameraGroupMembers => Set<CameraGroupMember>();

    public DbSet<CameraView> CameraViews => Set<CameraView>();

    public DbSet<CameraViewDefault> CameraViewDefaults => Set<CameraViewDefault>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        base.OnModelCreating(modelBuilder);
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(CamStudioDbContext).Assembly);
    }
}

/// <summary>The SQLite flavour; migrations in Data/Migrations/Sqlite.</summary>
public sealed class SqliteCamStudioDbContext(DbContextOptions<SqliteCamStudioDbContext> options) : CamStudioDbContext(options);

/// <summary>The PostgreSQL flavour; migrations in Data/Migrations/PostgreSql.</summary>
public sealed class PostgreSqlCamStudioDbContext(DbContextOptions<PostgreSqlCamStudioDbContext> options) : CamStudioDbContext(options);
