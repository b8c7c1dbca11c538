using System.Net.Http.Json;
using System.Text.Json;

namespace CamStudio.Tests.Web.Api;

/// <summary>The OpenAPI document describes the real routes and the snake_case wire format.</summary>
public sealed class OpenApiDocumentTests() : CameraApiTestBase(TestDatabase.Sqlite())
{
    [Fact]
    public async Task Document_lists_every_camera_route_with_snake_case_schemas()
    {
        JsonElement document = await Client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        JsonElement paths = document.GetProperty("paths");
        PropertyNames(paths).Should().Contain(["/api/cameras", "/api/cameras/presets", "/api/cameras/{camera_id}", "/api/cameras/create"]);
        PropertyNames(paths.GetProperty("/api/cameras/{camera_id}")).Should().Contain(["get", "put", "delete"]);
        paths.GetProperty("/api/cameras/create").GetProperty("post").GetProperty("operationId").GetString().Should().Be("CreateCamera");

        JsonElement schemas = document.GetProperty("components").GetProperty("schemas");
        JsonElement request = schemas.GetProperty("CameraCreateRequest").GetProperty("properties");
        PropertyNames(request).Should().Contain(["name", "ip_address", "rtsp_port", "stream_quality", "audio", "password"]);
        JsonElement response = schemas.GetProperty("CameraResponse").GetProperty("properties");
        PropertyNames(response).Should().Contain(["has_password", "audio"]).And.NotContain("password");
    }

    [Fact]
    public async Task Document_tells_clients_every_route_needs_a_bearer_api_token()
    {
        JsonElement document = await Client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        JsonElement scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("ApiToken");
        scheme.GetProperty("type").GetString().Should().Be("http");
        scheme.GetProperty("scheme").GetString().Should().Be("bearer");
        document.GetProperty("security").EnumerateArray().SelectMany(PropertyNames)
            .Should().Equal(["ApiToken"], "the requirement applies to the whole API");
    }
}
