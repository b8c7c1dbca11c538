using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace CamStudio.Tests.Infrastructure;

/// <summary>
/// The whole app (Program) in memory, the one factory of every test that starts it. Defaults: SQLite in a fresh data
/// directory, an ephemeral WebRTC port on 127.0.0.1, a real admin account seeded at start-up and clients that send its
/// real API token (<see cref="TestAccounts"/>). Tests change what they need: extra settings (applied as host settings,
/// over the defaults), extra service registrations (after Program's), an existing data directory (kept on dispose;
/// the fresh one is deleted), or no admin at all (a first-run app).
/// </summary>
public sealed class CamStudioAppFactory : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _configureServices;
    private readonly bool _ownsDataDirectory;
    private readonly bool _seedAdmin;

    /// <param name="settings">Extra configuration, applied over the defaults (e.g. <see cref="TestDatabase.Settings"/>).</param>
    /// <param name="configureServices">Extra registrations, applied after Program's (and after the test admin's).</param>
    /// <param name="dataDirectory">An existing data directory to use and keep; by default a fresh one that is deleted on dispose.</param>
    /// <param name="seedAdmin">False for a first-run app without any account (and clients without a token).</param>
    public CamStudioAppFactory(
        IReadOnlyDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? configureServices = null,
        string? dataDirectory = null,
        bool seedAdmin = true)
    {
        _seedAdmin = seedAdmin;
        _ownsDataDirectory = dataDirectory is null;
        DataDirectory = dataDirectory ?? Path.Combine(Path.GetTempPath(), "camstudio-test-" + Guid.NewGuid().ToString("N"));
        _settings = new Dictionary<string, string?>
        {
            ["DataDirectory"] = DataDirectory,
            ["Database:Provider"] = "Sqlite",
            // Apps running in parallel must not fight over 8555, and tests send only on loopback (the end-to-end
            // fixtures, inside the private namespace, bind to any address instead).
            ["WebRtc:UdpPort"] = "0",
            ["WebRtc:BindAddress"] = "127.0.0.1",
            // The background health checks would DESCRIBE every camera a test creates, and most tests use documentation
            // addresses (192.168.1.64) that tests must never send to; the health tests turn it on for loopback cameras.
            ["Health:Enabled"] = "false",
            // The mapped images are the test host's (xunit, every test assembly, all apps in the process, ~1 GB): one
            // app going idle would page out and read back the whole host's. The tests of the release start CamStudio
            // as a process of its own, with the default (ImagePageReleaseProcessTests).
            ["Memory:ImagePagesWhenIdle"] = "Keep",
        };
        foreach ((string key, string? value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }

        _configureServices = configureServices;
    }

    public string DataDirectory { get; }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        // Pooled SQLite connections would keep the file open (and the next app on this directory would see it).
        SqliteConnection.ClearAllPools();
        if (_ownsDataDirectory && Directory.Exists(DataDirectory))
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach ((string key, string? value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        if (_seedAdmin)
        {
            builder.ConfigureTestServices(services => services.AddTestAdmin());
        }

        if (_configureServices is not null)
        {
            builder.ConfigureTestServices(_configureServices);
        }
    }

    protected override void ConfigureClient(HttpClient client)
    {
        base.ConfigureClient(client);
        if (_seedAdmin)
        {
            TestAccounts.Authorize(client, Services);
        }
    }
}
