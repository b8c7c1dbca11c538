using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CamStudio.Core.Cameras;
using CamStudio.Tests.Infrastructure;

namespace CamStudio.Tests.Web.Api;

/// <summary>Create, read, update, delete over HTTP, and the wire format's field names.</summary>
public abstract class CameraApiCrudTests(TestDatabase database) : CameraApiTestBase(database)
{
    private static readonly string[] s_cameraFields =
    [
        "camera_id", "name", "source", "ip_address", "rtsp_port", "brand", "hd_path", "sd_path", "username",
        "has_password", "stream_quality", "audio", "description", "pinned_node", "groups", "created_at", "updated_at", "version",
    ];

    private static readonly string[] s_statusFields =
    [
        "camera_id", "is_running", "viewer_count", "stream_type", "uptime_seconds", "last_frame_time", "peer_connection_count",
        // Added by the streams layer (issue 4); the original seven keep their names.
        "state", "last_error", "fps", "bitrate_kbps", "keyframe_interval_s", "reconnect_count", "streams",
        // Added with the HLS fallback (issue 14): viewer_count split by transport.
        "webrtc_viewer_count", "hls_viewer_count",
        // Added with the background health checks (issue 17).
        "health",
        // Added with the cluster (issue 18): the node serving the camera, null on a single node.
        "node",
    ];

    [Fact]
    public async Task Create_returns_201_with_location_and_exactly_the_snake_case_fields()
    {
        DateTimeOffset before = DateTimeOffset.UtcNow;
        using HttpResponseMessage response = await Client.PostAsJsonAsync("/api/cameras/create", new
        {
            name = "  Front door  ",
            ip_address = "192.168.1.20",
            username = "admin",
            password = "hunter2",
            stream_quality = "stream1",
            description = "Porch",
        });

        response.StatusCode.Should().Be(HttpStatusCode.Created);
        JsonElement camera = await ReadJsonAsync(response);
        PropertyNames(camera).Should().BeEquivalentTo(s_cameraFields, o => o.WithStrictOrdering());
        int id = camera.GetProperty("camera_id").GetInt32();
        response.Headers.Location!.OriginalString.Should().Be($"/api/cameras/{id}");
        camera.GetProperty("name").GetString().Should().Be("Front door", "names are trimmed");
        camera.GetProperty("stream_quality").GetString().Should().Be("stream1");
        camera.GetProperty("has_password").GetBoolean().Should().BeTrue();
        camera.GetProperty("version").GetInt32().Should().Be(1);
        DateTimeOffset created = camera.GetProperty("created_at").GetDateTimeOffset();
        created.Offset.Should().Be(TimeSpan.Zero);
        created.Should().BeOnOrAfter(before.AddSeconds(-1)).And.BeOnOrBefore(DateTimeOffset.UtcNow.AddSeconds(1));
        camera.GetProperty("updated_at").GetDateTimeOffset().Should().Be(created);

        using HttpResponseMessage fetched = await Client.GetAsync(response.Headers.Location);
        fetched.StatusCode.Should().Be(HttpStatusCode.OK);
        (await ReadJsonAsync(fetched)).GetProperty("name").GetString().Should().Be("Front door");
    }

    [Fact]
    public async Task Create_applies_defaults_for_omitted_fields()
    {
        JsonElement camera = await CreateCameraAsync(new { name = UniqueName(), ip_address = "cam-1.example.lan" });

        camera.GetProperty("source").GetString().Should().Be("rtsp");
        camera.GetProperty("stream_quality").GetString().Should().Be("stream2", "SD is the default");
        camera.GetProperty("rtsp_port").GetInt32().Should().Be(554);
        camera.GetProperty("brand").GetString().Should().Be("custom");
        camera.GetProperty("hd_path").GetString().Should().Be("stream1");
        camera.GetProperty("sd_path").GetString().Should().Be("stream2");
        camera.GetProperty("username").GetString().Should().BeEmpty();
        camera.GetProperty("has_password").GetBoolean().Should().BeFalse();
        camera.GetProperty("description").GetString().Should().BeEmpty();
        camera.GetProperty("audio").GetBoolean().Should().BeFalse("audio is off unless asked for");
    }

