using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using CamStudio.Core.Accounts;
using CamStudio.Media.Streaming;
using CamStudio.Media.WebRtc;
using CamStudio.Tests.Media.Sdp;
using CamStudio.Web.Components.Live;
using CamStudio.Web.Security;
using CamStudio.Web.Services;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;

namespace CamStudio.Tests.Web.Services;

/// <summary>
/// The same offer scenarios through every surface — the REST JSON offer, WHEP, a live tile's offer over the Blazor
/// circuit, and the two ways to open an LL-HLS viewer (the multivariant playlist over HTTP, a tile's HLS fallback over
/// the circuit) — with the same outcome expected from each. Guards against the surfaces drifting apart again (before
/// the offer service, a wrong camera password kept the REST session open but closed the tile's, and each surface had
/// its own rate-limit budget).
/// </summary>
[Collection(ViewerOfferSurfacesCollection.Name)]
public sealed class ViewerOfferSurfacesTests(ViewerOfferSurfacesFixture fx)
{
    public enum Surface
    {
        Rest,
        Whep,
        Circuit,
        HlsHttp,
        HlsCircuit,
    }

    public enum CameraKind
    {
        Demo,
        WrongPassword,
        Unknown,
        Elsewhere,
    }

    public enum OfferKind
    {
        Chrome,
        Malformed,
        Empty,
        TooLarge,
    }

    public enum Setup
    {
        None,
        SpendOfferBudget,
        FillSessionCap,
    }

    /// <summary>One row: who offers what for which camera, and the one outcome every surface must give.</summary>
    public sealed record Scenario(
        string Name, string Role, CameraKind Camera, OfferKind Offer, string? Quality, Setup Setup, string Expected, string? ExpectedQuality = null)
    {
        public override string ToString() => Name;
    }

    private static readonly Scenario[] s_scenarios =
    [
        new("ok, SD", CamStudioRoles.Admin, CameraKind.Demo, OfferKind.Chrome, "stream2", Setup.None, "ok", "stream2"),
        new("ok, HD", CamStudioRoles.Admin, CameraKind.Demo, OfferKind.Chrome, "stream1", Setup.None, "ok", "stream1"),
        new("ok, camera's own quality", CamStudioRoles.Admin, CameraKind.Demo, OfferKind.Chrome, null, Setup.None, "ok", "stream2"),
        new("Viewer role may watch", CamStudioRoles.Viewer, CameraKind.Demo, OfferKind.Chrome, "stream2", Setup.None, "ok", "stream2"),
        new("unknown camera", CamStudioRoles.Viewer, CameraKind.Unknown, OfferKind.Chrome, "stream2", Setup.None, "camera_not_found"),
        new("malformed SDP", CamStudioRoles.Admin, CameraKind.Demo, OfferKind.Malformed, "stream2", Setup.None, "invalid_offer"),
        new("empty SDP", CamStudioRoles.Admin, CameraKind.Demo, OfferKind.Empty, "stream2", Setup.None, "invalid_offer"),
        new("SDP over 16 KiB", CamStudioRoles.Admin, CameraKind.Demo, OfferKind.TooLarge, "stream2", Setup.None, "sdp_too_large"),
        new("unknown quality", CamStudioRoles.Admin, CameraKind.Demo, OfferKind.Chrome, "stream9", Setup.None, "invalid_quality"),
        new("over the rate limit", CamStudioRoles.Viewer, CameraKind.Demo, OfferKind.Chrome, "stream2", Setup.SpendOfferBudget, "rate_limited"),
        new("over the session cap", CamStudioRoles.Viewer, CameraKind.Demo, OfferKind.Chrome, "stream2", Setup.FillSessionCap, "viewer_limit"),
        new("camera with a wrong password", CamStudioRoles.Viewer, CameraKind.WrongPassword, OfferKind.Chrome, "stream2", Setup.None, "auth_failed"),
        new("camera another node serves", CamStudioRoles.Viewer, CameraKind.Elsewhere, OfferKind.Chrome, "stream2", Setup.None, "owner_unavailable"),
    ];

