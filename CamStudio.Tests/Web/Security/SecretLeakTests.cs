using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CamStudio.Core.Cameras;
using CamStudio.Tests.Infrastructure;
using CamStudio.Tests.Media.Sdp;
using CamStudio.Tests.Web.Operations;
using CamStudio.Web.Services;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CamStudio.Tests.Web.Security;

/// <summary>
/// A distinctive camera password is planted, then every surface is exercised — the API (reads, status, failures), the
/// signed-in pages, WHEP answers, the test-connection probe, and the failure paths of a camera that refuses the
/// password (a real RTSP server) and of one that is unreachable — and every response (headers and body) and every
/// captured log line is scanned for it.
/// </summary>
public sealed class SecretLeakTests
{
    private const string Planted = "Zq9-LeakCanary-4471";

    [Fact]
    public async Task A_planted_camera_password_appears_in_no_response_and_no_log()
    {
        var capture = new CapturingLoggerProvider();
        await using RtspTestCamera camera = await RtspTestCamera.StartAsync(new RtspTestCameraOptions(), CancellationToken.None);
        await using var app = new CamStudioAppFactory(
            new Dictionary<string, string?>
            {
                ["Logging:LogLevel:Default"] = "Trace",
                ["Logging:LogLevel:Microsoft"] = "Trace",
                ["Security:OffersPerMinute"] = "10000",
            },
            services => services.AddSingleton<ILoggerProvider>(capture));
        using HttpClient api = app.CreateClient();
        var responses = new List<string>();

        async Task<string> Record(Task<HttpResponseMessage> call)
        {
            using HttpResponseMessage response = await call;
            string body = await response.Content.ReadAsStringAsync();
            responses.Add($"{(int)response.StatusCode} {response.Headers} {response.Content.Headers}\n{body}");
            return body;
        }

        int closedPort = FreePort.Tcp();
        int wrong = JsonDocument.Parse(await Record(api.PostAsJsonAsync("/api/cameras/create", new
        {
            name = "Wrong password", ip_address = "127.0.0.1", rtsp_port = camera.Port, hd_path = RtspTestCamera.MainStream,
            sd_path = RtspTestCamera.SubStream, username = camera.User, password = Planted,
        }))).RootElement.GetProperty("camera_id").GetInt32();
        int unreachable = JsonDocument.Parse(await Record(api.PostAsJsonAsync("/api/cameras/create", new
        {
            name = "Unreachable", ip_address = "127.0.0.1", rtsp_port = closedPort, username = "admin", password = Planted,
        }))).RootElement.GetProperty("camera_id").GetInt32();

        // Failures that carry the password in the request.
        await Record(api.PostAsJsonAsync("/api/cameras/create", new { name = "Bad", ip_address = "admin:" + Planted + "@cam", password = Planted }));
        await Record(api.PostAsJsonAsync("/api/cameras/create", new { name = "Wrong password", ip_address = "127.0.0.1", password = Planted }));
        await Record(api.PostAsync("/api/cameras/create", new StringContent("{\"password\":\"" + Planted + "\",", Encoding.UTF8, "application/json")));
        await Record(api.PutAsJsonAsync($"/api/cameras/{wrong}", new { password = Planted, version = 999 }));

        // Viewers start FFmpeg against both cameras; the answers may carry FFmpeg's error as a warning.
        foreach (int id in new[] { wrong, unreachable })
        {
            await Record(api.PostAsync($"/api/cameras/{id}/whep", new StringContent(SdpFixtures.Chrome126VideoOnly, Encoding.UTF8, "application/sdp")));
        }

        await Eventually.WaitUntilAsync(async () =>
                (await api.GetFromJsonAsync<JsonElement>($"/api/cameras/{wrong}/status")).GetProperty("state").GetString() == "auth_failed"
                && (await api.GetFromJsonAsync<JsonElement>($"/api/cameras/{unreachable}/status")).GetProperty("state").GetString() == "reconnecting",
            TimeSpan.FromSeconds(30), "the wrong password and the unreachable camera are reported");
        foreach (int id in new[] { wrong, unreachable })
        {
            await Record(api.PostAsync($"/api/cameras/{id}/whep", new StringContent(SdpFixtures.Chrome126VideoOnly, Encoding.UTF8, "application/sdp")));
            await Record(api.PostAsJsonAsync($"/api/cameras/{id}/webrtc/offer", new { sdp = SdpFixtures.Chrome126VideoOnly, type = "offer" }));
            foreach (string path in new[] { "", "/status", "/combined" })
            {
                await Record(api.GetAsync($"/api/cameras/{id}{path}"));
            }
        }

        foreach (string path in new[] { "/api/cameras", "/api/cameras/status/all", "/api/cameras/999", "/metrics", "/health/ready", "/openapi/v1.json" })
        {
            await Record(api.GetAsync(path));
        }

        // The form's "Test connection" (ffprobe) against both failure modes.
        CameraProbeService probe = app.Services.GetRequiredService<CameraProbeService>();
        foreach (int port in new[] { camera.Port, closedPort })
        {
            CameraProbeResult result = await probe.ProbeAsync(new CameraProbeRequest
            {
                Source = CameraSourceKind.Rtsp, Host = "127.0.0.1", Port = port, Path = RtspTestCamera.MainStream, Username = camera.User, Password = Planted,
            }, CancellationToken.None);
            result.Succeeded.Should().BeFalse();
            responses.Add("probe: " + result.Message);
        }

        // Every page, rendered for a signed-in admin.
        using BrowserSession browser = BrowserSession.Create(app);
        (await browser.SignInAsync(TestAccounts.AdminName, TestAccounts.AdminPassword)).StatusCode.Should().Be(HttpStatusCode.Redirect);
        foreach (string page in new[] { "/", "/cameras", $"/cameras/{wrong}/edit", $"/cameras/{unreachable}/edit", "/status", "/users", "/account/tokens", "/nope" })
        {
            await Record(browser.Client.GetAsync(page));
        }

        responses.Should().Contain(r => r.Contains("Unreachable", StringComparison.Ordinal), "the pages and API really were read");
        capture.Entries.Should().HaveCountGreaterThan(50, "debug logging was captured");
        capture.Entries.Should().Contain(e => e.Contains("401", StringComparison.Ordinal) || e.Contains("nauthorized", StringComparison.Ordinal),
            "FFmpeg's refusal by the camera was logged (so the scan covers that path)");
        responses.Should().NotContain(r => r.Contains(Planted, StringComparison.Ordinal) || r.Contains("LeakCanary", StringComparison.Ordinal));
        capture.Entries.Should().NotContain(e => e.Contains(Planted, StringComparison.Ordinal) || e.Contains("LeakCanary", StringComparison.Ordinal));
    }
}
