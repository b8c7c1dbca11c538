using System.Net;
using System.Text;
using System.Text.Json;
using CamStudio.Tests.Infrastructure;
using FluentAssertions.Execution;

namespace CamStudio.Tests.Web.Api;

/// <summary>Bad input is a 400 problem naming the field; bad bodies never become 500s.</summary>
public abstract class CameraApiValidationTests(TestDatabase database) : CameraApiTestBase(database)
{
    /// <summary>(what is wrong, request body, the field the problem must name).</summary>
    public static readonly (string Case, string Json, string Field)[] BadCreates =
    [
        ("empty name", """{"name":"","ip_address":"10.0.0.1"}""", "name"),
        ("missing name", """{"ip_address":"10.0.0.1"}""", "name"),
        ("blank name", """{"name":"   ","ip_address":"10.0.0.1"}""", "name"),
        ("name over 100 chars", $$"""{"name":"{{new string('n', 101)}}","ip_address":"10.0.0.1"}""", "name"),
        ("name with a line break", """{"name":"a\nb","ip_address":"10.0.0.1"}""", "name"),
        ("name of the wrong JSON type", """{"name":5,"ip_address":"10.0.0.1"}""", "name"),
        ("missing address", """{"name":"n"}""", "ip_address"),
        ("address with scheme", """{"name":"n","ip_address":"rtsp://10.0.0.1"}""", "ip_address"),
        ("address with path", """{"name":"n","ip_address":"10.0.0.1/live"}""", "ip_address"),
        ("address with credentials", """{"name":"n","ip_address":"admin@10.0.0.1"}""", "ip_address"),
        ("address with a space", """{"name":"n","ip_address":"10.0.0 .1"}""", "ip_address"),
        ("IPv4 octet over 255", """{"name":"n","ip_address":"256.1.1.1"}""", "ip_address"),
        ("IPv4 shorthand", """{"name":"n","ip_address":"10.1"}""", "ip_address"),
        ("IPv4 leading zeros", """{"name":"n","ip_address":"192.168.001.010"}""", "ip_address"),
        ("address with a port", """{"name":"n","ip_address":"10.0.0.1:554"}""", "ip_address"),
        ("IPv6 in brackets", """{"name":"n","ip_address":"[::1]"}""", "ip_address"),
        ("malformed IPv6", """{"name":"n","ip_address":"fe80::1::2"}""", "ip_address"),
        ("host name with underscore", """{"name":"n","ip_address":"cam_1.local"}""", "ip_address"),
        ("host name starting with '-'", """{"name":"n","ip_address":"-cam.local"}""", "ip_address"),
        ("host label over 63 chars", $$"""{"name":"n","ip_address":"{{new string('a', 64)}}.lan"}""", "ip_address"),
        ("host name over 253 chars", $$"""{"name":"n","ip_address":"{{string.Join('.', Enumerable.Repeat(new string('a', 50), 5))}}.lan"}""", "ip_address"),
        ("port 0", """{"name":"n","ip_address":"10.0.0.1","rtsp_port":0}""", "rtsp_port"),
        ("port 65536", """{"name":"n","ip_address":"10.0.0.1","rtsp_port":65536}""", "rtsp_port"),
        ("port as text", """{"name":"n","ip_address":"10.0.0.1","rtsp_port":"abc"}""", "rtsp_port"),
        ("unknown quality", """{"name":"n","ip_address":"10.0.0.1","stream_quality":"stream3"}""", "stream_quality"),
        ("quality as a number", """{"name":"n","ip_address":"10.0.0.1","stream_quality":1}""", "stream_quality"),
        ("unknown source", """{"name":"n","ip_address":"10.0.0.1","source":"usb"}""", "source"),
        ("unknown brand", """{"name":"n","ip_address":"10.0.0.1","brand":"acme"}""", "brand"),
        ("path with a space", """{"name":"n","ip_address":"10.0.0.1","hd_path":"a b"}""", "hd_path"),
        ("path with '..'", """{"name":"n","ip_address":"10.0.0.1","hd_path":"../etc/passwd"}""", "hd_path"),
        ("empty path", """{"name":"n","ip_address":"10.0.0.1","hd_path":""}""", "hd_path"),
        ("path starting with '-'", """{"name":"n","ip_address":"10.0.0.1","sd_path":"-vf x"}""", "sd_path"),
        ("path over 256 chars", $$"""{"name":"n","ip_address":"10.0.0.1","sd_path":"{{new string('p', 257)}}"}""", "sd_path"),
        ("bad percent escape", """{"name":"n","ip_address":"10.0.0.1","sd_path":"a%zz"}""", "sd_path"),
        ("username with a line break", """{"name":"n","ip_address":"10.0.0.1","username":"a\r\nb"}""", "username"),
        ("password over 128 chars", $$"""{"name":"n","ip_address":"10.0.0.1","password":"{{new string('p', 129)}}"}""", "password"),
        ("password with NUL", """{"name":"n","ip_address":"10.0.0.1","password":"a\u0000b"}""", "password"),
        ("audio as text", """{"name":"n","ip_address":"10.0.0.1","audio":"yes"}""", "audio"),
        ("audio as a number", """{"name":"n","ip_address":"10.0.0.1","audio":1}""", "audio"),
        ("description over 1000 chars", $$"""{"name":"n","ip_address":"10.0.0.1","description":"{{new string('d', 1001)}}"}""", "description"),
    ];

