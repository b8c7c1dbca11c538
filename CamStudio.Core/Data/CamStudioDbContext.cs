using CamStudio.Core.Cameras;
using Microsoft.EntityFrameworkCore;

namespace CamStudio.Core.Data;

/// <summary>
/// The camera configuration database. Abstract: each provider has a small derived context
/// (<see cref="SqliteCamStudioDbContext"/>, <see cref="PostgreSqlCamStudioDbContext"/>) so each gets its own migration
/// set; code outside this folder only sees this type through <c>IDbContextFactory&lt;CamStudioDbContext&gt;</c>.
/// </summary>
public abstract class CamStudioDbContext : DbContext
{
    protected CamStudioDbContext(DbContextOptions options)
        : base(options)
    {
    }

    public DbSet<Camera> Cameras => Set<Camera>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(CamStudioDbContext).Assembly);
    }
}

/// <summary>The SQLite flavour; migrations in Data/Migrations/Sqlite.</summary>
public sealed class SqliteCamStudioDbContext(DbContextOptions<SqliteCamStudioDbContext> options) : CamStudioDbContext(options);

/// <summary>The PostgreSQL flavour; migrations in Data/Migrations/PostgreSql.</summary>
public sealed class PostgreSqlCamStudioDbContext(DbContextOptions<PostgreSqlCamStudioDbContext> options) : CamStudioDbContext(options);
