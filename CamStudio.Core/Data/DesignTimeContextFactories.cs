using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace CamStudio.Core.Data;

/// <summary>Lets <c>dotnet ef migrations add</c> build the SQLite model without starting the app.</summary>
internal sealed class SqliteDesignTimeContextFactory : IDesignTimeDbContextFactory<SqliteCamStudioDbContext>
{
    public SqliteCamStudioDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteCamStudioDbContext>().UseSqlite("Data Source=design-time.db").Options);
}

/// <summary>Lets <c>dotnet ef migrations add</c> build the PostgreSQL model; no server is contacted.</summary>
internal sealed class PostgreSqlDesignTimeContextFactory : IDesignTimeDbContextFactory<PostgreSqlCamStudioDbContext>
{
    public PostgreSqlCamStudioDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgreSqlCamStudioDbContext>().UseNpgsql("Host=localhost;Database=camstudio_design").Options);
}
