using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CamStudio.Core.Accounts;
using CamStudio.Core.Events;
using CamStudio.Core.Health;
using CamStudio.Core.Webhooks;
using CamStudio.Tests.Web.Operations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CamStudio.Tests.Web.Api;

/// <summary>
/// Webhooks end to end in the whole app: configured through the API, fed through the health observer the checker calls,
/// delivered over real HTTP to a Kestrel receiver on loopback, whose test checks the signature with its own HMAC.
/// </summary>
public sealed class WebhookDeliveryTests : IAsyncLifetime
{
    private const string Secret = "whsec_test-secret-4f1c9a7e";
    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(20);

    private readonly CapturingLoggerProvider _logs = new();
    private WebhookReceiver _receiver = null!;
    private CamStudioAppFactory _app = null!;
    private HttpClient _admin = null!;

    public async Task InitializeAsync()
    {
        _receiver = await WebhookReceiver.StartAsync();
        _app = new CamStudioAppFactory(
            new Dictionary<string, string?> { ["Webhooks:FirstRetryDelay"] = "00:00:00.050", ["Webhooks:AttemptTimeout"] = "00:00:05" },
            services => services.AddLogging(logging => logging.AddProvider(_logs)));
        _admin = _app.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _admin.Dispose();
        await _app.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    [Fact]
    public async Task A_camera_going_offline_is_posted_with_a_valid_signature_and_the_documented_body()
    {
        int webhookId = await CreateWebhookAsync();

        Observe(new CameraHealthChange(7, "Garage", CameraHealthState.Online, CameraHealthState.Offline, "Connection refused.", DateTimeOffset.UtcNow));

        await Eventually.WaitUntilAsync(() => _receiver.Received.Count == 1, s_deadline, "the receiver gets the event");
        ReceivedWebhook hook = _receiver.Received[0];
        hook.Header("Content-Type").Should().StartWith("application/json");
        hook.Header("X-CamStudio-Event").Should().Be("camera.offline");
        string timestamp = hook.Header("X-CamStudio-Timestamp");
        long.Parse(timestamp, System.Globalization.CultureInfo.InvariantCulture).Should().BeCloseTo(DateTimeOffset.UtcNow.ToUnixTimeSeconds(), 60);
        // The receiver's own computation, not the app's helper: HMAC-SHA256(secret, timestamp + "." + body).
        byte[] signed = [.. Encoding.UTF8.GetBytes(timestamp + "."), .. hook.Body];
        hook.Header("X-CamStudio-Signature").Should().Be("sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), signed)));

        using JsonDocument body = JsonDocument.Parse(hook.Body);
        JsonElement root = body.RootElement;
        root.GetProperty("type").GetString().Should().Be("camera.offline");
        root.GetProperty("event_id").GetString().Should().MatchRegex("^[0-9a-f]{8}\\.[0-9]+$");
        root.GetProperty("camera").GetProperty("camera_id").GetInt32().Should().Be(7);
        root.GetProperty("camera").GetProperty("name").GetString().Should().Be("Garage");
        root.GetProperty("from").GetString().Should().Be("online");
        root.GetProperty("to").GetString().Should().Be("offline");
        root.GetProperty("detail").GetString().Should().Be("Connection refused.");
        root.GetProperty("recovered").GetBoolean().Should().BeFalse();
        root.GetProperty("test").GetBoolean().Should().BeFalse();

        await Eventually.WaitUntilAsync(async () => (await GetWebhookAsync(webhookId)).GetProperty("last_delivery").ValueKind == JsonValueKind.Object,
            s_deadline, "the last delivery is recorded");
        JsonElement last = (await GetWebhookAsync(webhookId)).GetProperty("last_delivery");
        last.GetProperty("succeeded").GetBoolean().Should().BeTrue();
        last.GetProperty("attempts").GetInt32().Should().Be(1);
        last.GetProperty("status_code").GetInt32().Should().Be(204);
    }

    [Fact]
    public async Task A_500_is_retried_and_the_same_event_then_delivered()
    {
        int webhookId = await CreateWebhookAsync();
        _receiver.Answer(500);

        Observe(new CameraHealthChange(3, "Porch", CameraHealthState.Unknown, CameraHealthState.WrongPassword, "The camera refused the password.", DateTimeOffset.UtcNow));

        await Eventually.WaitUntilAsync(() => _receiver.Received.Count == 2, s_deadline, "one failed attempt, one retry");
        string[] ids = [.. _receiver.Received.Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("event_id").GetString()!)];
        ids.Distinct().Should().ContainSingle("the retry re-sends the same event (receivers dedupe on event_id)");
        _receiver.Received.Select(r => r.Header("X-CamStudio-Event")).Should().AllBe("camera.wrong_password",
            "a camera refusing the password when the server starts is news even though it was Unknown before");
        await Eventually.WaitUntilAsync(async () => (await GetWebhookAsync(webhookId)).GetProperty("last_delivery") is { ValueKind: JsonValueKind.Object } d
            && d.GetProperty("succeeded").GetBoolean(), s_deadline, "the delivery is recorded as succeeded");
        (await GetWebhookAsync(webhookId)).GetProperty("last_delivery").GetProperty("attempts").GetInt32().Should().Be(2);
        _logs.Entries.Should().NotContain(e => e.Contains(Secret, StringComparison.Ordinal), "the secret never reaches a log line");
    }

    [Fact]
    public async Task A_4xx_is_not_retried()
    {
        int webhookId = await CreateWebhookAsync();
        _receiver.DefaultStatus = 404;

        Observe(new CameraHealthChange(3, "Porch", CameraHealthState.Online, CameraHealthState.Offline, null, DateTimeOffset.UtcNow));

        await Eventually.WaitUntilAsync(async () => (await GetWebhookAsync(webhookId)).GetProperty("last_delivery").ValueKind == JsonValueKind.Object,
            s_deadline, "the failed delivery is recorded");
        JsonElement last = (await GetWebhookAsync(webhookId)).GetProperty("last_delivery");
        // Recorded as final (no "Retrying."): the delivery task has ended, so no later attempt can come.
        last.GetProperty("succeeded").GetBoolean().Should().BeFalse();
        last.GetProperty("attempts").GetInt32().Should().Be(1);
        last.GetProperty("status_code").GetInt32().Should().Be(404);
        last.GetProperty("message").GetString().Should().NotContain("Retrying");
        _receiver.Received.Should().ContainSingle();
    }

    [Fact]
    public async Task A_camera_whose_state_did_not_change_sends_nothing_and_online_at_start_up_is_recorded_but_not_sent()
    {
        await CreateWebhookAsync();
        CameraEventLog log = _app.Services.GetRequiredService<CameraEventLog>();

        Observe(new CameraHealthChange(1, "Drive", CameraHealthState.Unknown, CameraHealthState.Online, null, DateTimeOffset.UtcNow));
        Observe(new CameraHealthChange(2, "Yard", CameraHealthState.Online, CameraHealthState.Offline, "No route to host.", DateTimeOffset.UtcNow));
        Observe(new CameraHealthChange(2, "Yard", CameraHealthState.Offline, CameraHealthState.Offline, "No route to host.", DateTimeOffset.UtcNow));
        Observe(new CameraHealthChange(2, "Yard", CameraHealthState.Offline, CameraHealthState.Online, null, DateTimeOffset.UtcNow));

        log.Query(new CameraEventQuery { Kind = CameraEventKind.CameraState }).Select(e => (e.CameraId, e.Type)).Should().Equal(
            (2, "camera.online"), (2, "camera.offline"), (1, "camera.online"));
        // The recovery is the last event queued: once it has arrived, everything before it has been handled.
        await Eventually.WaitUntilAsync(() => _receiver.Received.Any(r => r.Header("X-CamStudio-Event") == "camera.online"), s_deadline, "the recovery arrives");
        List<JsonElement> bodies = [.. _receiver.Received.Select(r => JsonDocument.Parse(r.Body).RootElement)];
        bodies.Select(b => (b.GetProperty("camera").GetProperty("name").GetString(), b.GetProperty("type").GetString()))
            .Should().BeEquivalentTo(new[] { ("Yard", "camera.offline"), ("Yard", "camera.online") });
        bodies.Single(b => b.GetProperty("type").GetString() == "camera.online").GetProperty("recovered").GetBoolean().Should().BeTrue();

        using HttpResponseMessage events = await _admin.GetAsync("/api/events?camera_id=2&state=online");
        events.StatusCode.Should().Be(HttpStatusCode.OK);
        JsonElement[] listed = [.. (await events.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray()];
        listed.Should().ContainSingle().Which.GetProperty("is_recovery").GetBoolean().Should().BeTrue();
        (await _admin.GetAsync("/api/events?state=sideways")).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await (await _admin.GetAsync("/api/events?kind=server_started")).Content.ReadFromJsonAsync<JsonElement>())
            .GetArrayLength().Should().Be(1, "the start-up marker shows where the log begins");
    }

    [Fact]
    public async Task Subscribed_kinds_filter_what_is_sent_and_a_disabled_webhook_sends_nothing()
    {
        int offlineOnly = await CreateWebhookAsync(new { name = "Offline only", url = _receiver.Url + "/offline", secret = Secret, event_kinds = new[] { "offline" } });
        int disabled = await CreateWebhookAsync(new { name = "Off", url = _receiver.Url + "/off", secret = Secret });
        (await _admin.PutAsJsonAsync($"/api/webhooks/{disabled}", new { enabled = false })).StatusCode.Should().Be(HttpStatusCode.OK);

        Observe(new CameraHealthChange(5, "Shed", CameraHealthState.Online, CameraHealthState.StreamNotFound, null, DateTimeOffset.UtcNow));
        Observe(new CameraHealthChange(5, "Shed", CameraHealthState.StreamNotFound, CameraHealthState.Offline, null, DateTimeOffset.UtcNow));

        await Eventually.WaitUntilAsync(() => _receiver.Received.Count >= 1, s_deadline, "the offline event arrives");
        (await GetWebhookAsync(offlineOnly)).GetProperty("event_kinds").EnumerateArray().Select(k => k.GetString()).Should().Equal("offline");
        _receiver.Received.Should().ContainSingle().Which.PathAndQuery.Should().Be("/hook/offline");
    }

    [Fact]
    public async Task Send_test_event_posts_once_and_reports_the_result()
    {
        int webhookId = await CreateWebhookAsync();
        using HttpResponseMessage response = await _admin.PostAsync($"/api/webhooks/{webhookId}/test", null);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        JsonElement result = await response.Content.ReadFromJsonAsync<JsonElement>();
        result.GetProperty("succeeded").GetBoolean().Should().BeTrue();
        _receiver.Received.Should().ContainSingle().Which.Header("X-CamStudio-Event").Should().Be("webhook.test");
        WebhookSignature.Verify(Secret, _receiver.Received[0].Header("X-CamStudio-Timestamp"), _receiver.Received[0].Body,
            _receiver.Received[0].Header("X-CamStudio-Signature")).Should().BeTrue();
        (await _admin.PostAsync("/api/webhooks/999/test", null)).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_secret_is_returned_once_and_never_again_nor_the_full_url()
    {
        using HttpResponseMessage created = await _admin.PostAsJsonAsync("/api/webhooks/create",
            new { name = "Home Assistant", url = _receiver.Url + "/api/webhook/ha-private-id-123" });
        created.StatusCode.Should().Be(HttpStatusCode.Created);
        JsonElement body = await created.Content.ReadFromJsonAsync<JsonElement>();
        string secret = body.GetProperty("secret").GetString()!;
        secret.Should().StartWith("whsec_").And.HaveLength(49, "32 random bytes, base64url, after the prefix");
        int id = body.GetProperty("webhook").GetProperty("webhook_id").GetInt32();
        body.GetProperty("webhook").GetProperty("secret_hint").GetString().Should().Be("••••" + secret[^4..]);

        await _admin.PostAsync($"/api/webhooks/{id}/test", null);
        foreach (string path in new[] { "/api/webhooks", $"/api/webhooks/{id}", "/api/events", "/openapi/v1.json" })
        {
            string text = await _admin.GetStringAsync(path);
            text.Should().NotContain(secret, path).And.NotContain(secret[..20], path).And.NotContain("ha-private-id-123", path);
        }

        // The pages as a signed-in Admin's browser gets them (server-rendered).
        using (var browser = CamStudio.Tests.Web.Security.BrowserSession.Create(_app))
        {
            (await browser.SignInAsync(TestAccounts.AdminName, TestAccounts.AdminPassword)).StatusCode.Should().Be(HttpStatusCode.Redirect);
            foreach (string page in new[] { "/webhooks", "/events" })
            {
                using HttpResponseMessage response = await browser.Client.GetAsync(page);
                response.StatusCode.Should().Be(HttpStatusCode.OK, page);
                string html = await response.Content.ReadAsStringAsync();
                html.Should().NotContain(secret, page).And.NotContain(secret[..20], page).And.NotContain("ha-private-id-123", page);
            }
        }

        string list = await _admin.GetStringAsync("/api/webhooks");
        list.Should().Contain(_receiver.Url + "/…", "the URL is shown up to its first path segment");
        _logs.Entries.Should().NotContain(e => e.Contains(secret, StringComparison.Ordinal) || e.Contains("ha-private-id-123", StringComparison.Ordinal));

        using HttpResponseMessage renewed = await _admin.PutAsJsonAsync($"/api/webhooks/{id}", new { regenerate_secret = true });
        string newSecret = (await renewed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("secret").GetString()!;
        newSecret.Should().NotBe(secret);
        using HttpResponseMessage renamed = await _admin.PutAsJsonAsync($"/api/webhooks/{id}", new { name = "Renamed" });
        (await renamed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("secret").ValueKind
            .Should().Be(JsonValueKind.Null, "an update that keeps the secret does not show it");
    }

    [Fact]
    public async Task Invalid_urls_and_names_are_400_naming_the_field()
    {
        using HttpResponseMessage response = await _admin.PostAsJsonAsync("/api/webhooks/create",
            new { name = "", url = "https://user:hunter2@example.com/hook", secret = "short" });
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        string text = await response.Content.ReadAsStringAsync();
        text.Should().NotContain("hunter2");
        JsonElement errors = JsonDocument.Parse(text).RootElement.GetProperty("errors");
        errors.EnumerateObject().Select(p => p.Name).Should().BeEquivalentTo("name", "url", "secret");
        errors.GetProperty("url")[0].GetString().Should().Contain("user name or password");

        (await _admin.PostAsJsonAsync("/api/webhooks/create", new { name = "x", url = "ftp://example.com/" })).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await _admin.PostAsJsonAsync("/api/webhooks/create", new { name = "x", url = "https://example.com/", event_kinds = new[] { "sideways" } }))
            .StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_viewer_gets_403_on_every_webhook_endpoint_and_reads_events()
    {
        int id = await CreateWebhookAsync();
        string token = await TestAccounts.CreateUserWithTokenAsync(_app.Services, "viewer", CamStudioRoles.Viewer);
        using HttpClient viewer = _app.CreateClient();
        viewer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        HttpResponseMessage[] refused =
        [
            await viewer.GetAsync("/api/webhooks"),
            await viewer.GetAsync($"/api/webhooks/{id}"),
            await viewer.PostAsJsonAsync("/api/webhooks/create", new { name = "Sneaky", url = "https://example.com/x" }),
            await viewer.PutAsJsonAsync($"/api/webhooks/{id}", new { enabled = false }),
            await viewer.PostAsync($"/api/webhooks/{id}/test", null),
            await viewer.DeleteAsync($"/api/webhooks/{id}"),
        ];
        refused.Select(r => r.StatusCode).Should().AllBeEquivalentTo(HttpStatusCode.Forbidden);
        _receiver.Received.Should().BeEmpty();
        (await viewer.GetAsync("/api/events")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await _admin.GetAsync($"/api/webhooks/{id}")).StatusCode.Should().Be(HttpStatusCode.OK, "the viewer's delete was refused");
    }

    private void Observe(CameraHealthChange change) =>
        _app.Services.GetServices<ICameraHealthObserver>().OfType<CameraEventRecorder>().Single().OnHealthChanged(change);

    private Task<int> CreateWebhookAsync() => CreateWebhookAsync(new { name = "Receiver", url = _receiver.Url, secret = Secret });

    private async Task<int> CreateWebhookAsync(object request)
    {
        using HttpResponseMessage response = await _admin.PostAsJsonAsync("/api/webhooks/create", request);
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("webhook").GetProperty("webhook_id").GetInt32();
    }

    private async Task<JsonElement> GetWebhookAsync(int id) =>
        await _admin.GetFromJsonAsync<JsonElement>($"/api/webhooks/{id}");
}