    [Fact]
    public async Task Pinned_node_round_trips_through_create_get_and_put_and_an_empty_string_unpins()
    {
        JsonElement created = await CreateCameraAsync(new { name = UniqueName(), ip_address = "10.0.0.12", pinned_node = "node-b" });
        int id = created.GetProperty("camera_id").GetInt32();
        created.GetProperty("pinned_node").GetString().Should().Be("node-b");
        (await Client.GetFromJsonAsync<JsonElement>($"/api/cameras/{id}")).GetProperty("pinned_node").GetString().Should().Be("node-b");

        JsonElement kept = await ReadJsonAsync(await PutJsonAsync(id, """{"description":"pin not sent"}"""));
        kept.GetProperty("pinned_node").GetString().Should().Be("node-b", "an omitted pin keeps the stored one");
        JsonElement moved = await ReadJsonAsync(await PutJsonAsync(id, """{"pinned_node":"node-a"}"""));
        moved.GetProperty("pinned_node").GetString().Should().Be("node-a");
        moved.GetProperty("version").GetInt32().Should().Be(3, "a new pin is a change like any other");
        JsonElement automatic = await ReadJsonAsync(await PutJsonAsync(id, """{"pinned_node":""}"""));
        automatic.GetProperty("pinned_node").ValueKind.Should().Be(JsonValueKind.Null);
        (await Client.GetFromJsonAsync<JsonElement>($"/api/cameras/{id}")).GetProperty("pinned_node").ValueKind.Should().Be(JsonValueKind.Null);

        using HttpResponseMessage bad = await PutJsonAsync(id, """{"pinned_node":"Node B"}""");
        (await ReadProblemAsync(bad, 400)).GetProperty("errors").GetProperty("pinned_node")[0].GetString()
            .Should().StartWith("pinned_node must be a node name");
        JsonElement unpinned = await CreateCameraAsync(new { name = UniqueName(), ip_address = "10.0.0.13" });
        unpinned.GetProperty("pinned_node").ValueKind.Should().Be(JsonValueKind.Null, "placement is automatic unless pinned");
    }

    [Fact]
    public async Task Audio_round_trips_through_create_get_list_and_a_put_toggles_it()
    {
        JsonElement created = await CreateCameraAsync(new { name = UniqueName(), ip_address = "10.0.0.11", brand = "reolink", audio = true });
        int id = created.GetProperty("camera_id").GetInt32();
        created.GetProperty("audio").GetBoolean().Should().BeTrue();
        (await Client.GetFromJsonAsync<JsonElement>($"/api/cameras/{id}")).GetProperty("audio").GetBoolean().Should().BeTrue();
        (await Client.GetFromJsonAsync<JsonElement>("/api/cameras"))[0].GetProperty("audio").GetBoolean().Should().BeTrue();
        (await GetService<ICameraStore>().GetStreamSourceAsync(id, default))!.Audio.Should().BeTrue("the streams see the setting");

        JsonElement off = await ReadJsonAsync(await PutJsonAsync(id, """{"audio":false}"""));
        off.GetProperty("audio").GetBoolean().Should().BeFalse();
        off.GetProperty("version").GetInt32().Should().Be(2);
        JsonElement untouched = await ReadJsonAsync(await PutJsonAsync(id, """{"description":"audio not sent","audio":null}"""));
        untouched.GetProperty("audio").GetBoolean().Should().BeFalse("an omitted or null audio keeps the stored value");
        JsonElement on = await ReadJsonAsync(await PutJsonAsync(id, """{"audio":true}"""));
        on.GetProperty("audio").GetBoolean().Should().BeTrue();
        (await Client.GetFromJsonAsync<JsonElement>($"/api/cameras/{id}")).GetProperty("audio").GetBoolean().Should().BeTrue();
        (await GetService<ICameraStore>().GetStreamSourceAsync(id, default))!.Audio.Should().BeTrue();
    }

    [Fact]
    public async Task A_brand_known_to_send_audio_does_not_turn_audio_on_through_the_api()
    {
        // Only the form pre-fills from the preset; an API client gets exactly what it sent, and audio is off by default.
        JsonElement camera = await CreateCameraAsync(new { name = UniqueName(), ip_address = "10.0.0.12", brand = "reolink" });

        camera.GetProperty("audio").GetBoolean().Should().BeFalse();
    }

    [Fact]
    public async Task Create_with_a_brand_uses_the_preset_paths_unless_paths_are_given()
    {
        JsonElement hikvision = await CreateCameraAsync(new { name = UniqueName(), ip_address = "10.0.0.2", brand = "hikvision" });
        hikvision.GetProperty("hd_path").GetString().Should().Be("Streaming/Channels/101");
        hikvision.GetProperty("sd_path").GetString().Should().Be("Streaming/Channels/102");

        JsonElement custom = await CreateCameraAsync(new { name = UniqueName(), ip_address = "10.0.0.3", brand = "Dahua", sd_path = "/my/sub" });
        custom.GetProperty("brand").GetString().Should().Be("dahua", "brand keys are stored in canonical spelling");
        custom.GetProperty("hd_path").GetString().Should().Be("cam/realmonitor?channel=1&subtype=0");
        custom.GetProperty("sd_path").GetString().Should().Be("my/sub", "a leading slash is dropped");
    }

