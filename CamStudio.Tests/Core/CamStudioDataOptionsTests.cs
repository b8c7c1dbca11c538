using CamStudio.Core;
using CamStudio.Core.Data;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace CamStudio.Tests.Core;

public class CamStudioDataOptionsTests
{
    private static CamStudioDataOptions Resolve(Dictionary<string, string?> settings, string contentRoot = "/srv/camstudio")
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton(configuration);
        services.AddSingleton<IHostEnvironment>(new TestEnvironment(contentRoot));
        services.AddLogging();
        services.AddCamStudioCore(configuration);
        using ServiceProvider provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<CamStudioDataOptions>>().Value;
    }

    [Fact]
    public void Defaults_to_sqlite_in_data_under_the_content_root()
    {
        CamStudioDataOptions options = Resolve([]);

        options.Provider.Should().Be(DatabaseProvider.Sqlite);
        options.DataDirectory.Should().Be("/srv/camstudio/data");
        options.SqliteDatabasePath.Should().Be("/srv/camstudio/data/camstudio.db");
        options.KeysDirectory.Should().Be("/srv/camstudio/data/keys");
    }

    [Fact]
    public void Camstudio_data_environment_key_and_data_directory_key_are_honoured_in_that_order()
    {
        Resolve(new() { ["CAMSTUDIO_DATA"] = "/var/lib/cams" }).DataDirectory.Should().Be("/var/lib/cams");
        Resolve(new() { ["CAMSTUDIO_DATA"] = "/var/lib/cams", ["DataDirectory"] = "rel" }).DataDirectory.Should().Be("/srv/camstudio/rel");
    }

    [Fact]
    public void PostgreSql_is_selected_by_provider_and_connection_string()
    {
        CamStudioDataOptions options = Resolve(new()
        {
            ["Database:Provider"] = "PostgreSQL",
            ["ConnectionStrings:CamStudio"] = "Host=127.0.0.1;Database=x",
        });

        options.Provider.Should().Be(DatabaseProvider.PostgreSql);
        options.ConnectionString.Should().Be("Host=127.0.0.1;Database=x");
    }

    [Fact]
    public void PostgreSql_without_a_connection_string_fails_validation()
    {
        Action resolve = () => Resolve(new() { ["Database:Provider"] = "PostgreSQL" });

        resolve.Should().Throw<OptionsValidationException>().WithMessage("*ConnectionStrings:CamStudio*");
    }

    internal sealed class TestEnvironment(string contentRoot) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Testing";
        public string ApplicationName { get; set; } = "CamStudio.Tests";
        public string ContentRootPath { get; set; } = contentRoot;
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
