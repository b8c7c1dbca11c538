using System.Net;
using System.Text.Json;
using CamStudio.Media;
using CamStudio.Media.WebRtc;
using CamStudio.Tests.Infrastructure;
using CamStudio.Web.Composition;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CamStudio.Tests.Web.Operations;

/// <summary>/health/live and /health/ready against the real app, real SQLite and the real FFmpeg binary.</summary>
public sealed class HealthEndpointTests
{
    [Fact]
    public async Task Live_answers_200_without_running_any_check()
    {
        await using var app = new CamStudioAppFactory(new Dictionary<string, string?> { ["Operations:FfmpegPath"] = "/nonexistent/ffmpeg" });
        using HttpClient client = app.CreateClient();

        using HttpResponseMessage response = await client.GetAsync("/health/live");

        response.StatusCode.Should().Be(HttpStatusCode.OK, "liveness must not depend on FFmpeg or the database");
        JsonElement body = await ReadAsync(response);
        body.GetProperty("status").GetString().Should().Be("healthy");
        body.GetProperty("checks").EnumerateObject().Should().BeEmpty();
    }

    [Fact]
    public async Task Ready_reports_database_ffmpeg_version_and_media_port()
    {
        await using var app = new CamStudioAppFactory();
        using HttpClient client = app.CreateClient();
        (int exitCode, string output) = await ChildProcess.RunAsync("ffmpeg", ["-version"], TimeSpan.FromSeconds(20), CancellationToken.None);
        exitCode.Should().Be(0);
        string expectedVersion = output.Split('\n')[0].Split(' ')[2];

        using HttpResponseMessage response = await client.GetAsync("/health/ready");

        string text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, text);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        JsonElement checks = JsonDocument.Parse(text).RootElement.GetProperty("checks");
        checks.EnumerateObject().Select(c => c.Name).Should().BeEquivalentTo("database", "ffmpeg", "media_udp_port");
        checks.GetProperty("database").GetProperty("status").GetString().Should().Be("healthy");
        checks.GetProperty("database").GetProperty("data").GetProperty("provider").GetString().Should().Be("Sqlite");
        checks.GetProperty("ffmpeg").GetProperty("status").GetString().Should().Be("healthy");
        checks.GetProperty("ffmpeg").GetProperty("data").GetProperty("version").GetString().Should().Be(expectedVersion);
        checks.GetProperty("ffmpeg").GetProperty("description").GetString().Should().Be("ffmpeg " + expectedVersion);
        checks.GetProperty("media_udp_port").GetProperty("status").GetString().Should().Be("healthy");
    }

    [Fact]
    public async Task Ready_is_503_with_a_reason_when_ffmpeg_cannot_run()
    {
        await using var app = new CamStudioAppFactory(new Dictionary<string, string?> { ["Operations:FfmpegPath"] = "/nonexistent/ffmpeg" });
        using HttpClient client = app.CreateClient();

        using HttpResponseMessage response = await client.GetAsync("/health/ready");

        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        JsonElement body = await ReadAsync(response);
        body.GetProperty("status").GetString().Should().Be("unhealthy");
        JsonElement ffmpeg = body.GetProperty("checks").GetProperty("ffmpeg");
        ffmpeg.GetProperty("status").GetString().Should().Be("unhealthy");
        ffmpeg.GetProperty("description").GetString().Should().Contain("/nonexistent/ffmpeg");
        body.GetProperty("checks").GetProperty("database").GetProperty("status").GetString().Should().Be("healthy");
    }

    [Fact]
    public async Task Ready_is_503_when_the_database_lost_its_schema()
    {
        // Regression guard: a check that only opens the file would stay green after the database file was replaced.
        await using var app = new CamStudioAppFactory();
        using HttpClient client = app.CreateClient();
        (await client.GetAsync("/health/ready")).StatusCode.Should().Be(HttpStatusCode.OK);

        SqliteConnection.ClearAllPools();
        File.Delete(Path.Combine(app.DataDirectory, "camstudio.db"));

        using HttpResponseMessage response = await client.GetAsync("/health/ready");
        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        JsonElement database = (await ReadAsync(response)).GetProperty("checks").GetProperty("database");
        database.GetProperty("status").GetString().Should().Be("unhealthy");
        database.GetProperty("description").GetString().Should().StartWith("Sqlite unreachable");
    }

    [Fact]
    public async Task Ready_reports_the_bound_udp_port_when_the_media_plane_is_registered()
    {
        await using var app = new CamStudioAppFactory(configureServices: AddMediaUnlessPresent);
        using HttpClient client = app.CreateClient();
        WebRtcServer server = app.Services.GetRequiredService<WebRtcServer>();
        await Eventually.WaitUntilAsync(() => server.LocalEndPoint is not null, TimeSpan.FromSeconds(10), "UDP socket bound");

        using HttpResponseMessage response = await client.GetAsync("/health/ready");

        string text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, text);
        JsonElement port = JsonDocument.Parse(text).RootElement.GetProperty("checks").GetProperty("media_udp_port");
        port.GetProperty("status").GetString().Should().Be("healthy");
        port.GetProperty("data").GetProperty("udp_port").GetInt32().Should().Be(server.LocalEndPoint!.Port).And.BeGreaterThan(0);
    }

    /// <summary>Registers the media plane for tests that need it, whether or not Program already does.</summary>
    internal static void AddMediaUnlessPresent(IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(WebRtcServer)))
        {
            return;
        }

        IConfiguration configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["WebRtc:UdpPort"] = "0", ["WebRtc:BindAddress"] = "127.0.0.1" })
            .Build();
        services.AddCamStudioMedia(configuration);
        services.AddCamStudioComposition();

        // WebRtcHost.StopAsync disposes the server and the container disposes it again, which throws
        // ObjectDisposedException (reported to the lead). An instance registration is not disposed by the container.
        services.RemoveAll<WebRtcServer>();
        services.AddSingleton(new WebRtcServer(
            Options.Create(new WebRtcOptions { UdpPort = 0, BindAddress = "127.0.0.1" }), NullLoggerFactory.Instance, TimeProvider.System));
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
}
