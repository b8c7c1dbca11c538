using System.Security.Claims;
using Bunit;
using Bunit.TestDoubles;
using CamStudio.Core;
using CamStudio.Core.Accounts;
using CamStudio.Core.Cameras;
using CamStudio.Core.Data;
using CamStudio.Media;
using CamStudio.Media.Ffmpeg;
using CamStudio.Web.Cluster;
using CamStudio.Web.Components.Live;
using CamStudio.Web.Composition;
using CamStudio.Web.Security;
using CamStudio.Web.Services;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using MudBlazor.Services;

namespace CamStudio.Tests.Web.Components;

/// <summary>
/// bunit with MudBlazor and the real camera store (CameraService over a fresh SQLite file, real Data Protection), so a
/// save, a duplicate name or a version conflict is the store's real answer. The runtime status provider is a fake
/// the test sets per camera; the streams layer that fills it in is tested on its own.
/// </summary>
public abstract class UiTestContext : BunitContext, IAsyncLifetime
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "camstudio-ui-" + Guid.NewGuid().ToString("N"));

    /// <param name="clock">The app's clock; the machine's when null.</param>
    protected UiTestContext(TimeProvider? clock = null)
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        if (clock is not null)
        {
            Services.AddSingleton(clock); // before the core's TryAdd of the system clock
        }

        Services.AddMudServices();
        // A single node; the cluster page tests register their own view after this one (the last registration wins).
        Services.TryAddSingleton<IClusterView>(SingleNodeClusterView.Instance);
        IConfiguration configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["DataDirectory"] = _dataDirectory })
            .Build();
        Services.AddSingleton(configuration);
        Services.AddLogging();
        Services.AddSingleton<IHostEnvironment>(new TestHostEnvironment());
        Services.AddCamStudioCore(configuration);
        // The real stream host behind the live tiles' offers (never started here: no UDP port, no FFmpeg).
        Services.AddCamStudioMedia(configuration);
        Services.AddCamStudioComposition();
        Services.RemoveAll<ICameraRuntimeStatusProvider>();
        Services.AddSingleton<ICameraRuntimeStatusProvider>(Statuses);
        Services.AddSingleton(sp => new CameraProbeService(NullLogger<CameraProbeService>.Instance, sp.GetRequiredService<FfmpegProcessRegistry>()));
        // Not started as a hosted service: tests publish snapshots themselves, so nothing depends on timing.
        Services.AddSingleton<CameraStatusNotifier>();
        Services.AddScoped<LiveViewerSessions>();
        Services.AddSingleton<ViewerSessionLimiter>();
        Services.AddSingleton<OfferRateLimiter>();
        Services.AddSingleton<ViewerOfferService>();
        Services.AddSingleton<PosterStore>();
        Services.AddScoped<CameraCommands>();
        // Pages render for a signed-in Admin unless a test says otherwise (Authorization.SetRoles(...)).
        Authorization = AddAuthorization();
        Authorization.SetAuthorized("test-admin");
        Authorization.SetRoles(CamStudioRoles.Admin);
    }

    /// <summary>bunit's authentication state for the rendered components.</summary>
    protected BunitAuthorizationContext Authorization { get; }

    /// <summary>Runtime status per camera, as the streams layer would report it.</summary>
    protected FakeStatusProvider Statuses { get; } = new();

    protected ICameraStore Store => Services.GetRequiredService<ICameraStore>();

    /// <summary>Creates an account (password "<paramref name="userName"/>'s long password") and renders pages as it.</summary>
    protected async Task<string> SignInNewUserAsync(string userName, string role)
    {
        UserAccountService accounts = Services.GetRequiredService<UserAccountService>();
        (await accounts.CreateAsync(userName, userName + "'s long password", role, CancellationToken.None)).Succeeded.Should().BeTrue();
        string userId = (await accounts.FindIdByNameAsync(userName, CancellationToken.None))!;
        Authorization.SetClaims(new Claim(ClaimTypes.NameIdentifier, userId));
        return userId;
    }

    /// <summary>The status push the pages subscribe to; <see cref="CameraStatusNotifier.Publish"/> sends a snapshot now.</summary>
    protected CameraStatusNotifier Notifier => Services.GetRequiredService<CameraStatusNotifier>();

    public async Task InitializeAsync()
    {
        // The same migrations the app applies at start-up.
        await using CamStudioDbContext context = await Services.GetRequiredService<IDbContextFactory<CamStudioDbContext>>()
            .CreateDbContextAsync();
        await context.Database.MigrateAsync();
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }

    /// <summary>Stores a camera through the real store and returns it.</summary>
    protected async Task<CameraResponse> CreateCameraAsync(string name, string? password = null, Action<CameraCreateRequest>? configure = null)
    {
        var request = new CameraCreateRequest
        {
            Name = name,
            IpAddress = "192.0.2.10",
            Brand = "hikvision",
            Username = "admin",
            Password = password,
        };
        configure?.Invoke(request);
        CameraResult result = await Store.CreateAsync(request, CancellationToken.None);
        return result.Should().BeOfType<CameraSaved>().Subject.Camera;
    }

    private sealed class TestHostEnvironment : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = Environments.Development;
        public string ApplicationName { get; set; } = "CamStudio.Tests";
        public string ContentRootPath { get; set; } = Path.GetTempPath();
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}

/// <summary>Reports whatever status a test put in; idle for the rest.</summary>
public sealed class FakeStatusProvider : ICameraRuntimeStatusProvider
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, CameraRuntimeStatus> _statuses = new();

    public void Set(CameraRuntimeStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        _statuses[status.CameraId] = status;
    }

    public CameraRuntimeStatus GetStatus(int cameraId) =>
        _statuses.TryGetValue(cameraId, out CameraRuntimeStatus? status) ? status : CameraRuntimeStatus.Idle(cameraId);
}
