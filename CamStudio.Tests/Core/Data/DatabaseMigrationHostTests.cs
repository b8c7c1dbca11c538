using CamStudio.Core;
using CamStudio.Core.Cameras;
using CamStudio.Core.Data;
using CamStudio.Tests.Web.Operations;
using FluentAssertions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Xunit;

namespace CamStudio.Tests.Core.Data;

/// <summary>
/// Start-up migration: a new data directory gets the whole schema; a restart over an existing database applies nothing
/// (it skips EF Core's migration machinery, which only costs memory when there is nothing to apply) and keeps the data.
/// </summary>
public sealed class DatabaseMigrationHostTests : IDisposable
{
    // The log category of EF Core's migrator: it logs each migration applied, or "No migrations were applied" when run
    // on an up-to-date database.
    private const string MigratorCategory = "Microsoft.EntityFrameworkCore.Migrations";

    private readonly string _data = Directory.CreateTempSubdirectory("camstudio-migrate-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    [Fact]
    public async Task First_start_creates_the_schema_and_a_restart_applies_nothing_and_keeps_the_rows()
    {
        await using (ServiceProvider first = Build(out CapturingLoggerProvider firstLog))
        {
            await StartAsync(first);
            await using CamStudioDbContext context = await CreateContextAsync(first);
            (await context.Database.GetPendingMigrationsAsync()).Should().BeEmpty();
            int all = context.Database.GetMigrations().Count();
            all.Should().BeGreaterThan(0);
            firstLog.Entries.Should().Contain(e => e.Contains($"{all} migration(s) applied", StringComparison.Ordinal));
            firstLog.Entries.Should().Contain(e => e.Contains(MigratorCategory, StringComparison.Ordinal), "a new database runs EF Core's migrator");

            context.Cameras.Add(new Camera { Name = "Porch", NormalizedName = "PORCH", IpAddress = "192.0.2.10" });
            await context.SaveChangesAsync();
        }

        await using ServiceProvider restarted = Build(out CapturingLoggerProvider restartLog);
        await StartAsync(restarted);

        restartLog.Entries.Should().Contain(e => e.Contains("0 migration(s) applied", StringComparison.Ordinal));
        restartLog.Entries.Should().NotContain(e => e.Contains(MigratorCategory, StringComparison.Ordinal),
            "with nothing pending the migrator (and its model differ) is not run at all");
        await using CamStudioDbContext again = await CreateContextAsync(restarted);
        (await again.Cameras.AsNoTracking().SingleAsync()).Name.Should().Be("Porch");
        (await again.Database.GetPendingMigrationsAsync()).Should().BeEmpty();
    }

    private ServiceProvider Build(out CapturingLoggerProvider log)
    {
        IConfiguration configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["DataDirectory"] = _data })
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton(configuration);
        services.AddSingleton<IHostEnvironment>(new CamStudioDataOptionsTests.TestEnvironment(_data));
        var captured = new CapturingLoggerProvider();
        services.AddLogging(logging => logging.AddProvider(captured));
        services.AddCamStudioCore(configuration);
        log = captured;
        return services.BuildServiceProvider();
    }

    private static async Task StartAsync(ServiceProvider provider)
    {
        foreach (IHostedService hosted in provider.GetServices<IHostedService>().OfType<DatabaseMigrationHost>())
        {
            await hosted.StartAsync(CancellationToken.None);
        }
    }

    private static Task<CamStudioDbContext> CreateContextAsync(ServiceProvider provider) =>
        provider.GetRequiredService<IDbContextFactory<CamStudioDbContext>>().CreateDbContextAsync();
}
