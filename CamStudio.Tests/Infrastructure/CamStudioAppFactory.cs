using CamStudio.Core.Data;
using CamStudio.Tests.Infrastructure;
using CamStudio.Tests.Web.Security;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;

namespace CamStudio.Tests.Infrastructure;

/// <summary>
/// The whole app (Program) in memory with test configuration applied as host settings, a real admin account seeded at
/// start-up, and clients that send the admin's real API token (<see cref="TestAccounts"/>).
/// </summary>
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

        builder.ConfigureTestServices(services => services.AddTestAdmin());
    }

    protected override void ConfigureClient(HttpClient client)
    {
        base.ConfigureClient(client);
        TestAccounts.Authorize(client, Services);
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
