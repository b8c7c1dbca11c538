using CamStudio.Core.Accounts;
using CamStudio.Core.Cameras;
using CamStudio.Core.Cluster;
using CamStudio.Core.Data;
using CamStudio.Core.Groups;
using CamStudio.Core.Views;
using CamStudio.Core.Security;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CamStudio.Core;

/// <summary>Registers the camera store, its database and the password protection.</summary>
public static class CamStudioCoreServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="ICameraStore"/>, the database (provider chosen by <see cref="CamStudioDataOptions"/>), the
    /// start-up <see cref="DatabaseMigrationHost"/>, Data Protection with its key ring in the data directory, and an
    /// idle <see cref="ICameraRuntimeStatusProvider"/> that the streams layer may replace, camera groups and saved views, and the accounts (Identity
    /// users and roles in the same database, API tokens).
    /// </summary>
    public static IServiceCollection AddCamStudioCore(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        // Read when options are first built (not now), so configuration added later, e.g. by tests, still counts.
        services.AddOptions<CamStudioDataOptions>()
            .BindConfiguration(CamStudioDataOptions.DatabaseSectionName)
            .Configure(o =>
            {
                o.DataDirectory = configuration[CamStudioDataOptions.DataDirectoryKey]
                    ?? configuration[CamStudioDataOptions.DataDirectoryEnvironmentKey]
                    ?? o.DataDirectory;
                o.ConnectionString = configuration.GetConnectionString(CamStudioDataOptions.ConnectionStringName);
            })
            .PostConfigure<IHostEnvironment>((o, environment) =>
                o.DataDirectory = Path.GetFullPath(o.DataDirectory, environment.ContentRootPath))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.AddPooledDbContextFactory<SqliteCamStudioDbContext>((provider, builder) =>
        {
            CamStudioDataOptions data = provider.GetRequiredService<IOptions<CamStudioDataOptions>>().Value;
            Directory.CreateDirectory(data.DataDirectory);
            builder.UseSqlite($"Data Source={data.SqliteDatabasePath}");
        });
        // Each context runs on its compiled model (Data/CompiledModels, scripts/ef-compiled-model.sh) instead of building
        // the model from the entity configurations at start. EF finds it through the [assembly: DbContextModel] attribute
        // generated with it rather than a UseModel call here: code naming the generated types would stop compiling
        // the moment the script deletes a stale model to regenerate it.
        services.AddPooledDbContextFactory<PostgreSqlCamStudioDbContext>((provider, builder) =>
            builder.UseNpgsql(provider.GetRequiredService<IOptions<CamStudioDataOptions>>().Value.ConnectionString));
        services.TryAddSingleton<IDbContextFactory<CamStudioDbContext>, CamStudioDbContextFactory>();
        services.AddHostedService<DatabaseMigrationHost>();

        bool cluster = ClusterRegistration.IsEnabled(configuration);
        if (cluster)
        {
            // Registered here, before AddDataProtection adds its own hosted service (which loads the key ring and would
            // create a key on each node starting on an empty table): hosted services start in registration order.
            services.AddClusterKeyRingInitializer();
        }

        services.AddDataProtection().SetApplicationName("CamStudio");
        if (cluster)
        {
            services.AddClusterKeyRing();
        }
        else
        {
            services.AddOptions<KeyManagementOptions>()
                .Configure<IOptions<CamStudioDataOptions>, ILoggerFactory>((keys, data, loggerFactory) =>
                    keys.XmlRepository = new FileSystemXmlRepository(CreatePrivateDirectory(data.Value.KeysDirectory), loggerFactory));
        }
        services.TryAddSingleton<ICameraPasswordProtector, DataProtectionCameraPasswordProtector>();

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ICameraStore, CameraService>();
        services.TryAddSingleton<ICameraGroupStore, CameraGroupService>();
        services.TryAddSingleton<ICameraViewStore, CameraViewService>();
        services.TryAddSingleton<ICameraRuntimeStatusProvider, IdleCameraRuntimeStatusProvider>();
        // Every camera is this node's; a cluster replaces it with the lease-based owner map (docs/design/cluster-plan.md).
        services.TryAddSingleton<ICameraOwnership>(SingleNodeOwnership.Instance);
        services.AddCamStudioAccounts();
        if (cluster)
        {
            services.AddClusterCore();
        }

        return services;
    }

    private static DirectoryInfo CreatePrivateDirectory(string path)
    {
        // The key ring is stored unencrypted on Linux: only the service account may read it.
        return OperatingSystem.IsWindows()
            ? Directory.CreateDirectory(path)
            : Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }
}