    [Fact]
    public async Task Demo_camera_needs_no_address()
    {
        JsonElement camera = await CreateCameraAsync(new { name = UniqueName("Demo"), source = "demo" });

        camera.GetProperty("source").GetString().Should().Be("demo");
        camera.GetProperty("ip_address").GetString().Should().BeEmpty();
    }

    [Fact]
    public async Task List_returns_every_camera_in_id_order_with_an_idle_status()
    {
        JsonElement first = await CreateCameraAsync(new { name = UniqueName(), ip_address = "10.0.0.4" });
        JsonElement second = await CreateCameraAsync(new { name = UniqueName(), source = "demo" });

        JsonElement list = await Client.GetFromJsonAsync<JsonElement>("/api/cameras");

        list.GetArrayLength().Should().Be(2);
        list[0].GetProperty("camera_id").GetInt32().Should().Be(first.GetProperty("camera_id").GetInt32());
        list[1].GetProperty("camera_id").GetInt32().Should().Be(second.GetProperty("camera_id").GetInt32());
        PropertyNames(list[0]).Should().BeEquivalentTo([.. s_cameraFields, "status"]);
        JsonElement status = list[0].GetProperty("status");
        PropertyNames(status).Should().BeEquivalentTo(s_statusFields);
        status.GetProperty("camera_id").GetInt32().Should().Be(first.GetProperty("camera_id").GetInt32());
        status.GetProperty("is_running").GetBoolean().Should().BeFalse();
        status.GetProperty("viewer_count").GetInt32().Should().Be(0);
        status.GetProperty("stream_type").GetString().Should().Be("webrtc");
        status.GetProperty("last_frame_time").ValueKind.Should().Be(JsonValueKind.Null);
    }

    [Fact]
    public async Task Password_is_write_only_in_every_response()
    {
        string password = "Pw-" + Guid.NewGuid().ToString("N");
        using HttpResponseMessage created = await Client.PostAsJsonAsync("/api/cameras/create", new { name = UniqueName(), ip_address = "10.0.0.5", password });
        string createdBody = await created.Content.ReadAsStringAsync();
        int id = JsonDocument.Parse(createdBody).RootElement.GetProperty("camera_id").GetInt32();
        string getBody = await Client.GetStringAsync($"/api/cameras/{id}");
        string listBody = await Client.GetStringAsync("/api/cameras");
        using HttpResponseMessage updated = await PutJsonAsync(id, $$"""{"description":"x","password":"{{password}}2"}""");
        string updateBody = await updated.Content.ReadAsStringAsync();

        foreach (string body in new[] { createdBody, getBody, listBody, updateBody })
        {
            body.Should().NotContain(password);
            body.Should().NotContain("\"password\"");
            body.Should().Contain("\"has_password\":true");
        }
    }

    [Fact]
    public async Task Update_changes_only_the_fields_that_are_sent()
    {
        JsonElement original = await CreateCameraAsync(new
        {
            name = UniqueName(), ip_address = "10.0.0.6", rtsp_port = 8554, username = "admin", password = "pw",
            stream_quality = "stream1", description = "before", brand = "reolink",
        });
        int id = original.GetProperty("camera_id").GetInt32();

        using HttpResponseMessage response = await PutJsonAsync(id, """{"description":"after"}""");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        JsonElement updated = await ReadJsonAsync(response);
        updated.GetProperty("description").GetString().Should().Be("after");
        updated.GetProperty("version").GetInt32().Should().Be(2);
        updated.GetProperty("created_at").GetDateTimeOffset().Should().Be(original.GetProperty("created_at").GetDateTimeOffset());
        updated.GetProperty("updated_at").GetDateTimeOffset().Should().BeOnOrAfter(original.GetProperty("updated_at").GetDateTimeOffset());
        foreach (string field in s_cameraFields.Except(["description", "version", "updated_at"]))
        {
            updated.GetProperty(field).ToString().Should().Be(original.GetProperty(field).ToString(), $"{field} was not sent");
        }

        JsonElement fetched = await Client.GetFromJsonAsync<JsonElement>($"/api/cameras/{id}");
        fetched.GetProperty("description").GetString().Should().Be("after");
    }

