using System.Net;
using System.Net.Http.Json;
using System.Text;
using CamStudio.Core.Cameras;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CamStudio.Tests.Web.Operations;

/// <summary>A camera password planted through the API must never reach any log line, at any level.</summary>
public sealed class LogRedactionTests
{
    private const string Password = "Pl4nted-S3cret-7f3a91";
    private const string NewPassword = "Pl4nted-S3cret-rotated-0c2d";

    [Fact]
    public async Task Camera_passwords_never_appear_in_logs_across_create_update_read_list_status_and_failures()
    {
        var capture = new CapturingLoggerProvider();
        await using var app = new CamStudioAppFactory(
            new Dictionary<string, string?>
            {
                ["Logging:LogLevel:Default"] = "Trace",
                ["Logging:LogLevel:Microsoft"] = "Trace",
                ["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace",
                ["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Trace",
            },
            services => services.AddSingleton<ILoggerProvider>(capture));
        using HttpClient client = app.CreateClient();

        int id;
        using (HttpResponseMessage created = await client.PostAsJsonAsync("/api/cameras/create", new
        {
            name = "Redaction probe", ip_address = "127.0.0.1", rtsp_port = 9, username = "admin", password = Password,
        }))
        {
            created.StatusCode.Should().Be(HttpStatusCode.Created);
            id = (await created.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("camera_id").GetInt32();
        }

        // Validation failures with the password in the body (bad address, bad port, duplicate name, malformed JSON).
        (await client.PostAsJsonAsync("/api/cameras/create", new { name = "Bad", ip_address = "user:" + Password + "@host", password = Password }))
            .StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await client.PostAsJsonAsync("/api/cameras/create", new { name = "Redaction probe", ip_address = "127.0.0.1", password = Password }))
            .StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await client.PostAsync("/api/cameras/create", new StringContent("{\"name\":\"x\",\"password\":\"" + Password + "\",", Encoding.UTF8, "application/json")))
            .StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await client.PutAsJsonAsync($"/api/cameras/{id}", new { password = NewPassword, version = 99 }))
            .StatusCode.Should().Be(HttpStatusCode.Conflict);

        (await client.PutAsJsonAsync($"/api/cameras/{id}", new { password = NewPassword })).StatusCode.Should().Be(HttpStatusCode.OK);
        (await client.GetAsync($"/api/cameras/{id}")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await client.GetAsync("/api/cameras")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await client.GetAsync("/metrics")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await client.GetAsync("/health/ready")).StatusCode.Should().Be(HttpStatusCode.OK);

        // The decrypting path the streams layer uses.
        CameraStreamSource? source = await app.Services.GetRequiredService<ICameraStore>().GetStreamSourceAsync(id, CancellationToken.None);
        source!.Password.Should().Be(NewPassword, "the test must really have stored the planted password");

        capture.Entries.Should().NotBeEmpty().And.HaveCountGreaterThan(200, "Trace logging must really have been captured");
        capture.Entries.Should().NotContain(e => e.Contains(Password, StringComparison.Ordinal) || e.Contains(NewPassword, StringComparison.Ordinal));
        capture.Entries.Should().NotContain(e => e.Contains("S3cret", StringComparison.Ordinal), "no fragment of it either");
    }
}
