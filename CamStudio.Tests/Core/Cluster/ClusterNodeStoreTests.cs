using CamStudio.Core.Cluster;
using CamStudio.Tests.Infrastructure;

namespace CamStudio.Tests.Core.Cluster;

/// <summary>
/// Node names on a real PostgreSQL: a second process with a live node's name is refused with the plan's one-line error,
/// a stopped or expired name is taken over, and renewals move the heartbeat.
/// </summary>
[Collection(PostgresServerCollection.Name)]
public sealed class ClusterNodeStoreTests(PostgresServer server) : IAsyncLifetime
{
    private ClusterDatabaseFixture _db = null!;

    public async Task InitializeAsync() => _db = await ClusterDatabaseFixture.CreateAsync(server);

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private static ClusterNodeRegistration Node(string name, Guid incarnation) =>
        new(name, incarnation, "http://10.213.0.1:5000", "10.213.0.1", 8555, "1.0.0");

    [Fact]
    public async Task A_live_name_is_refused_to_another_process_and_taken_over_once_stopped_or_expired()
    {
        Guid first = Guid.NewGuid(), second = Guid.NewGuid(), third = Guid.NewGuid();
        (await _db.Nodes.TryRegisterAsync(Node("b", first), default)).Should().BeNull();
        (await _db.Nodes.TryRegisterAsync(Node("b", first), default)).Should().BeNull("the same process may register again");

        string? refused = await _db.Nodes.TryRegisterAsync(Node("b", second), default);
        refused.Should().Be("Cluster:NodeName 'b' is live with another process (heartbeat 0 s ago); give this node another name or stop the other one.");

        await _db.Nodes.MarkStoppedAsync("b", first, default);
        (await _db.Nodes.TryRegisterAsync(Node("b", second), default)).Should().BeNull("a stopped node's name is free at once");
        await _db.ExecuteAsync("UPDATE cluster_nodes SET heartbeat_at = now() - interval '12 seconds', expires_at = now() - interval '2 seconds'");
        (await _db.Nodes.TryRegisterAsync(Node("b", third), default)).Should().BeNull("an expired node's name is free");
        (await _db.Nodes.TryRegisterAsync(Node("b", second), default)).Should().StartWith("Cluster:NodeName 'b' is live");

        ClusterNode row = (await _db.Nodes.ListAsync(default)).Should().ContainSingle().Subject;
        (row.Incarnation, row.StoppedAt, row.AdvertisedUrl, row.UdpPort).Should().Be((third, null, "http://10.213.0.1:5000", 8555));
    }

    [Fact]
    public async Task The_refusal_names_how_long_ago_the_holder_last_renewed()
    {
        await _db.Nodes.TryRegisterAsync(Node("a", Guid.NewGuid()), default);
        await _db.ExecuteAsync("UPDATE cluster_nodes SET heartbeat_at = now() - interval '2 seconds'");

        (await _db.Nodes.TryRegisterAsync(Node("a", Guid.NewGuid()), default)).Should().Contain("(heartbeat 2 s ago)");
    }

    [Fact]
    public async Task Renewing_the_leases_moves_the_nodes_heartbeat_and_expiry_but_not_a_stopped_nodes()
    {
        Guid incarnation = Guid.NewGuid();
        await _db.Nodes.TryRegisterAsync(Node("a", incarnation), default);
        await _db.ExecuteAsync("UPDATE cluster_nodes SET heartbeat_at = now() - interval '5 seconds', expires_at = now() + interval '5 seconds'");

        await _db.Leases.RenewAsync("a", incarnation, default);

        ClusterNode renewed = (await _db.Nodes.ListAsync(default)).Single();
        (renewed.ExpiresAt - renewed.HeartbeatAt).Should().Be(TimeSpan.FromSeconds(10), "both are set from one now() + LeaseTtl");
        (DateTime.UtcNow - renewed.HeartbeatAt).Duration().Should().BeLessThan(TimeSpan.FromMinutes(1), "sanity: the heartbeat is current");

        await _db.Nodes.MarkStoppedAsync("a", incarnation, default);
        await _db.Leases.RenewAsync("a", incarnation, default);
        ClusterNode stopped = (await _db.Nodes.ListAsync(default)).Single();
        stopped.StoppedAt.Should().NotBeNull();
        stopped.ExpiresAt.Should().Be(stopped.StoppedAt!.Value, "a late renew does not bring a stopped node back");
    }
}