    [Fact]
    public async Task Omitted_or_empty_password_keeps_the_stored_one_and_clear_password_removes_it()
    {
        int id = (await CreateCameraAsync(new { name = UniqueName(), ip_address = "10.0.0.7", username = "u", password = "first" }))
            .GetProperty("camera_id").GetInt32();
        var store = GetService<ICameraStore>();

        (await PutJsonAsync(id, """{"name":null,"username":"u2"}""")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await store.GetStreamSourceAsync(id, default))!.Password.Should().Be("first");
        (await PutJsonAsync(id, """{"password":""}""")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await store.GetStreamSourceAsync(id, default))!.Password.Should().Be("first");

        (await PutJsonAsync(id, """{"password":"second"}""")).StatusCode.Should().Be(HttpStatusCode.OK);
        CameraStreamSource source = (await store.GetStreamSourceAsync(id, default))!;
        source.Password.Should().Be("second");
        source.Username.Should().Be("u2");

        using HttpResponseMessage both = await PutJsonAsync(id, """{"password":"third","clear_password":true}""");
        (await ReadProblemAsync(both, 400)).GetProperty("errors").TryGetProperty("clear_password", out _).Should().BeTrue();

        using HttpResponseMessage cleared = await PutJsonAsync(id, """{"clear_password":true}""");
        (await ReadJsonAsync(cleared)).GetProperty("has_password").GetBoolean().Should().BeFalse();
        (await store.GetStreamSourceAsync(id, default))!.Password.Should().BeEmpty();
    }

    [Fact]
    public async Task Changing_the_brand_switches_to_its_preset_paths()
    {
        int id = (await CreateCameraAsync(new { name = UniqueName(), ip_address = "10.0.0.8" })).GetProperty("camera_id").GetInt32();

        JsonElement updated = await ReadJsonAsync(await PutJsonAsync(id, """{"brand":"uniview"}"""));

        updated.GetProperty("hd_path").GetString().Should().Be("unicast/c1/s0/live");
        updated.GetProperty("sd_path").GetString().Should().Be("unicast/c1/s1/live");
    }

    [Fact]
    public async Task Delete_returns_204_and_the_camera_is_gone()
    {
        int keep = (await CreateCameraAsync(new { name = UniqueName(), source = "demo" })).GetProperty("camera_id").GetInt32();
        int id = (await CreateCameraAsync(new { name = UniqueName(), source = "demo" })).GetProperty("camera_id").GetInt32();

        using HttpResponseMessage deleted = await Client.DeleteAsync($"/api/cameras/{id}");

        deleted.StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await Client.GetAsync($"/api/cameras/{id}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        JsonElement list = await Client.GetFromJsonAsync<JsonElement>("/api/cameras");
        list.EnumerateArray().Select(c => c.GetProperty("camera_id").GetInt32()).Should().Equal(keep);
    }

    [Fact]
    public async Task Unknown_ids_are_404_problems()
    {
        using HttpResponseMessage get = await Client.GetAsync("/api/cameras/4242");
        (await ReadProblemAsync(get, 404)).GetProperty("code").GetString().Should().Be("camera_not_found");
        using HttpResponseMessage put = await PutJsonAsync(4242, """{"description":"x"}""");
        await ReadProblemAsync(put, 404);
        using HttpResponseMessage delete = await Client.DeleteAsync("/api/cameras/4242");
        await ReadProblemAsync(delete, 404);
        using HttpResponseMessage unknownRoute = await Client.GetAsync("/api/nothing-here");
        await ReadProblemAsync(unknownRoute, 404);
    }

    [Fact]
    public async Task Presets_endpoint_lists_the_vendors_with_valid_paths()
    {
        JsonElement presets = await Client.GetFromJsonAsync<JsonElement>("/api/cameras/presets");

        presets.EnumerateArray().Select(p => p.GetProperty("key").GetString())
            .Should().Equal("hikvision", "dahua", "reolink", "axis", "tapo", "uniview", "onvif", "custom");
        foreach (JsonElement preset in presets.EnumerateArray())
        {
            PropertyNames(preset).Should().BeEquivalentTo(["key", "display_name", "hd_path", "sd_path", "rtsp_port", "notes", "audio_typical"]);
            preset.GetProperty("audio_typical").ValueKind.Should().BeOneOf(JsonValueKind.True, JsonValueKind.False, JsonValueKind.Null);
            CameraValidator.ValidatePath(preset.GetProperty("hd_path").GetString()).Should().BeNull();
            CameraValidator.ValidatePath(preset.GetProperty("sd_path").GetString()).Should().BeNull();
        }

        presets.EnumerateArray().Single(p => p.GetProperty("key").GetString() == "reolink").GetProperty("audio_typical").GetBoolean().Should().BeTrue();
        presets.EnumerateArray().Single(p => p.GetProperty("key").GetString() == "hikvision").GetProperty("audio_typical").ValueKind
            .Should().Be(JsonValueKind.Null, "unknown stays null rather than a guess");
    }
}

public sealed class SqliteCameraApiCrudTests() : CameraApiCrudTests(TestDatabase.Sqlite());

[Collection(PostgresServerCollection.Name)]
public sealed class PostgreSqlCameraApiCrudTests(PostgresServer server) : CameraApiCrudTests(TestDatabase.PostgreSql(server));
