using System.Text.Json;

namespace CamStudio.Web.Cluster;

/// <summary>The JSON of every Redis message: snake_case like the public API, readable with <c>redis-cli</c>.</summary>
internal static class ClusterJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };
}
