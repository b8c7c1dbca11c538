using CamStudio.Core.Data;
using CamStudio.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace CamStudio.Tests.Web.Api;

/// <summary>The whole app (Program) in memory with test configuration applied as host settings.</summary>
public sealed class CamStudioAppFactory(IReadOnlyDictionary<string, string?> settings) : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // An ephemeral WebRTC port unless a test says otherwise: apps running in parallel must not fight over 8555.
        builder.UseSetting("WebRtc:UdpPort", "0");
        foreach ((string key, string? value) in settings)
        {
            builder.UseSetting(key, value);
        }
    }
}

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
