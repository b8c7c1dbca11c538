using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CamStudio.Core.Accounts;
using CamStudio.Tests.Infrastructure;

namespace CamStudio.Tests.Web.Api;

/// <summary>
/// Groups over HTTP: CRUD and order, the name rules, membership set on cameras, deleting a group never deleting a
/// camera, and a Viewer reading but never managing.
/// </summary>
public abstract class CameraGroupApiTests(TestDatabase database) : CameraApiTestBase(database)
{
    [Fact]
    public async Task Groups_are_created_in_order_renamed_moved_and_deleted()
    {
        JsonElement outside = await CreateGroupAsync("  Outside ");
        await CreateGroupAsync("Garage");
        JsonElement inside = await CreateGroupAsync("Inside");
        outside.GetProperty("name").GetString().Should().Be("Outside", "names are trimmed");
        PropertyNames(outside).Should().Equal("group_id", "name", "position", "camera_ids");
        (await ListNamesAsync()).Should().Equal("Outside", "Garage", "Inside");

        using (HttpResponseMessage moved = await Client.PutAsJsonAsync($"/api/groups/{Id(inside)}", new { name = "Indoors", position = 0 }))
        {
            moved.StatusCode.Should().Be(HttpStatusCode.OK);
            (await ReadJsonAsync(moved)).GetProperty("position").GetInt32().Should().Be(0);
        }

        (await ListNamesAsync()).Should().Equal("Indoors", "Outside", "Garage");
        using (HttpResponseMessage deleted = await Client.DeleteAsync($"/api/groups/{Id(outside)}"))
        {
            deleted.StatusCode.Should().Be(HttpStatusCode.NoContent);
        }

        JsonElement list = await GetJsonAsync("/api/groups");
        list.EnumerateArray().Select(g => (g.GetProperty("name").GetString(), g.GetProperty("position").GetInt32()))
            .Should().Equal(("Indoors", 0), ("Garage", 1));
        using HttpResponseMessage gone = await Client.GetAsync($"/api/groups/{Id(outside)}");
        (await ReadProblemAsync(gone, 404)).GetProperty("code").GetString().Should().Be("group_not_found");
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("This group name is far longer than forty characters")]
    [InlineData("Line\nbreak")]
    public async Task Invalid_names_are_400_problems_on_the_name_field(string name)
    {
        using HttpResponseMessage response = await Client.PostAsJsonAsync("/api/groups", new { name });
        JsonElement problem = await ReadProblemAsync(response, 400);
        problem.GetProperty("errors").GetProperty("name").GetArrayLength().Should().Be(1);
    }

    [Fact]
    public async Task Names_are_unique_ignoring_case_and_spacing_on_create_and_rename()
    {
        await CreateGroupAsync("Back yard");
        JsonElement other = await CreateGroupAsync("Front");

        using HttpResponseMessage created = await Client.PostAsJsonAsync("/api/groups", new { name = " BACK   yard" });
        (await ReadProblemAsync(created, 409)).GetProperty("code").GetString().Should().Be("duplicate_name");
        using HttpResponseMessage renamed = await Client.PutAsJsonAsync($"/api/groups/{Id(other)}", new { name = "back yard" });
        (await ReadProblemAsync(renamed, 409)).GetProperty("errors").GetProperty("name").GetArrayLength().Should().Be(1);
        using HttpResponseMessage negative = await Client.PutAsJsonAsync($"/api/groups/{Id(other)}", new { position = -1 });
        (await ReadProblemAsync(negative, 400)).GetProperty("errors").TryGetProperty("position", out _).Should().BeTrue();
    }

