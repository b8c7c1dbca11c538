using System.Net.Http.Json;
using System.Text.Json;
using CamStudio.Core.Cluster;
using CamStudio.Tests.Infrastructure;
using CamStudio.Web.Services;
using Microsoft.Extensions.DependencyInjection;

namespace CamStudio.Tests.Web.Services;

/// <summary>
/// The start-up poster grabs go only to cameras this node serves (<see cref="ICameraOwnership"/>): in a cluster every
/// node sees every camera, and without this seam each node would grab each camera's poster at start.
/// </summary>
public sealed class PosterOwnershipTests : IAsyncLifetime
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("camstudio-posters-").FullName;

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        Directory.Delete(_dataDirectory, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Only_the_cameras_this_node_serves_get_a_poster_at_start()
    {
        int elsewhere;
        int here;
        await using (var first = new CamStudioAppFactory(new Dictionary<string, string?> { ["Posters:GrabMissingAtStart"] = "false" },
            dataDirectory: _dataDirectory))
        {
            using HttpClient admin = first.CreateClient();
            elsewhere = await CreateDemoCameraAsync(admin, "Elsewhere");
            here = await CreateDemoCameraAsync(admin, "Here");
        }

        // Restart with start-up grabs on; the lower id is the other node's, so the one pass (in id order) decides it first.
        var ownership = new OneCameraElsewhere(elsewhere);
        await using var second = new CamStudioAppFactory(
            new Dictionary<string, string?> { ["Posters:GrabMissingAtStart"] = "true", ["Posters:StartDelay"] = "00:00:00" },
            services => services.AddSingleton<ICameraOwnership>(ownership), dataDirectory: _dataDirectory);
        using HttpClient client = second.CreateClient(); // starts the app
        PosterStore posters = second.Services.GetRequiredService<PosterStore>();

        await Eventually.WaitUntilAsync(() => posters.Find(here) is not null, TimeSpan.FromSeconds(30), "this node's camera got its poster");

        posters.Find(elsewhere).Should().BeNull("the other node grabs its own camera's poster");
        ownership.Asked.Should().BeTrue();
    }

    private static async Task<int> CreateDemoCameraAsync(HttpClient admin, string name)
    {
        using HttpResponseMessage created = await admin.PostAsJsonAsync("/api/cameras/create", new { name, source = "demo" });
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("camera_id").GetInt32();
    }

    private sealed class OneCameraElsewhere(int cameraId) : ICameraOwnership
    {
        private volatile bool _asked;

        public bool Asked => _asked;

        public bool IsLocal(int id)
        {
            if (id == cameraId)
            {
                _asked = true;
                return false;
            }

            return true;
        }

        public CameraOwner? OwnerOf(int id) => IsLocal(id) ? CameraOwner.ThisNode : new CameraOwner("node-b", IsLocal: false);
    }
}
