namespace CamStudio.Core.Data;

/// <summary>The configured database (<c>Database:Provider</c>).</summary>
public enum DatabaseProvider
{
    /// <summary>Embedded SQLite file in the data directory; the default.</summary>
    Sqlite = 0,

    /// <summary>A PostgreSQL server given by <c>ConnectionStrings:CamStudio</c>.</summary>
    PostgreSql = 1,
}