    [Fact]
    public async Task A_camera_belongs_to_several_groups_and_deleting_a_group_keeps_the_camera()
    {
        int outside = Id(await CreateGroupAsync("Outside"));
        int garage = Id(await CreateGroupAsync("Garage"));
        JsonElement camera = await CreateCameraAsync(new { name = "Drive", source = "demo", groups = new[] { garage, outside } });
        int cameraId = camera.GetProperty("camera_id").GetInt32();
        Groups(camera).Should().Equal(outside, garage);
        (await GetJsonAsync($"/api/groups/{garage}")).GetProperty("camera_ids").EnumerateArray().Select(e => e.GetInt32()).Should().Equal(cameraId);

        // An update without groups keeps them; an empty list clears them.
        using (HttpResponseMessage renamed = await Client.PutAsJsonAsync($"/api/cameras/{cameraId}", new { name = "Driveway" }))
        {
            Groups(await ReadJsonAsync(renamed)).Should().Equal(outside, garage);
        }

        using (HttpResponseMessage deleted = await Client.DeleteAsync($"/api/groups/{garage}"))
        {
            deleted.StatusCode.Should().Be(HttpStatusCode.NoContent);
        }

        JsonElement after = await GetJsonAsync($"/api/cameras/{cameraId}");
        after.GetProperty("name").GetString().Should().Be("Driveway");
        Groups(after).Should().Equal(outside);

        using (HttpResponseMessage cleared = await Client.PutAsJsonAsync($"/api/cameras/{cameraId}", new { groups = Array.Empty<int>() }))
        {
            Groups(await ReadJsonAsync(cleared)).Should().BeEmpty();
        }

        (await GetJsonAsync("/api/cameras")).EnumerateArray().Single().GetProperty("groups").GetArrayLength().Should().Be(0);
    }

    [Fact]
    public async Task Unknown_or_repeated_group_ids_on_a_camera_are_400_problems()
    {
        int outside = Id(await CreateGroupAsync("Outside"));
        using HttpResponseMessage unknown = await Client.PostAsJsonAsync("/api/cameras/create", new { name = "A", source = "demo", groups = new[] { outside, 9999 } });
        (await ReadProblemAsync(unknown, 400)).GetProperty("errors").GetProperty("groups").GetArrayLength().Should().Be(1);
        using HttpResponseMessage repeated = await Client.PostAsJsonAsync("/api/cameras/create", new { name = "B", source = "demo", groups = new[] { outside, outside } });
        (await ReadProblemAsync(repeated, 400)).GetProperty("errors").GetProperty("groups").GetArrayLength().Should().Be(1);
        (await GetJsonAsync("/api/cameras")).GetArrayLength().Should().Be(0, "a refused camera is not stored");
    }

    [Fact]
    public async Task A_viewer_reads_groups_but_cannot_manage_them_or_set_a_cameras_groups()
    {
        int outside = Id(await CreateGroupAsync("Outside"));
        JsonElement camera = await CreateCameraAsync(new { name = "Drive", source = "demo" });
        using HttpClient viewer = Factory.CreateClient();
        viewer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Bearer", await TestAccounts.CreateUserWithTokenAsync(Services, "viewer", CamStudioRoles.Viewer));

        using (HttpResponseMessage list = await viewer.GetAsync("/api/groups"))
        {
            list.StatusCode.Should().Be(HttpStatusCode.OK);
        }

        (await viewer.PostAsJsonAsync("/api/groups", new { name = "Mine" })).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await viewer.PutAsJsonAsync($"/api/groups/{outside}", new { name = "Renamed" })).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await viewer.DeleteAsync($"/api/groups/{outside}")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await viewer.PutAsJsonAsync($"/api/cameras/{camera.GetProperty("camera_id").GetInt32()}", new { groups = new[] { outside } }))
            .StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await ListNamesAsync()).Should().Equal("Outside");
    }

    private async Task<JsonElement> CreateGroupAsync(string name)
    {
        using HttpResponseMessage response = await Client.PostAsJsonAsync("/api/groups", new { name });
        string body = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).Should().Be(201, body);
        response.Headers.Location!.OriginalString.Should().StartWith("/api/groups/");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private async Task<JsonElement> GetJsonAsync(string url)
    {
        using HttpResponseMessage response = await Client.GetAsync(url);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        return await ReadJsonAsync(response);
    }

    private async Task<List<string?>> ListNamesAsync() =>
        [.. (await GetJsonAsync("/api/groups")).EnumerateArray().Select(g => g.GetProperty("name").GetString())];

    private static int Id(JsonElement group) => group.GetProperty("group_id").GetInt32();

    private static List<int> Groups(JsonElement camera) => [.. camera.GetProperty("groups").EnumerateArray().Select(e => e.GetInt32())];
}

public sealed class SqliteCameraGroupApiTests() : CameraGroupApiTests(TestDatabase.Sqlite());

[Collection(PostgresServerCollection.Name)]
public sealed class PostgreSqlCameraGroupApiTests(PostgresServer server) : CameraGroupApiTests(TestDatabase.PostgreSql(server));
