using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Playwright;

namespace CamStudio.Tests.Infrastructure;

/// <summary>
/// The two-node rig of cluster-plan.md §6, all real parts, inside the tests' namespace (fails outside it): PostgreSQL
/// and Redis listening on 10.213.0.1 too, two RTSP test cameras on 10.213.0.1 (with authentication, 640x360, 15 fps,
/// a key frame every second), node A as a process in this namespace (10.213.0.1), node B as a process in a child
/// namespace (10.213.1.2), each leading its own process group, and headless Chromium here. One admin account (created
/// with the app's account command line) signs in on either node; <see cref="ClientA"/> and <see cref="ClientB"/> send
/// its API token. Production lease timings (TTL 10 s): the failover times are the real ones.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public const string AdminName = "cluster-admin";
    public const string AdminPassword = "cluster admin password";

    private readonly string _root = Path.Combine(Path.GetTempPath(), "camstudio-cluster-" + Guid.NewGuid().ToString("N"));
    private readonly Dictionary<Uri, string> _signedIn = [];
    private ChromiumBrowser? _chromium;
    private string _token = string.Empty;

    public PostgresServer Postgres { get; } = new() { AlsoListenOn = NetworkNamespace.WebRtcHost };

    public RedisServer Redis { get; } = new() { AlsoBind = NetworkNamespace.WebRtcHost.ToString() };

    public RtspTestCamera Camera1 { get; private set; } = null!;

    public RtspTestCamera Camera2 { get; private set; } = null!;

    public ClusterNodeProcess A { get; private set; } = null!;

    /// <summary>Node B; replaced by <see cref="RestartBAsync"/>.</summary>
    public ClusterNodeProcess B { get; private set; } = null!;

    public HttpClient ClientA { get; private set; } = null!;

    public HttpClient ClientB { get; private set; } = null!;

    public IBrowser Browser => (_chromium ?? throw new InvalidOperationException("The fixture has not started.")).Browser;

    /// <summary>The camera settings of the rig: small and with a short GOP, so two nodes, two cameras and Chromium fit 2 cores.</summary>
    public static RtspTestCameraOptions CameraOptions => new()
    {
        Host = NetworkNamespace.WebRtcHost.ToString(),
        MainSize = (640, 360),
        SubSize = (640, 360),
        FramesPerSecond = 15,
        GopSeconds = 1,
        BitrateKbps = 800,
        Profile = "baseline",
    };

    public async Task InitializeAsync()
    {
        NetworkNamespace.RequireWebRtcHost();
        Directory.CreateDirectory(_root);
        await Postgres.InitializeAsync();
        await Redis.InitializeAsync();
        Camera1 = await RtspTestCamera.StartAsync(CameraOptions, CancellationToken.None);
        Camera2 = await RtspTestCamera.StartAsync(CameraOptions, CancellationToken.None);
        string host = NetworkNamespace.WebRtcHost.ToString();
        var shared = new Dictionary<string, string?>
        {
            ["Database:Provider"] = "PostgreSQL",
            // Both nodes reach PostgreSQL and Redis at this namespace's address (B has no other way to them).
            // No GSS encryption attempt: Npgsql would first ask Kerberos, whose DNS look-ups have no answer in the
            // namespace and outlast the cluster pool's 2 s connect timeout (every registration timed out without this).
            ["ConnectionStrings:CamStudio"] = Postgres.ConnectionString(PostgresServer.NewDatabaseName(), host) + ";GSS Encryption Mode=Disable",
            ["Cluster:Redis"] = string.Create(CultureInfo.InvariantCulture, $"{host}:{Redis.Port}"),
            ["Cluster:ChannelPrefix"] = "camstudio-e2e-" + Guid.NewGuid().ToString("N")[..8],
            // Short, so a camera nobody watches stops (and may be handed back to its pinned node) soon.
            ["Streams:GracePeriod"] = "00:00:03",
            // A one-shot poster grab is a second FFmpeg on the owner; the census counts stream pulls only.
            ["Posters:GrabMissingAtStart"] = "false",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
            // Both nodes' logs are read side by side after a failover.
            ["Logging:Console:TimestampFormat"] = "HH:mm:ss.fff ",
            ["Logging:Console:UseUtcTimestamp"] = "true",
            // Every unready probe would be logged as an error while a node waits for its registration.
            ["Logging:LogLevel:Microsoft.Extensions.Diagnostics.HealthChecks"] = "None",
        };
        _token = await CreateAdminAsync(shared);
        A = await ClusterNodeProcess.StartAsync(new ClusterNodeSpec(
            "a", NetworkNamespace.WebRtcHost, ChildNamespace: false, FreePort.Tcp(), FreePort.Udp(), NodeDirectory("a"), shared));
        B = await ClusterNodeProcess.StartAsync(new ClusterNodeSpec(
            "b", NodeNamespace.NodeAddress, ChildNamespace: true, FreePort.Tcp(), FreePort.Udp(), NodeDirectory("b"), shared));
        ClientA = CreateClient(A);
        ClientB = CreateClient(B);
        _chromium = await ChromiumBrowser.LaunchAsync();
    }

    /// <summary>Starts node B again under the same name (a new incarnation; it waits for its old registration to expire).</summary>
    public async Task RestartBAsync()
    {
        ClusterNodeSpec spec = B.Spec;
        await B.DisposeAsync();
        B = await ClusterNodeProcess.StartAsync(spec);
    }

    /// <summary>A browser context signed in on <paramref name="node"/> through its real form (each node's own cookie).</summary>
    public async Task<IBrowserContext> SignedInContextAsync(ClusterNodeProcess node)
    {
        ArgumentNullException.ThrowIfNull(node);
        Uri baseAddress = node.Spec.BaseAddress;
        if (!_signedIn.TryGetValue(baseAddress, out string? state))
        {
            IBrowserContext signIn = await Browser.NewContextAsync();
            IPage page = await signIn.NewPageAsync();
            await page.GotoAsync(new Uri(baseAddress, "account/login").ToString());
            await page.Locator("input[name=username]").FillAsync(AdminName);
            await page.Locator("input[name=password]").FillAsync(AdminPassword);
            await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Sign in" }).ClickAsync();
            await page.WaitForURLAsync(url => !url.Contains("/account/", StringComparison.Ordinal), new PageWaitForURLOptions { Timeout = 30_000 });
            state = await signIn.StorageStateAsync();
            await signIn.CloseAsync();
            _signedIn[baseAddress] = state;
        }

        IBrowserContext context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            StorageState = state,
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
        });
        return context;
    }

    /// <summary>Opens <paramref name="path"/> of <paramref name="node"/> and waits for the Blazor circuit.</summary>
    public static async Task<IPage> OpenAsync(IBrowserContext context, ClusterNodeProcess node, string path)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(node);
        IPage page = await context.NewPageAsync();
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning")
            {
                Console.WriteLine($"[browser {node.Spec.Name}] {message.Type}: {message.Text}");
            }
        };
        await page.GotoAsync(new Uri(node.Spec.BaseAddress, path).ToString());
        await page.Locator("[data-interactive=true]").WaitForAsync(new LocatorWaitForOptions { Timeout = 30_000 });
        return page;
    }

    /// <summary>The node a camera's status names on <paramref name="client"/>'s node (null = moving).</summary>
    public static async Task<string?> NodeOfAsync(HttpClient client, int cameraId)
    {
        ArgumentNullException.ThrowIfNull(client);
        JsonElement status = await client.GetStatusAsync(cameraId);
        return status.TryGetProperty("node", out JsonElement node) && node.ValueKind == JsonValueKind.String ? node.GetString() : null;
    }

    /// <summary>Both nodes' recent logs, for failure messages.</summary>
    public string Logs => $"--- node a ---\n{A?.Output}\n--- node b ---\n{B?.Output}";

    public async Task DisposeAsync()
    {
        if (_chromium is not null)
        {
            await _chromium.DisposeAsync();
        }

        ClientA?.Dispose();
        ClientB?.Dispose();
        foreach (ClusterNodeProcess? node in new[] { B, A })
        {
            if (node is not null)
            {
                await node.DisposeAsync();
            }
        }

        foreach (RtspTestCamera? camera in new[] { Camera1, Camera2 })
        {
            if (camera is not null)
            {
                await camera.DisposeAsync();
            }
        }

        await Redis.DisposeAsync();
        await Postgres.DisposeAsync();
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private HttpClient CreateClient(ClusterNodeProcess node)
    {
        var client = new HttpClient { BaseAddress = node.Spec.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _token);
        return client;
    }

    private string NodeDirectory(string name)
    {
        string directory = Path.Combine(_root, name);
        Directory.CreateDirectory(directory);
        return directory;
    }

    /// <summary>The admin and an API token, made by the app's own account command line on the shared database.</summary>
    private async Task<string> CreateAdminAsync(IReadOnlyDictionary<string, string?> shared)
    {
        string[] database = ["--Database:Provider", "PostgreSQL", "--ConnectionStrings:CamStudio", shared["ConnectionStrings:CamStudio"]!];
        string directory = NodeDirectory("cli");
        (int added, _, string addErr) = await AccountCli.RunAsync(directory,
            ["users", "add", "--username", AdminName, "--role", "Admin", "--password-stdin", .. database], AdminPassword + "\n");
        added.Should().Be(0, addErr);
        (int created, string token, string createErr) = await AccountCli.RunAsync(directory,
            ["tokens", "create", "--username", AdminName, "--name", "cluster-tests", .. database]);
        created.Should().Be(0, createErr);
        return token.Trim();
    }
}
