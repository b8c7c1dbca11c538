using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CamStudio.Core.Accounts;
using CamStudio.Tests.Infrastructure;

namespace CamStudio.Tests.Web.Api;

/// <summary>
/// Saved views over HTTP: per-user ownership (another user's private view does not exist for them), one default per
/// user, sharing by Admins only, and validation of name, layout, group and camera order.
/// </summary>
public abstract class CameraViewApiTests(TestDatabase database) : CameraApiTestBase(database)
{
    [Fact]
    public async Task A_view_round_trips_and_becomes_the_default()
    {
        int group = await CreateGroupAsync("Outside");
        int first = await CreateDemoCameraAsync("First", group);
        int second = await CreateDemoCameraAsync("Second", group);

        JsonElement view = await CreateViewAsync(Client, new { name = " Yard ", group_id = group, layout = "2x2", camera_order = new[] { second, first } });
        PropertyNames(view).Should().Equal("view_id", "name", "group_id", "layout", "camera_order", "shared", "is_default", "owned", "editable");
        view.GetProperty("name").GetString().Should().Be("Yard");
        view.GetProperty("camera_order").EnumerateArray().Select(e => e.GetInt32()).Should().Equal(second, first);
        view.GetProperty("is_default").GetBoolean().Should().BeFalse();
        int viewId = view.GetProperty("view_id").GetInt32();

        (await ReadProblemAsync(await Client.GetAsync("/api/views/default"), 404)).GetProperty("code").GetString().Should().Be("no_default_view");
        using (HttpResponseMessage set = await Client.PutAsync($"/api/views/{viewId}/default", null))
        {
            (await ReadJsonAsync(set)).GetProperty("is_default").GetBoolean().Should().BeTrue();
        }

        JsonElement byDefault = await ReadJsonAsync(await Client.GetAsync("/api/views/default"));
        byDefault.GetProperty("view_id").GetInt32().Should().Be(viewId);
        byDefault.GetProperty("layout").GetString().Should().Be("2x2");

        using (HttpResponseMessage updated = await Client.PutAsJsonAsync($"/api/views/{viewId}", new { name = "Yard", layout = "1", camera_order = new[] { first } }))
        {
            JsonElement body = await ReadJsonAsync(updated);
            body.GetProperty("group_id").ValueKind.Should().Be(JsonValueKind.Null, "an update replaces the group; none means every camera");
            body.GetProperty("layout").GetString().Should().Be("1");
        }

        (await Client.DeleteAsync("/api/views/default")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await Client.GetAsync("/api/views/default")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await Client.DeleteAsync($"/api/views/{viewId}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await ReadJsonAsync(await Client.GetAsync("/api/views"))).GetArrayLength().Should().Be(0);
    }

    [Fact]
    public async Task Invalid_views_are_400_problems_per_field()
    {
        using HttpResponseMessage response = await Client.PostAsJsonAsync("/api/views", new
        {
            name = "",
            layout = "5x5",
            group_id = 4242,
            camera_order = new[] { 1, 1 },
        });
        JsonElement errors = (await ReadProblemAsync(response, 400)).GetProperty("errors");
        PropertyNames(errors).Should().BeEquivalentTo(["name", "layout", "group_id", "camera_order"]);

        using HttpResponseMessage unknownCamera = await Client.PostAsJsonAsync("/api/views", new { name = "V", camera_order = new[] { 777 } });
        (await ReadProblemAsync(unknownCamera, 400)).GetProperty("errors").GetProperty("camera_order").GetArrayLength().Should().Be(1);
    }

    [Fact]
    public async Task Another_users_private_view_does_not_exist_for_them()
    {
        int mine = (await CreateViewAsync(Client, new { name = "Admin's" })).GetProperty("view_id").GetInt32();
        using HttpClient viewer = await ViewerClientAsync("viewer-one");
        using HttpClient other = await ViewerClientAsync("viewer-two");
        int theirs = (await CreateViewAsync(viewer, new { name = "Viewer's", layout = "3x3" })).GetProperty("view_id").GetInt32();

        (await ReadJsonAsync(await viewer.GetAsync("/api/views"))).EnumerateArray().Select(v => v.GetProperty("name").GetString())
            .Should().Equal("Viewer's");
        (await ReadJsonAsync(await other.GetAsync("/api/views"))).GetArrayLength().Should().Be(0);
        foreach (HttpResponseMessage response in new[]
                 {
                     await other.GetAsync($"/api/views/{theirs}"),
                     await other.PutAsJsonAsync($"/api/views/{theirs}", new { name = "Taken" }),
                     await other.DeleteAsync($"/api/views/{theirs}"),
                     await other.PutAsync($"/api/views/{theirs}/default", null),
                     await viewer.GetAsync($"/api/views/{mine}"),
                     await Client.GetAsync($"/api/views/{theirs}"),
                 })
        {
            (await ReadProblemAsync(response, 404)).GetProperty("code").GetString().Should().Be("view_not_found");
        }

        (await ReadJsonAsync(await viewer.GetAsync($"/api/views/{theirs}"))).GetProperty("name").GetString().Should().Be("Viewer's");
    }

    [Fact]
    public async Task Only_admins_share_and_a_shared_view_is_listed_for_everyone_but_edited_by_admins_only()
    {
        using HttpClient viewer = await ViewerClientAsync("viewer");
        using (HttpResponseMessage refused = await viewer.PostAsJsonAsync("/api/views", new { name = "Mine", shared = true }))
        {
            (await ReadProblemAsync(refused, 403)).GetProperty("code").GetString().Should().Be("forbidden");
        }

        int own = (await CreateViewAsync(viewer, new { name = "Mine" })).GetProperty("view_id").GetInt32();
        (await viewer.PutAsJsonAsync($"/api/views/{own}", new { name = "Mine", shared = true })).StatusCode.Should().Be(HttpStatusCode.Forbidden);

        JsonElement shared = await CreateViewAsync(Client, new { name = "Control room", layout = "4x4", shared = true });
        int sharedId = shared.GetProperty("view_id").GetInt32();
        JsonElement listed = (await ReadJsonAsync(await viewer.GetAsync("/api/views"))).EnumerateArray()
            .Single(v => v.GetProperty("view_id").GetInt32() == sharedId);
        listed.GetProperty("shared").GetBoolean().Should().BeTrue();
        listed.GetProperty("owned").GetBoolean().Should().BeFalse();
        listed.GetProperty("editable").GetBoolean().Should().BeFalse();

        (await ReadProblemAsync(await viewer.PutAsJsonAsync($"/api/views/{sharedId}", new { name = "Changed" }), 403))
            .GetProperty("detail").GetString().Should().Contain("Admin");
        (await viewer.DeleteAsync($"/api/views/{sharedId}")).StatusCode.Should().Be(HttpStatusCode.Forbidden);

        // A viewer may still open it by default.
        (await viewer.PutAsync($"/api/views/{sharedId}/default", null)).StatusCode.Should().Be(HttpStatusCode.OK);
        (await ReadJsonAsync(await viewer.GetAsync("/api/views/default"))).GetProperty("view_id").GetInt32().Should().Be(sharedId);
        (await Client.GetAsync("/api/views/default")).StatusCode.Should().Be(HttpStatusCode.NotFound, "defaults are per user");
        (await Client.DeleteAsync($"/api/views/{sharedId}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await viewer.GetAsync("/api/views/default")).StatusCode.Should().Be(HttpStatusCode.NotFound, "a deleted default is no default");
    }

    [Fact]
    public async Task Deleting_a_views_group_leaves_the_view_showing_every_camera()
    {
        int group = await CreateGroupAsync("Garage");
        int viewId = (await CreateViewAsync(Client, new { name = "Garage", group_id = group })).GetProperty("view_id").GetInt32();
        (await Client.DeleteAsync($"/api/groups/{group}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await ReadJsonAsync(await Client.GetAsync($"/api/views/{viewId}"))).GetProperty("group_id").ValueKind.Should().Be(JsonValueKind.Null);
    }


    private static async Task<JsonElement> CreateViewAsync(HttpClient client, object request)
    {
        using HttpResponseMessage response = await client.PostAsJsonAsync("/api/views", request);
        string body = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).Should().Be(201, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private async Task<int> CreateGroupAsync(string name)
    {
        using HttpResponseMessage response = await Client.PostAsJsonAsync("/api/groups", new { name });
        return (await ReadJsonAsync(response)).GetProperty("group_id").GetInt32();
    }

    private async Task<int> CreateDemoCameraAsync(string name, int group) =>
        (await CreateCameraAsync(new { name, source = "demo", groups = new[] { group } })).GetProperty("camera_id").GetInt32();
}

public sealed class SqliteCameraViewApiTests() : CameraViewApiTests(TestDatabase.Sqlite());

[Collection(PostgresServerCollection.Name)]
public sealed class PostgreSqlCameraViewApiTests(PostgresServer server) : CameraViewApiTests(TestDatabase.PostgreSql(server));