    public static readonly (string Case, string Json, string StoredAddress)[] GoodCreates =
    [
        ("IPv4", """{"ip_address":"192.168.1.64"}""", "192.168.1.64"),
        ("IPv6", """{"ip_address":"2001:db8::10"}""", "2001:db8::10"),
        ("IPv6 link-local", """{"ip_address":"fe80::1"}""", "fe80::1"),
        ("host name", """{"ip_address":"cam-1.example.lan"}""", "cam-1.example.lan"),
        ("single-label host", """{"ip_address":"CAMERA"}""", "CAMERA"),
        ("surrounding spaces", """{"ip_address":" 10.0.0.9 "}""", "10.0.0.9"),
        ("port bounds", """{"ip_address":"10.0.0.1","rtsp_port":65535}""", "10.0.0.1"),
        ("query path", """{"ip_address":"10.0.0.1","hd_path":"cam/realmonitor?channel=1&subtype=0"}""", "10.0.0.1"),
    ];

    [Fact]
    public async Task Every_bad_input_is_a_400_problem_naming_its_field()
    {
        BadCreates.Length.Should().BeGreaterThanOrEqualTo(20);
        using var scope = new AssertionScope();
        foreach ((string @case, string json, string field) in BadCreates)
        {
            using HttpResponseMessage response = await PostJsonAsync(json);
            string body = await response.Content.ReadAsStringAsync();
            ((int)response.StatusCode).Should().Be(400, $"{@case}: {body}");
            response.Content.Headers.ContentType?.MediaType.Should().Be("application/problem+json", @case);
            if (response.StatusCode == HttpStatusCode.BadRequest)
            {
                JsonElement errors = JsonDocument.Parse(body).RootElement.GetProperty("errors");
                errors.TryGetProperty(field, out JsonElement messages).Should().BeTrue($"{@case} must name {field}: {body}");
                if (messages.ValueKind == JsonValueKind.Array)
                {
                    messages[0].GetString().Should().NotBeNullOrWhiteSpace(@case);
                }
            }
        }

        (await ReadJsonAsync(await Client.GetAsync("/api/cameras"))).GetArrayLength().Should().Be(0, "nothing invalid was stored");
    }

    [Fact]
    public async Task Valid_edge_inputs_are_accepted()
    {
        using var scope = new AssertionScope();
        foreach ((string @case, string json, string stored) in GoodCreates)
        {
            string named = json.Insert(1, $"\"name\":\"{UniqueName()}\",");
            using HttpResponseMessage response = await PostJsonAsync(named);
            string body = await response.Content.ReadAsStringAsync();
            ((int)response.StatusCode).Should().Be(201, $"{@case}: {body}");
            if (response.StatusCode == HttpStatusCode.Created)
            {
                JsonDocument.Parse(body).RootElement.GetProperty("ip_address").GetString().Should().Be(stored, @case);
            }
        }
    }

    [Fact]
    public async Task Invalid_update_is_refused_and_changes_nothing()
    {
        int id = (await CreateCameraAsync(new { name = UniqueName(), ip_address = "10.0.0.1" })).GetProperty("camera_id").GetInt32();

        using HttpResponseMessage response = await PutJsonAsync(id, """{"ip_address":"not a host","rtsp_port":70000,"description":"changed"}""");

        JsonElement errors = (await ReadProblemAsync(response, 400)).GetProperty("errors");
        PropertyNames(errors).Should().BeEquivalentTo(["ip_address", "rtsp_port"]);
        JsonElement stored = await ReadJsonAsync(await Client.GetAsync($"/api/cameras/{id}"));
        stored.GetProperty("description").GetString().Should().BeEmpty();
        stored.GetProperty("version").GetInt32().Should().Be(1);
    }

