using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CamStudio.Tests.Media.Sdp;
using CamStudio.Web.Services;

namespace CamStudio.Tests.Web.Security;

/// <summary>SDP size limit, rate limits on sign-in and offers (429 + Retry-After), and the per-user viewer session cap.</summary>
public sealed class AbuseLimitTests
{
    [Fact]
    public async Task Offers_larger_than_16_KiB_are_413_on_both_offer_endpoints()
    {
        await using var app = new CamStudioAppFactory();
        using HttpClient client = app.CreateClient();
        int id = await CreateDemoCameraAsync(client);
        string huge = SdpFixtures.Chrome126VideoOnly + "a=x-padding:" + new string('x', ViewerOfferService.MaxSdpBytes) + "\r\n";

        using HttpResponseMessage whep = await client.PostAsync($"/api/cameras/{id}/whep", new StringContent(huge, Encoding.UTF8, "application/sdp"));
        using HttpResponseMessage offer = await client.PostAsJsonAsync($"/api/cameras/{id}/webrtc/offer", new { sdp = huge, type = "offer" });

        foreach (HttpResponseMessage response in new[] { whep, offer })
        {
            response.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
            (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString().Should().Be("sdp_too_large");
        }
    }

    [Fact]
    public async Task Offers_beyond_the_rate_limit_are_429_with_retry_after()
    {
        await using var app = new CamStudioAppFactory(new Dictionary<string, string?> { ["Security:OffersPerMinute"] = "2" });
        using HttpClient client = app.CreateClient();
        int id = await CreateDemoCameraAsync(client);

        for (int i = 0; i < 2; i++)
        {
            using HttpResponseMessage allowed = await client.PostAsJsonAsync($"/api/cameras/{id}/webrtc/offer", new { sdp = "v=0", type = "offer" });
            allowed.StatusCode.Should().Be(HttpStatusCode.BadRequest, "a bad offer still counts, but is not limited yet");
        }

        using HttpResponseMessage limited = await client.PostAsync($"/api/cameras/{id}/whep", new StringContent("v=0", Encoding.UTF8, "application/sdp"));
        limited.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        int.Parse(limited.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture).Should().BeInRange(1, 60);
        limited.Content.Headers.ContentType?.MediaType.Should().Be("application/problem+json");
    }

    [Fact]
    public async Task Sign_in_posts_beyond_the_rate_limit_are_429_with_retry_after()
    {
        await using var app = new CamStudioAppFactory(new Dictionary<string, string?> { ["Security:SignInPerMinute"] = "2" });
        using BrowserSession browser = BrowserSession.Create(app);

        (await browser.SignInAsync("guess", "password guess 1")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await browser.SignInAsync("guess", "password guess 2")).StatusCode.Should().Be(HttpStatusCode.OK);
        using HttpResponseMessage limited = await browser.SignInAsync(TestAccounts.AdminName, TestAccounts.AdminPassword);

        limited.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        limited.Headers.Contains("Retry-After").Should().BeTrue();
        limited.Headers.Contains("Set-Cookie").Should().BeFalse("a limited attempt never signs in");
        (await browser.Client.GetAsync("/account/login")).StatusCode.Should().Be(HttpStatusCode.OK, "showing the form is not limited");
    }

    [Fact]
    public async Task A_user_is_capped_at_the_configured_number_of_open_viewer_sessions()
    {
        await using var app = new CamStudioAppFactory(new Dictionary<string, string?> { ["Security:MaxViewerSessionsPerUser"] = "1" });
        using HttpClient client = app.CreateClient();
        int id = await CreateDemoCameraAsync(client);

        using HttpResponseMessage first = await PostWhepAsync(client, id);
        first.StatusCode.Should().Be(HttpStatusCode.Created, await first.Content.ReadAsStringAsync());
        using HttpResponseMessage second = await PostWhepAsync(client, id);
        second.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        JsonElement problem = await second.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("code").GetString().Should().Be("viewer_limit");
        problem.GetProperty("detail").GetString().Should().Contain("1 open viewer sessions");

        (await client.DeleteAsync(first.Headers.Location)).StatusCode.Should().Be(HttpStatusCode.OK);
        using HttpResponseMessage third = await PostWhepAsync(client, id);
        third.StatusCode.Should().Be(HttpStatusCode.Created, "closing a session frees its place");
    }

    private static Task<HttpResponseMessage> PostWhepAsync(HttpClient client, int id) =>
        client.PostAsync($"/api/cameras/{id}/whep", new StringContent(SdpFixtures.Chrome126VideoOnly, Encoding.UTF8, "application/sdp"));

    private static async Task<int> CreateDemoCameraAsync(HttpClient client)
    {
        using HttpResponseMessage created = await client.PostAsJsonAsync("/api/cameras/create", new { name = "Demo " + Guid.NewGuid().ToString("N")[..6], source = "demo" });
        created.StatusCode.Should().Be(HttpStatusCode.Created);
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("camera_id").GetInt32();
    }
}
