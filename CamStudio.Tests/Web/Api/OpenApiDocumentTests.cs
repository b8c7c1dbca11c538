using System.Net.Http.Json;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using CamStudio.Web.Api;

namespace CamStudio.Tests.Web.Api;

/// <summary>
/// The OpenAPI document describes the real routes and the snake_case wire format. The app serves a checked-in copy
/// (CamStudio.Web/Api/openapi-v1.json) instead of running the generator; it must equal what the generator makes now.
/// </summary>
public sealed class OpenApiDocumentTests() : CameraApiTestBase(TestDatabase.Sqlite())
{
    /// <summary>Set to 1 (scripts/openapi-document.sh does) to rewrite the checked-in document from the generator.</summary>
    private const string WriteVariable = "CAMSTUDIO_WRITE_OPENAPI";

    [Fact]
    public async Task Checked_in_document_is_what_the_generator_makes_from_the_routes_now()
    {
        await using var generating = new CamStudioAppFactory(new Dictionary<string, string?> { [CameraApiDocument.GenerateAtRunTimeKey] = "true" });
        using HttpClient client = generating.CreateClient();
        string generated = Normalize(await client.GetStringAsync(CameraApiDocument.DocumentPath));
        if (Environment.GetEnvironmentVariable(WriteVariable) == "1")
        {
            await File.WriteAllTextAsync(Path.Combine(RepositoryPaths.Root, "CamStudio.Web", "Api", "openapi-v1.json"), generated);
            return;
        }

        string served = await Client.GetStringAsync(CameraApiDocument.DocumentPath);
        served.Should().Be(Encoding.UTF8.GetString(CameraApiDocument.CheckedIn.Span), "the app serves the checked-in document as is");
        Normalize(served).Should().Be(generated,
            "an API change needs the document regenerated: run scripts/openapi-document.sh and commit CamStudio.Web/Api/openapi-v1.json");
    }

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

    /// <summary>
    /// Indented, with a final newline, and without <c>servers</c>: the generator lists the address the request came in
    /// on, which is the test host's here and the installation's in real life; clients resolve the paths against the
    /// address they fetched the document from.
    /// </summary>
    private static string Normalize(string json)
    {
        JsonObject document = JsonNode.Parse(json)!.AsObject();
        document.Remove("servers");
        return document.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping })
            .ReplaceLineEndings("\n") + "\n";
    }
}