    [Theory]
    [InlineData("\"true\"")]
    [InlineData("1")]
    [InlineData("\"on\"")]
    [InlineData("[]")]
    public async Task A_non_boolean_audio_is_a_400_saying_true_or_false_on_create_and_update(string value)
    {
        using HttpResponseMessage create = await PostJsonAsync($$"""{"name":"{{UniqueName()}}","ip_address":"10.0.0.1","audio":{{value}}}""");
        JsonElement createProblem = await ReadProblemAsync(create, 400);
        createProblem.GetProperty("code").GetString().Should().Be("invalid_request");
        createProblem.GetProperty("errors").GetProperty("audio")[0].GetString().Should().Be("audio must be true or false.");

        int id = (await CreateCameraAsync(new { name = UniqueName(), ip_address = "10.0.0.1" })).GetProperty("camera_id").GetInt32();
        using HttpResponseMessage update = await PutJsonAsync(id, $$"""{"audio":{{value}}}""");
        (await ReadProblemAsync(update, 400)).GetProperty("errors").GetProperty("audio")[0].GetString().Should().Be("audio must be true or false.");
        (await ReadJsonAsync(await Client.GetAsync($"/api/cameras/{id}"))).GetProperty("version").GetInt32().Should().Be(1, "nothing was saved");
    }

    [Fact]
    public async Task Switching_a_demo_camera_to_rtsp_requires_an_address()
    {
        int id = (await CreateCameraAsync(new { name = UniqueName(), source = "demo" })).GetProperty("camera_id").GetInt32();

        using HttpResponseMessage response = await PutJsonAsync(id, """{"source":"rtsp"}""");

        (await ReadProblemAsync(response, 400)).GetProperty("errors").TryGetProperty("ip_address", out _).Should().BeTrue();
    }

    [Theory]
    [InlineData("""{"name":""", "truncated")]
    [InlineData("""{"name":"a",}""", "trailing comma")]
    [InlineData("not json at all", "plain text")]
    [InlineData("[1,2,3]", "array instead of object")]
    [InlineData("", "empty body")]
    public async Task Malformed_json_is_a_400_problem_not_a_500(string json, string because)
    {
        using HttpResponseMessage response = await PostJsonAsync(json);

        JsonElement problem = await ReadProblemAsync(response, 400);
        problem.GetProperty("errors").TryGetProperty("body", out _).Should().BeTrue(because);
    }

    [Fact]
    public async Task Wrong_content_type_is_a_415_problem()
    {
        using HttpResponseMessage response = await Client.PostAsync(
            "/api/cameras/create", new StringContent("""{"name":"n"}""", Encoding.UTF8, "text/plain"));

        await ReadProblemAsync(response, 415);
    }

    [Fact]
    public async Task Oversized_bodies_are_rejected_with_413_with_or_without_content_length()
    {
        string huge = $$"""{"name":"n","ip_address":"10.0.0.1","description":"{{new string('d', 70 * 1024)}}"}""";

        using HttpResponseMessage sized = await PostJsonAsync(huge);
        JsonElement problem = await ReadProblemAsync(sized, 413);
        problem.GetProperty("detail").GetString().Should().Contain("65536");

        var chunked = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(huge)));
        chunked.Headers.ContentType = new("application/json");
        chunked.Headers.ContentLength = null;
        using HttpResponseMessage unsized = await Client.PostAsync("/api/cameras/create", chunked);
        await ReadProblemAsync(unsized, 413);

        using HttpResponseMessage put = await PutJsonAsync(1, huge);
        await ReadProblemAsync(put, 413);
        (await ReadJsonAsync(await Client.GetAsync("/api/cameras"))).GetArrayLength().Should().Be(0);
    }
}

public sealed class SqliteCameraApiValidationTests() : CameraApiValidationTests(TestDatabase.Sqlite());

[Collection(PostgresServerCollection.Name)]
public sealed class PostgreSqlCameraApiValidationTests(PostgresServer server) : CameraApiValidationTests(TestDatabase.PostgreSql(server));
