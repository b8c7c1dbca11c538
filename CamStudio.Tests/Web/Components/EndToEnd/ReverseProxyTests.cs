using System.Net;
using Microsoft.Playwright;

namespace CamStudio.Tests.Web.Components.EndToEnd;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ReverseProxyCollection : ICollectionFixture<ReverseProxyFixture>
{
    public const string Name = "Behind a TLS reverse proxy end to end";
}

/// <summary>
/// The operator UI with Caddy in front, as the README recommends: every page, the Blazor WebSocket and the REST calls
/// of the tests go to https://127.0.0.1:port (the proxy); only the WebRTC media goes straight to the server's UDP port.
/// </summary>
public sealed class ReverseProxyFixture : UiEndToEndFixture
{
    private CaddyProxy? _proxy;

    public CaddyProxy Proxy => _proxy ?? throw new InvalidOperationException("The fixture has not started.");

    /// <summary>The app's own (plain HTTP) address behind the proxy.</summary>
    public Uri AppAddress { get; private set; } = null!;

    protected override async Task StartPartsAsync()
    {
        await base.StartPartsAsync();
        AppAddress = BaseAddress;
        _proxy = await CaddyProxy.StartAsync(AppAddress);
        UseProxy(_proxy);
    }

    protected override async Task StopPartsAsync()
    {
        if (_proxy is not null)
        {
            await _proxy.DisposeAsync();
        }

        await base.StopPartsAsync();
    }
}

/// <summary>
/// Issue 14 §4c as far as it goes without HLS: signed in through one HTTPS reverse proxy, the session cookie is Secure
/// (the app honours the proxy's X-Forwarded-Proto), the Blazor circuit runs over the proxied WebSocket, the Live grid
/// plays, the Status page updates live, and the API answers a bearer token and refuses a request without one.
/// </summary>
[Collection(ReverseProxyCollection.Name)]
public sealed class ReverseProxyTests(ReverseProxyFixture e2e)
{
    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ThroughOneHttpsProxy_SignInIsSecure_TheGridPlays_StatusIsLive_AndTheApiTakesATokenOnly()
    {
        using (HttpResponseMessage cameras = await e2e.Client.GetAsync("api/cameras"))
        {
            cameras.StatusCode.Should().Be(HttpStatusCode.OK, "a bearer token works through the proxy");
        }

        using (HttpClient anonymous = e2e.Proxy.CreateHttpClient())
        using (HttpResponseMessage refused = await anonymous.GetAsync("api/cameras"))
        {
            refused.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
            refused.Content.Headers.ContentType?.MediaType.Should().Be("application/problem+json");
        }

        int id = await e2e.CreateCameraAsync("Proxied " + Guid.NewGuid().ToString("N")[..6]);
        IPage status = await e2e.OpenPageAsync("status");
        status.Url.Should().StartWith(e2e.Proxy.Address.ToString(), "the browser only talks to the proxy");
        BrowserContextCookiesResult auth = (await status.Context.CookiesAsync()).Single(c => c.Name == "CamStudio.Auth");
        auth.Secure.Should().BeTrue("behind an HTTPS proxy the app marks its cookie Secure (X-Forwarded-Proto)");
        auth.HttpOnly.Should().BeTrue();

        IPage live = await status.Context.NewPageAsync();
        var sockets = new List<string>();
        live.WebSocket += (_, socket) => sockets.Add(socket.Url);
        await e2e.GoToAsync(live, "");
        await LiveTileProbe.WaitForDecodingAsync(live, id, s_deadline);
        sockets.Should().Contain(url => url.StartsWith("wss://" + e2e.Proxy.Address.Authority + "/_blazor", StringComparison.Ordinal),
            "the circuit runs over the proxied WebSocket, not a long-polling fallback");

        // The Status page (its own circuit through the proxy) shows the viewer the grid just added, pushed, not reloaded.
        ILocator viewers = status.Locator($"td[data-camera-id='{id}'] ~ td[data-label='Viewers']");
        await Infrastructure.Eventually.WaitUntilAsync(async () => (await viewers.TextContentAsync())?.Trim() == "1", s_deadline,
            "the Status page shows 1 viewer");
        await status.Context.CloseAsync();
    }
}
