using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CamStudio.Tests.Infrastructure;
using CamStudio.Web.Cluster;

namespace CamStudio.Tests.Web.Cluster;

/// <summary>
/// The whole app with only its Redis side (AddClusterRedis, with Cluster:Enabled unset and a single node's ownership;
/// the whole cluster mode: <see cref="ClusterModeAppTests"/>): <c>/health/ready</c> and <c>/metrics</c> follow the Redis
/// connection, a Redis outage is Degraded (200) rather than 503, the app keeps serving, and statuses name the node.
/// </summary>
public sealed class ClusterRedisReadyTests
{
    [Fact]
    public async Task Redis_stopped_makes_ready_Degraded_with_200_and_the_app_keeps_serving()
    {
        await using var redis = new RedisServer();
        await redis.InitializeAsync();
        await using var app = new CamStudioAppFactory(new Dictionary<string, string?>
        {
            ["Cluster:NodeName"] = "a",
            ["Cluster:Redis"] = redis.ConnectionString,
            ["Cluster:ChannelPrefix"] = "camstudio-test-" + Guid.NewGuid().ToString("N")[..8],
        }, services => services.AddClusterRedis());
        using HttpClient client = app.CreateClient();
        int cameraId = await client.CreateUnreachableCameraAsync();

        await Eventually.WaitUntilAsync(async () => await RedisCheckAsync(client) == (HttpStatusCode.OK, "healthy"),
            TimeSpan.FromSeconds(10), "ready reports Redis healthy");
        (await client.GetStringAsync("/metrics")).Should().Contain("\ncamstudio_redis_connected 1\n");
        JsonElement status = await client.GetStatusAsync(cameraId);
        status.GetProperty("node").GetString().Should().Be("a", "in cluster mode a status names the node serving the camera");

        await redis.StopAsync();

        await Eventually.WaitUntilAsync(async () => await RedisCheckAsync(client) == (HttpStatusCode.OK, "degraded"),
            TimeSpan.FromSeconds(10), "ready reports Redis degraded, still with 200");
        using (HttpResponseMessage ready = await client.GetAsync("/health/ready"))
        {
            JsonElement body = JsonDocument.Parse(await ready.Content.ReadAsStringAsync()).RootElement;
            body.GetProperty("status").GetString().Should().Be("degraded");
            body.GetProperty("checks").GetProperty("database").GetProperty("status").GetString().Should().Be("healthy");
        }

        (await client.GetStringAsync("/metrics")).Should().Contain("\ncamstudio_redis_connected 0\n");
        using HttpResponseMessage cameras = await client.GetAsync("/api/cameras");
        cameras.StatusCode.Should().Be(HttpStatusCode.OK, "a Redis outage does not stop the node serving its API");
        (await client.GetStatusAsync(cameraId)).GetProperty("node").GetString().Should().Be("a", "its own cameras need no Redis");
    }

    [Fact]
    public async Task A_single_node_has_no_redis_check_metric_or_node()
    {
        await using var app = new CamStudioAppFactory();
        using HttpClient client = app.CreateClient();
        int cameraId = await client.CreateUnreachableCameraAsync();

        string ready = await client.GetStringAsync("/health/ready");
        JsonDocument.Parse(ready).RootElement.GetProperty("checks").TryGetProperty("redis", out _).Should().BeFalse(ready);
        (await client.GetStringAsync("/metrics")).Should().NotContain("camstudio_redis_connected");
        JsonElement status = await client.GetStatusAsync(cameraId);
        (!status.TryGetProperty("node", out JsonElement node) || node.ValueKind == JsonValueKind.Null).Should().BeTrue(status.ToString());
    }

    private static async Task<(HttpStatusCode, string?)> RedisCheckAsync(HttpClient client)
    {
        using HttpResponseMessage response = await client.GetAsync("/health/ready");
        JsonElement body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        return (response.StatusCode, body.GetProperty("checks").TryGetProperty("redis", out JsonElement check)
            ? check.GetProperty("status").GetString()
            : null);
    }
}
