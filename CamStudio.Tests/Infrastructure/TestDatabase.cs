using CamStudio.Core.Data;

namespace CamStudio.Tests.Infrastructure;

/// <summary>Which database a test class runs against; the PostgreSQL flavour gets a database of its own.</summary>
public sealed record TestDatabase(DatabaseProvider Provider, IReadOnlyDictionary<string, string?> Settings)
{
    public static TestDatabase Sqlite() => new(
        DatabaseProvider.Sqlite,
        new Dictionary<string, string?> { ["Database:Provider"] = "Sqlite" });

    public static TestDatabase PostgreSql(PostgresServer server) => new(
        DatabaseProvider.PostgreSql,
        new Dictionary<string, string?>
        {
            ["Database:Provider"] = "PostgreSQL",
            ["ConnectionStrings:CamStudio"] = server.ConnectionString(PostgresServer.NewDatabaseName()),
        });
}