    public static TheoryData<Scenario, Surface> Cases()
    {
        var cases = new TheoryData<Scenario, Surface>();
        foreach (Scenario scenario in s_scenarios)
        {
            foreach (Surface surface in Enum.GetValues<Surface>())
            {
                if (scenario.Offer != OfferKind.Chrome && surface is Surface.HlsHttp or Surface.HlsCircuit)
                {
                    continue; // HLS viewers send no SDP
                }

                cases.Add(scenario, surface);
            }
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Every_surface_gives_the_same_outcome(Scenario scenario, Surface surface)
    {
        TestUser user = await fx.CreateUserAsync(scenario.Role);
        ClaimsPrincipal principal = await fx.PrincipalAsync(user);
        ViewerOfferService offers = fx.Services.GetRequiredService<ViewerOfferService>();
        using IDisposable? setup = await ArrangeAsync(scenario.Setup, user, principal, offers);
        int cameraId = scenario.Camera switch
        {
            CameraKind.Demo => fx.DemoCameraId,
            CameraKind.WrongPassword => fx.WrongPasswordCameraId,
            CameraKind.Elsewhere => fx.ElsewhereCameraId,
            _ => 999_999,
        };
        string sdp = scenario.Offer switch
        {
            OfferKind.Chrome => SdpFixtures.Chrome126VideoOnly,
            OfferKind.Malformed => "v=0\r\nthis is not sdp\r\n",
            OfferKind.Empty => "",
            _ => SdpFixtures.Chrome126VideoOnly + "a=x-padding:" + new string('x', ViewerOfferService.MaxSdpBytes) + "\r\n",
        };

        Observed observed = surface switch
        {
            Surface.Rest => await OfferOverRestAsync(user, cameraId, sdp, scenario.Quality),
            Surface.Whep => await OfferOverWhepAsync(user, cameraId, sdp, scenario.Quality),
            Surface.Circuit => await OfferOverCircuitAsync(principal, offers, cameraId, sdp, scenario.Quality),
            Surface.HlsHttp => await OpenHlsOverHttpAsync(user, cameraId, scenario.Quality),
            _ => await OpenHlsOverCircuitAsync(principal, offers, cameraId, scenario.Quality),
        };

        observed.Code.Should().Be(scenario.Expected, observed.Detail);
        if (observed.Code == "ok")
        {
            observed.CameraKey.Should().Be($"{cameraId}-{scenario.ExpectedQuality}");
        }
        else
        {
            observed.Detail.Should().NotBeNullOrWhiteSpace("every refusal says why")
                .And.NotContain("not-the-password", "a camera password never reaches a client");
        }

        fx.Services.GetRequiredService<ViewerSessionLimiter>().OpenSessions(user.Id)
            .Should().Be(scenario.Setup == Setup.FillSessionCap ? ViewerOfferSurfacesFixture.MaxSessionsPerUser : 0,
                "a refused or closed offer holds no place under the cap");
    }

    [Fact]
    public async Task Rest_and_whep_answers_carry_the_configured_ice_servers()
    {
        TestUser user = await fx.CreateUserAsync(CamStudioRoles.Viewer);
        using HttpClient client = ClientFor(user);

        using HttpResponseMessage rest = await client.PostAsJsonAsync(
            $"/api/cameras/{fx.DemoCameraId}/webrtc/offer", new { sdp = SdpFixtures.Chrome126VideoOnly, type = "offer" });
        JsonElement answer = await rest.Content.ReadFromJsonAsync<JsonElement>();
        rest.StatusCode.Should().Be(System.Net.HttpStatusCode.OK, answer.ToString());
        JsonElement ice = answer.GetProperty("ice_servers");
        ice.GetArrayLength().Should().Be(2);
        ice[0].GetProperty("urls")[0].GetString().Should().Be(ViewerOfferSurfacesFixture.StunUrl);
        ice[0].TryGetProperty("username", out _).Should().BeFalse("an RTCIceServer without credentials has no username member");
        ice[1].GetProperty("username").GetString().Should().Be(ViewerOfferSurfacesFixture.TurnUser);
        ice[1].GetProperty("credential").GetString().Should().Be(ViewerOfferSurfacesFixture.TurnCredential);

        using HttpResponseMessage whep = await client.PostAsync($"/api/cameras/{fx.DemoCameraId}/whep",
            new StringContent(SdpFixtures.Chrome126VideoOnly, Encoding.UTF8, "application/sdp"));
        whep.StatusCode.Should().Be(System.Net.HttpStatusCode.Created);
        // RFC 9725 §4.6: one Link per URL, credentials as quoted parameters (the quote in the credential escaped).
        whep.Headers.GetValues("Link").Should().BeEquivalentTo(
        [
            $"<{ViewerOfferSurfacesFixture.StunUrl}>; rel=\"ice-server\"",
            $"<{ViewerOfferSurfacesFixture.TurnUrl}>; rel=\"ice-server\"; username=\"camstudio\"; credential=\"turn \\\"secret\\\"\"; credential-type=\"password\"",
        ]);

        (await client.DeleteAsync($"/api/cameras/{fx.DemoCameraId}/webrtc/{answer.GetProperty("session_id").GetString()}")).EnsureSuccessStatusCode();
        (await client.DeleteAsync(whep.Headers.Location)).EnsureSuccessStatusCode();
    }

    private async Task<IDisposable?> ArrangeAsync(Setup setup, TestUser user, ClaimsPrincipal principal, ViewerOfferService offers)
    {
        switch (setup)
        {
            case Setup.SpendOfferBudget:
                // Offers from any surface draw from one budget: spend it directly, then the surface under test is refused.
                for (int i = 0; i < ViewerOfferSurfacesFixture.OffersPerMinute; i++)
                {
                    ViewerOfferOutcome spent = await offers.OfferAsync(principal, 999_999, SdpFixtures.Chrome126VideoOnly, null, CancellationToken.None);
                    spent.Error.Should().Be(ViewerOfferError.CameraNotFound, "offer {0} is within the budget", i + 1);
                }

                return null;
            case Setup.FillSessionCap:
                ViewerSessionLimiter limiter = fx.Services.GetRequiredService<ViewerSessionLimiter>();
                IDisposable[] held = Enumerable.Range(0, ViewerOfferSurfacesFixture.MaxSessionsPerUser)
                    .Select(_ => limiter.TryAcquire(user.Id) ?? throw new InvalidOperationException("cap reached early"))
                    .ToArray();
                return new All(held);
            default:
                return null;
        }
    }

    private HttpClient ClientFor(TestUser user)
    {
        HttpClient client = fx.App.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", user.Token);
        return client;
    }

    private async Task<Observed> OfferOverRestAsync(TestUser user, int cameraId, string sdp, string? quality)
    {
        using HttpClient client = ClientFor(user);
        using HttpResponseMessage response = await client.PostAsJsonAsync(
            $"/api/cameras/{cameraId}/webrtc/offer", new { sdp, type = "offer", quality });
        JsonElement body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return response.IsSuccessStatusCode ? CloseAnswered(cameraId, body.GetProperty("session_id").GetString()!) : ProblemOf(response, body);
    }

    private async Task<Observed> OfferOverWhepAsync(TestUser user, int cameraId, string sdp, string? quality)
    {
        using HttpClient client = ClientFor(user);
        string query = quality is null ? "" : "?quality=" + quality;
        using HttpResponseMessage response = await client.PostAsync(
            $"/api/cameras/{cameraId}/whep{query}", new StringContent(sdp, Encoding.UTF8, "application/sdp"));
        if (response.IsSuccessStatusCode)
        {
            return CloseAnswered(cameraId, response.Headers.Location!.OriginalString.Split('/')[^1]);
        }

        return ProblemOf(response, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    private async Task<Observed> OfferOverCircuitAsync(
        ClaimsPrincipal principal, ViewerOfferService offers, int cameraId, string sdp, string? quality)
    {
        // What the circuit's DI scope builds for a signed-in page; LiveTile.OfferAsync calls exactly this.
        var circuit = new LiveViewerSessions(offers, new SignedIn(principal));
        LiveOfferResult result = await circuit.OfferAsync(new object(), cameraId, quality ?? "", sdp, CancellationToken.None);
        if (result.SessionId is { } sessionId)
        {
            string? key = SessionKey(sessionId);
            circuit.Dispose(); // the page closed: its sessions end with it
            SessionKey(sessionId).Should().BeNull("the circuit's end closes the sessions it opened");
            return new Observed("ok", key, null);
        }

        circuit.Dispose();

        ViewerOfferError error = Enum.GetValues<ViewerOfferError>().Single(e => e.Code() == result.Reason);
        result.Retryable.Should().Be(error.IsRetryable(), "the tile's retry advice matches the REST problem's");
        return new Observed(result.Reason!, null, result.Error);
    }

    private async Task<Observed> OpenHlsOverHttpAsync(TestUser user, int cameraId, string? quality)
    {
        using HttpClient client = ClientFor(user);
        string query = quality is null ? "" : "?quality=" + quality;
        using HttpResponseMessage response = await client.GetAsync($"/api/cameras/{cameraId}/hls/index.m3u8{query}");
        if (!response.IsSuccessStatusCode)
        {
            return ProblemOf(response, await response.Content.ReadFromJsonAsync<JsonElement>());
        }

        // The multivariant playlist names the new session's media playlist: /api/hls/{session}/index.m3u8.
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/vnd.apple.mpegurl");
        string playlist = await response.Content.ReadAsStringAsync();
        string path = playlist.Split('\n').Single(l => l.StartsWith("/api/hls/", StringComparison.Ordinal));
        string sessionId = path.Split('/')[3];
        string? key = HlsSessionKey(sessionId);
        (await client.DeleteAsync($"/api/hls/{sessionId}")).EnsureSuccessStatusCode();
        HlsSessionKey(sessionId).Should().BeNull("DELETE ends the HLS viewer at once");
        return new Observed("ok", key, null);
    }

    private async Task<Observed> OpenHlsOverCircuitAsync(ClaimsPrincipal principal, ViewerOfferService offers, int cameraId, string? quality)
    {
        // LiveTile.OpenHlsAsync calls exactly this.
        var circuit = new LiveViewerSessions(offers, new SignedIn(principal));
        LiveHlsResult result = await circuit.OpenHlsAsync(new object(), cameraId, quality ?? "", CancellationToken.None);
        if (result.SessionId is { } sessionId)
        {
            result.Url.Should().Be($"/api/hls/{sessionId}/index.m3u8");
            string? key = HlsSessionKey(sessionId);
            circuit.Dispose();
            HlsSessionKey(sessionId).Should().BeNull("the circuit's end closes the HLS viewers it opened");
            return new Observed("ok", key, null);
        }

        circuit.Dispose();
        ViewerOfferError error = Enum.GetValues<ViewerOfferError>().Single(e => e.Code() == result.Reason);
        result.Retryable.Should().Be(error.IsRetryable(), "the tile's retry advice matches the REST problem's");
        return new Observed(result.Reason!, null, result.Error);
    }

    private string? HlsSessionKey(string sessionId) =>
        fx.Services.GetRequiredService<CameraStreamHost>().Streams.FirstOrDefault(s => s.HasHlsViewer(sessionId))?.Key;

    private static Observed ProblemOf(HttpResponseMessage response, JsonElement problem)
    {
        string code = problem.GetProperty("code").GetString()!;
        ViewerOfferError error = Enum.GetValues<ViewerOfferError>().Single(e => e.Code() == code);
        ((int)response.StatusCode).Should().Be(error.HttpStatus(), problem.ToString());
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        problem.GetProperty("retryable").GetBoolean().Should().Be(error.IsRetryable());
        if (error == ViewerOfferError.RateLimited)
        {
            int.Parse(response.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture)
                .Should().BeInRange(1, 60);
        }

        return new Observed(code, null, problem.GetProperty("detail").GetString());
    }

    private string? SessionKey(string sessionId) =>
        fx.Services.GetRequiredService<WebRtcServer>().TryGetSession(sessionId, out ViewerSession? session) ? session!.CameraKey : null;

    private Observed CloseAnswered(int cameraId, string sessionId)
    {
        string? key = SessionKey(sessionId);
        fx.Services.GetRequiredService<ViewerOfferService>().Close(cameraId, sessionId).Should().BeTrue();
        return new Observed("ok", key, null);
    }

    /// <summary>What a surface answered: "ok" with the answered session's stream key, or the refusal's code and sentence.</summary>
    private sealed record Observed(string Code, string? CameraKey, string? Detail);

    private sealed class SignedIn(ClaimsPrincipal user) : AuthenticationStateProvider
    {
        public override Task<AuthenticationState> GetAuthenticationStateAsync() => Task.FromResult(new AuthenticationState(user));
    }

    private sealed class All(IDisposable[] items) : IDisposable
    {
        public void Dispose()
        {
            foreach (IDisposable item in items)
            {
                item.Dispose();
            }
        }
    }
}
