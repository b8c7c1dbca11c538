using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CamStudio.Tests.Infrastructure;
using Npgsql;

namespace CamStudio.Tests.Web.Cluster;

/// <summary>
/// <c>Cluster:Enabled=true</c> switched on in the whole app (Program's wiring) on a real PostgreSQL and Redis: the node
/// registers, claims its cameras, names itself in their status, answers <c>/health/ready</c> with <c>cluster_lease</c>
/// and <c>redis</c>, exports its per-node metrics, maps the internal node API (node tokens only), and turns not ready
/// when it can no longer renew its leases.
/// </summary>
[Collection(PostgresServerCollection.Name)]
public sealed class ClusterModeAppTests(PostgresServer postgres)
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_cluster_node_starts_on_PostgreSQL_and_Redis_claims_its_camera_and_reports_its_lease()
    {
        await using var redis = new RedisServer();
        await redis.InitializeAsync();
        string connection = postgres.ConnectionString(PostgresServer.NewDatabaseName());
        await using var relay = new PausableTcpRelay(new NpgsqlConnectionStringBuilder(connection).Port);
        await using var app = new CamStudioAppFactory(Settings(
            new NpgsqlConnectionStringBuilder(connection) { Port = relay.Port, Timeout = 2, CommandTimeout = 2 }.ConnectionString,
            redis.ConnectionString));
        using HttpClient client = app.CreateClient();
        // Readiness is anonymous (probes); the admin's token would be checked against the database the test cuts off.
        using HttpClient probe = app.CreateClient();
        probe.DefaultRequestHeaders.Authorization = null;

        int cameraId = await client.CreateUnreachableCameraAsync();

        await client.WaitForStatusAsync(cameraId, s => s.TryGetProperty("node", out JsonElement node) && node.GetString() == "a",
            s_wait, "the node claims the new camera and names itself in its status");
        (HttpStatusCode code, JsonElement checks) = await ReadyAsync(probe);
        code.Should().Be(HttpStatusCode.OK, checks.ToString());
        checks.GetProperty("cluster_lease").GetProperty("status").GetString().Should().Be("healthy");
        checks.GetProperty("redis").GetProperty("status").GetString().Should().Be("healthy");
        string metrics = await client.GetStringAsync("/metrics");
        metrics.Should().Contain("\ncamstudio_node_info{node=\"a\"} 1\n")
            .And.Contain("\ncamstudio_cluster_leases{node=\"a\"} 1\n")
            .And.Contain("\ncamstudio_cluster_claims_total{node=\"a\"} 1\n")
            .And.Contain("\ncamstudio_cluster_fenced_total{node=\"a\"} 0\n")
            .And.Contain("camstudio_cluster_lease_renew_failures_total{node=\"a\"}");
        using (HttpResponseMessage offer = await client.PostAsJsonAsync($"/internal/cluster/cameras/{cameraId}/offer", new { sdp = "v=0" }))
        {
            offer.StatusCode.Should().Be(HttpStatusCode.Unauthorized, "the internal node API is mapped and takes node tokens only, not the admin's API token");
        }

        // PostgreSQL stops answering this node: past the lease's valid-until it serves nothing and says so.
        relay.Pause();
        await Eventually.WaitUntilAsync(async () =>
        {
            (HttpStatusCode status, JsonElement body) = await ReadyAsync(probe);
            return status == HttpStatusCode.ServiceUnavailable && body.GetProperty("cluster_lease").GetProperty("status").GetString() == "unhealthy";
        }, s_wait, "ready reports the overdue lease renewal with 503");

        relay.Resume();
        await Eventually.WaitUntilAsync(async () => (await ReadyAsync(probe)).Status == HttpStatusCode.OK, s_wait, "ready again once the renewals succeed");
        // Taken back either by a fresh claim (the lease expired meanwhile) or by the renewal that confirms it (it had not).
        await Eventually.WaitUntilAsync(async () => (await client.GetStringAsync("/metrics")).Contains("\ncamstudio_cluster_leases{node=\"a\"} 1\n", StringComparison.Ordinal),
            s_wait, "the only node serves its camera again");
        metrics = await client.GetStringAsync("/metrics");
        metrics.Should().Contain("\ncamstudio_cluster_fenced_total{node=\"a\"} 1\n", "the camera was fenced once, at the valid-until")
            .And.NotContain("camstudio_cluster_lease_renew_failures_total{node=\"a\"} 0\n", "the renewals failed during the cut");
    }

    /// <summary>Lease timings a fifth of production (ClusterTestNode.ShortTimings), so the overdue renewal shows in ~2 s.</summary>
    private static Dictionary<string, string?> Settings(string connectionString, string redis) => new()
    {
        ["Database:Provider"] = "PostgreSQL",
        ["ConnectionStrings:CamStudio"] = connectionString,
        ["Cluster:Enabled"] = "true",
        ["Cluster:NodeName"] = "a",
        ["Cluster:AdvertisedUrl"] = "http://127.0.0.1:5000",
        ["Cluster:Redis"] = redis,
        ["Cluster:ChannelPrefix"] = "camstudio-test-" + Guid.NewGuid().ToString("N")[..8],
        ["Cluster:LeaseTtl"] = "00:00:02",
        ["Cluster:RenewInterval"] = "00:00:00.250",
        ["Cluster:FenceMargin"] = "00:00:00.500",
        ["Cluster:ClaimMargin"] = "00:00:00.250",
        ["WebRtc:AdvertisedAddresses:0"] = "127.0.0.1",
    };

    private static async Task<(HttpStatusCode Status, JsonElement Checks)> ReadyAsync(HttpClient client)
    {
        using HttpResponseMessage response = await client.GetAsync("/health/ready");
        JsonElement body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        return (response.StatusCode, body.GetProperty("checks").Clone());
    }
}
