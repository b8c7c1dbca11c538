using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace CamStudio.Tests.Web.Components.EndToEnd;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class UiEndToEndCollection : ICollectionFixture<UiEndToEndFixture>
{
    public const string Name = "Operator UI end to end";
}

/// <summary>
/// The whole app on a real Kestrel port (Blazor Server needs its WebSocket) on 127.0.0.1, WebRTC advertising the
/// namespace address, a 5 s grace period, the GStreamer RTSP test camera and headless Chromium. Runs only inside
/// <c>unshare -n scripts/netns-run.sh</c>. Every page and every HTTP call goes through <see cref="OpenPageAsync"/> and
/// <see cref="Client"/>: the one place where signing in belongs.
/// </summary>
public class UiEndToEndFixture : AppEndToEndFixture
{
    public UiEndToEndFixture()
        : this(s_iceServerSettings)
    {
    }

    /// <summary>For fixtures that hand the tiles other ICE servers (e.g. a real TURN relay).</summary>
    protected UiEndToEndFixture(IReadOnlyDictionary<string, string?> iceServerSettings)
        : base(new RtspTestCameraOptions { GopSeconds = 2 }, GracePeriod, iceServerSettings)
    {
    }

    /// <summary>
    /// A STUN and a TURN server handed to the tiles. Both sit on the namespace's other veth end, where nothing answers:
    /// Chromium's requests to them stay inside the namespace, and the tiles still connect over host candidates.
    /// </summary>
    public const string StunUrl = "stun:10.213.0.2:3478";

    public const string TurnUrl = "turn:10.213.0.2:3478?transport=udp";

    public const string TurnUser = "tile-user";

    public const string TurnCredential = "tile-credential";

    private static readonly Dictionary<string, string?> s_iceServerSettings = new()
    {
        ["WebRtc:IceServers:0:Urls:0"] = StunUrl,
        ["WebRtc:IceServers:1:Urls:0"] = TurnUrl,
        ["WebRtc:IceServers:1:Username"] = TurnUser,
        ["WebRtc:IceServers:1:Credential"] = TurnCredential,
    };

    /// <summary>
    /// Short, so "the stream stops after the grace" is quick to see, but longer than the player's first reconnect
    /// delays: on a loaded machine a tile that gives up on a slow-starting FFmpeg must find it still running.
    /// </summary>
    public static readonly TimeSpan GracePeriod = TimeSpan.FromSeconds(5);

    private string? _signedInState;

    /// <summary>Where the browser and <see cref="AppEndToEndFixture.Client"/> reach the app, e.g. http://127.0.0.1:41234/ (or a proxy in front of it).</summary>
    public Uri BaseAddress { get; protected set; } = null!;

    /// <summary>
    /// From now on the browser and <see cref="AppEndToEndFixture.Client"/> reach the app only through
    /// <paramref name="proxy"/> (a client that trusts exactly the proxy's test CA, sending the admin's token).
    /// </summary>
    protected void UseProxy(CaddyProxy proxy)
    {
        ArgumentNullException.ThrowIfNull(proxy);
        BaseAddress = proxy.Address;
        HttpClient throughProxy = proxy.CreateHttpClient();
        TestAccounts.Authorize(throughProxy, Services);
        Client.Dispose();
        Client = throughProxy;
    }

