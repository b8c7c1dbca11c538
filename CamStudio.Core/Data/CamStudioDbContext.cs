using CamStudio.Core.Accounts;
using CamStudio.Core.Cameras;
using CamStudio.Core.Cluster;
using CamStudio.Core.Webhooks;
using CamStudio.Core.Groups;
using CamStudio.Core.Views;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
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
public abstract class CamStudioDbContext : IdentityDbContext<IdentityUser>, IDataProtectionKeyContext
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

    /// <summary>Cluster mode: the nodes (Cluster/ClusterNodeStore.cs).</summary>
    public DbSet<ClusterNode> ClusterNodes => Set<ClusterNode>();

    /// <summary>Cluster mode: who serves which camera (Cluster/CameraLeaseStore.cs).</summary>
    public DbSet<CameraLease> CameraLeases => Set<CameraLease>();

    /// <summary>Cluster mode: the shared Data Protection key ring (Cluster/ClusterKeyRing.cs); empty on a single node.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

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
