using CamStudio.Tests.Web.Security;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace CamStudio.Tests.Infrastructure;

/// <summary>
/// The whole app in memory on a fresh SQLite data directory with the WebRTC port on 0 (127.0.0.1), plus optional extra
/// settings and service registrations. Clients send a real admin's API token (<see cref="TestAccounts"/>).
/// Disposing stops the app and deletes the data directory.
/// </summary>
public sealed class OperationsApp : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _configureServices;

    private readonly bool _ownsDataDirectory;
    private readonly bool _seedAdmin;

    /// <param name="settings">Extra configuration, applied over the defaults.</param>
    /// <param name="configureServices">Extra registrations, applied after Program's.</param>
    /// <param name="dataDirectory">An existing data directory to use and keep; by default a fresh one that is deleted on dispose.</param>
    /// <param name="seedAdmin">False for a first-run app without any account (and clients without a token).</param>
    public OperationsApp(
        IReadOnlyDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? configureServices = null,
        string? dataDirectory = null,
        bool seedAdmin = true)
    {
        _seedAdmin = seedAdmin;
        _ownsDataDirectory = dataDirectory is null;
        DataDirectory = dataDirectory ?? Path.Combine(Path.GetTempPath(), "camstudio-ops-" + Guid.NewGuid().ToString("N"));
        _settings = new Dictionary<string, string?>
        {
            ["DataDirectory"] = DataDirectory,
            ["Database:Provider"] = "Sqlite",
            ["WebRtc:UdpPort"] = "0",
            ["WebRtc:BindAddress"] = "127.0.0.1",
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