    /// <summary>Starts the app on a real Kestrel port: the browser needs a socket, Blazor Server its WebSocket.</summary>
    protected override HttpClient CreateClient(CamStudioAppFactory app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        app.StartServer();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address.TrimEnd('/') + "/");
        var client = new HttpClient { BaseAddress = BaseAddress };
        TestAccounts.Authorize(client, app.Services);
        return client;
    }

    /// <summary>
    /// Opens <paramref name="path"/> (relative, e.g. "" or "cameras/new") in a fresh browser context (own storage) or in
    /// <paramref name="context"/>, and waits until the Blazor circuit runs the page.
    /// </summary>
    public async Task<IPage> OpenPageAsync(string path, IBrowserContext? context = null, ViewportSize? viewport = null)
    {
        context ??= await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            // Only the reverse-proxy fixture serves HTTPS, with a certificate from Caddy's own test CA.
            IgnoreHTTPSErrors = true,
            ViewportSize = viewport ?? new ViewportSize { Width = 1280, Height = 900 },
            StorageState = await SignedInStateAsync(),
        });
        IPage page = await context.NewPageAsync();
        // Failed requests and browser errors end up in the test output, next to the server's log.
        page.RequestFailed += (_, request) => Console.WriteLine($"[browser] request failed: {request.Url} {request.Failure}");
        page.Response += (_, response) =>
        {
            if (response.Status >= 400)
            {
                Console.WriteLine($"[browser] HTTP {response.Status}: {response.Url}");
            }
        };
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning")
            {
                Console.WriteLine($"[browser] {message.Type}: {message.Text}");
            }
        };
        await GoToAsync(page, path);
        return page;
    }

    /// <summary>
    /// The browser state (cookies) of the test admin signed in through the real form. Signed in once per fixture and
    /// handed to every new context: signing in per test would hit the sign-in rate limit, which is working as intended.
    /// </summary>
    private async Task<string> SignedInStateAsync()
    {
        if (_signedInState is not null)
        {
            return _signedInState;
        }

        IBrowserContext context = await Browser.NewContextAsync(new BrowserNewContextOptions { IgnoreHTTPSErrors = true });
        try
        {
            IPage page = await context.NewPageAsync();
            await page.GotoAsync(new Uri(BaseAddress, "account/login").ToString());
            await page.Locator("input[name=username]").FillAsync(TestAccounts.AdminName);
            await page.Locator("input[name=password]").FillAsync(TestAccounts.AdminPassword);
            await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Sign in" }).ClickAsync();
            await page.WaitForURLAsync(url => !url.Contains("/account/", StringComparison.Ordinal),
                new PageWaitForURLOptions { Timeout = 20_000 });
            _signedInState = await context.StorageStateAsync();
            return _signedInState;
        }
        finally
        {
            await context.CloseAsync();
        }
    }

    /// <summary>Loads <paramref name="path"/> in an open page (a full load, like typing the address) and waits for the circuit.</summary>
    public async Task GoToAsync(IPage page, string path)
    {
        ArgumentNullException.ThrowIfNull(page);
        await page.GotoAsync(new Uri(BaseAddress, path).ToString());
        await WaitForInteractiveAsync(page);
    }

    /// <summary>Waits for the interactive render (after a navigation that reloads or enhances the page).</summary>
    public static Task WaitForInteractiveAsync(IPage page) =>
        page.Locator("[data-interactive=true]").WaitForAsync(new LocatorWaitForOptions { Timeout = 20_000 });

    /// <summary>Deletes every camera (through the API, which also stops their streams): each test starts from none.</summary>
    public async Task DeleteAllCamerasAsync()
    {
        JsonElement cameras = await Client.GetFromJsonAsync<JsonElement>("api/cameras");
        foreach (JsonElement camera in cameras.EnumerateArray())
        {
            int id = camera.GetProperty("camera_id").GetInt32();
            using HttpResponseMessage deleted = await Client.DeleteAsync(new Uri("api/cameras/" + id.ToString(CultureInfo.InvariantCulture), UriKind.Relative));
            deleted.IsSuccessStatusCode.Should().BeTrue();
        }
    }

    /// <summary>Creates a camera on <paramref name="camera"/> (default: the fixture's RTSP test camera) through the API.</summary>
    public Task<int> CreateCameraAsync(string name, string? password = null, RtspTestCamera? camera = null, bool audio = false) =>
        CreateRtspCameraAsync(name, password, camera, "stream2", audio);

    /// <summary>
    /// <see cref="LiveTileProbe.WaitForDecodingAsync"/>, whose timeout also says what the server knew of the camera
    /// (state, last error, reconnects): a tile without a picture is a browser problem or a camera problem, and the
    /// failure should say which.
    /// </summary>
    public async Task<TileSample> WaitForTileDecodingAsync(IPage page, int cameraId, TimeSpan deadline)
    {
        try
        {
            return await LiveTileProbe.WaitForDecodingAsync(page, cameraId, deadline);
        }
        catch (TimeoutException ex)
        {
            JsonElement status = await GetStatusAsync(cameraId);
            throw new TimeoutException($"{ex.Message}; server status: {status}", ex);
        }
    }

    /// <summary>Saves a screenshot to the test artifacts (scripts/test.sh collects artifacts/test-results).</summary>
    public static Task ScreenshotAsync(IPage page, string name) => ChromiumBrowser.ScreenshotAsync(page, "ui-" + name);
}
