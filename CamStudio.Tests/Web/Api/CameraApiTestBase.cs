using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CamStudio.Core.Accounts;
using CamStudio.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CamStudio.Tests.Web.Api;

/// <summary>
/// Starts the real app per test on a fresh data directory (and, for PostgreSQL, a fresh database). Concrete subclasses
/// pick the provider, so every API test runs against both.
/// </summary>
public abstract class CameraApiTestBase(TestDatabase database) : IAsyncLifetime
{
    private CamStudioAppFactory? _factory;

    protected TestDatabase Database { get; } = database;

    protected string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "camstudio-api-" + Guid.NewGuid().ToString("N"));

    protected HttpClient Client { get; private set; } = null!;

    protected IServiceProvider Services => _factory!.Services;

    /// <summary>The running app, e.g. for a WebSocket client (<c>Factory.Server.CreateWebSocketClient()</c>).</summary>
    protected CamStudioAppFactory Factory => _factory!;

    public Task InitializeAsync()
    {
        StartApp();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await StopAppAsync();
        if (Directory.Exists(DataDirectory))
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
    }

    /// <summary>Stops the app completely and starts a new one on the same data directory and database.</summary>
    protected async Task RestartAppAsync()
    {
        await StopAppAsync();
        StartApp();
    }

    protected T GetService<T>()
        where T : notnull => Services.GetRequiredService<T>();

    protected static string UniqueName(string prefix = "Camera") => $"{prefix} {Guid.NewGuid().ToString("N")[..8]}";

    protected Task<HttpResponseMessage> PostJsonAsync(string json) =>
        Client.PostAsync("/api/cameras/create", new StringContent(json, Encoding.UTF8, "application/json"));

    protected Task<HttpResponseMessage> PutJsonAsync(int cameraId, string json) =>
        Client.PutAsync($"/api/cameras/{cameraId}", new StringContent(json, Encoding.UTF8, "application/json"));

    /// <summary>Creates a camera and returns the 201 body.</summary>
    protected async Task<JsonElement> CreateCameraAsync(object request)
    {
        using HttpResponseMessage response = await Client.PostAsJsonAsync("/api/cameras/create", request);
        string body = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).Should().Be(201, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>A client signed in (bearer token) as a new Viewer account named <paramref name="name"/>.</summary>
    protected async Task<HttpClient> ViewerClientAsync(string name)
    {
        HttpClient client = Factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Bearer", await TestAccounts.CreateUserWithTokenAsync(Services, name, CamStudioRoles.Viewer));
        return client;
    }

    protected static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    /// <summary>Asserts an RFC 9457 document with the status and returns it.</summary>
    protected static async Task<JsonElement> ReadProblemAsync(HttpResponseMessage response, int status)
    {
        string body = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).Should().Be(status, body);
        response.Content.Headers.ContentType?.MediaType.Should().Be("application/problem+json", body);
        JsonElement problem = JsonDocument.Parse(body).RootElement.Clone();
        problem.GetProperty("status").GetInt32().Should().Be(status);
        problem.GetProperty("title").GetString().Should().NotBeNullOrWhiteSpace();
        return problem;
    }

    protected static IReadOnlyList<string> PropertyNames(JsonElement element) =>
        element.EnumerateObject().Select(p => p.Name).ToList();

    protected void StartApp()
    {
        // The data directory is this class's, kept across a restart and deleted on dispose.
        _factory = new CamStudioAppFactory(Database.Settings, dataDirectory: DataDirectory);
        Client = _factory.CreateClient();
    }

    protected async Task StopAppAsync()
    {
        Client?.Dispose();
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
            _factory = null;
        }
    }
}
