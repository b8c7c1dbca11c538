using CamStudio.Core.Cluster;
using CamStudio.Tests.Infrastructure;

namespace CamStudio.Tests.Core.Cluster;

/// <summary>
/// The lease SQL of cluster-plan.md §1.1 on a real PostgreSQL: the properties the "never pulled by two nodes" promise
/// rests on. Expiry is simulated by moving <c>expires_at</c> on the database clock, never by waiting.
/// </summary>
[Collection(PostgresServerCollection.Name)]
public sealed class CameraLeaseStoreTests(PostgresServer server) : IAsyncLifetime
{
    private static readonly Guid s_a = Guid.NewGuid();
    private static readonly Guid s_b = Guid.NewGuid();
    private ClusterDatabaseFixture _db = null!;

    private CameraLeaseStore Leases => _db.Leases;

    public async Task InitializeAsync() => _db = await ClusterDatabaseFixture.CreateAsync(server);

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task Every_camera_gets_one_unowned_row_once()
    {
        int porch = await _db.AddCameraAsync("Porch");
        int yard = await _db.AddCameraAsync("Yard");

        (await Leases.EnsureRowsAsync(default)).Should().Be(2);
        (await Leases.EnsureRowsAsync(default)).Should().Be(0, "existing rows are kept");

        LeaseSnapshot snapshot = await Leases.ListAsync(default);
        snapshot.Leases.Select(l => (l.CameraId, l.NodeName, l.FencingToken)).Should().Equal((porch, null, 0L), (yard, (string?)null, 0L));
        snapshot.DatabaseNow.Kind.Should().Be(DateTimeKind.Utc);
    }

    [Fact]
    public async Task Twenty_parallel_claimers_of_one_camera_make_exactly_one_owner_and_the_token_grows_by_one()
    {
        int camera = await _db.AddCameraAsync("Porch");
        await Leases.EnsureRowsAsync(default);

        long?[] first = await ClaimTogetherAsync(camera, 20);
        first.Where(t => t is not null).Should().Equal([1L], "one claim wins, with token 0 + 1");
        CameraLease owned = await _db.LeaseAsync(camera);
        owned.NodeName.Should().Be($"node-{Array.FindIndex(first, t => t is not null)}");
        (await ClaimTogetherAsync(camera, 20)).Should().OnlyContain(t => t == null, "a live lease cannot be claimed");

        await ExpireAsync(camera, TimeSpan.FromSeconds(5));
        long?[] second = await ClaimTogetherAsync(camera, 20);
        second.Where(t => t is not null).Should().Equal([2L], "after expiry again exactly one, with the next token");
    }

    [Fact]
    public async Task An_expired_lease_is_claimable_only_after_the_claim_margin()
    {
        int camera = await _db.AddCameraAsync("Porch");
        await Leases.EnsureRowsAsync(default);
        (await Leases.TryClaimAsync(camera, "a", s_a, default)).Should().Be(1);

        await ExpireAsync(camera, TimeSpan.FromSeconds(0.1));
        (await Leases.TryClaimAsync(camera, "b", s_b, default)).Should().BeNull("0.1 s past expiry is inside the 0.5 s margin");
        await ExpireAsync(camera, TimeSpan.FromSeconds(1));
        (await Leases.TryClaimAsync(camera, "b", s_b, default)).Should().Be(2);
        (await _db.LeaseAsync(camera)).Incarnation.Should().Be(s_b);
    }

    [Fact]
    public async Task Renew_extends_only_this_incarnations_live_leases()
    {
        int porch = await _db.AddCameraAsync("Porch");
        int yard = await _db.AddCameraAsync("Yard");
        int gate = await _db.AddCameraAsync("Gate");
        await Leases.EnsureRowsAsync(default);
        await Leases.TryClaimAsync(porch, "a", s_a, default);
        await Leases.TryClaimAsync(yard, "a", s_a, default);
        await Leases.TryClaimAsync(gate, "b", s_b, default);
        await _db.ExecuteAsync($"UPDATE camera_leases SET expires_at = now() + interval '1 second' WHERE camera_id = {porch}");

        IReadOnlyList<HeldLease> renewed = await Leases.RenewAsync("a", s_a, default);

        renewed.OrderBy(l => l.CameraId).Should().Equal(new HeldLease(porch, 1), new HeldLease(yard, 1));
        LeaseSnapshot snapshot = await Leases.ListAsync(default);
        CameraLease porchLease = snapshot.Leases.Single(l => l.CameraId == porch);
        (porchLease.ExpiresAt - snapshot.DatabaseNow).Should().BeCloseTo(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(1),
            "renewal sets expiry to the database's now + LeaseTtl");
        (await Leases.RenewAsync("a", Guid.NewGuid(), default)).Should().BeEmpty("a restarted process does not adopt its old leases");
        (await Leases.RenewAsync("b", s_b, default)).Should().Equal(new HeldLease(gate, 1));
    }

    [Fact]
    public async Task An_expired_lease_is_not_revived_by_a_late_renew()
    {
        int camera = await _db.AddCameraAsync("Porch");
        await Leases.EnsureRowsAsync(default);
        await Leases.TryClaimAsync(camera, "a", s_a, default);
        await ExpireAsync(camera, TimeSpan.FromMilliseconds(1));

        (await Leases.RenewAsync("a", s_a, default)).Should().BeEmpty("the holder must fence: someone may claim it any moment");
        LeaseSnapshot snapshot = await Leases.ListAsync(default);
        snapshot.Leases[0].ExpiresAt.Should().BeBefore(snapshot.DatabaseNow, "the row was not extended");
    }

    [Fact]
    public async Task Release_frees_the_camera_at_once_but_only_for_the_holder()
    {
        int camera = await _db.AddCameraAsync("Porch");
        await Leases.EnsureRowsAsync(default);
        await Leases.TryClaimAsync(camera, "a", s_a, default);

        (await Leases.ReleaseAsync(camera, "b", s_b, default)).Should().BeFalse();
        (await Leases.ReleaseAsync(camera, "a", Guid.NewGuid(), default)).Should().BeFalse("another incarnation of a does not hold it");
        (await _db.LeaseAsync(camera)).NodeName.Should().Be("a");

        (await Leases.ReleaseAsync(camera, "a", s_a, default)).Should().BeTrue();
        CameraLease released = await _db.LeaseAsync(camera);
        (released.NodeName, released.Incarnation, released.FencingToken).Should().Be((null, null, 1L));
        (await Leases.TryClaimAsync(camera, "b", s_b, default)).Should().Be(2, "a released lease needs no claim margin");
        (await Leases.RenewAsync("a", s_a, default)).Should().BeEmpty();
    }

    [Fact]
    public async Task Deleting_a_camera_deletes_its_lease_and_the_holder_sees_it_lost()
    {
        int porch = await _db.AddCameraAsync("Porch");
        int yard = await _db.AddCameraAsync("Yard");
        await Leases.EnsureRowsAsync(default);
        await Leases.TryClaimAsync(porch, "a", s_a, default);
        await Leases.TryClaimAsync(yard, "a", s_a, default);

        await _db.ExecuteAsync($"DELETE FROM cameras WHERE camera_id = {porch}");

        (await Leases.ListAsync(default)).Leases.Select(l => l.CameraId).Should().Equal(yard);
        (await Leases.RenewAsync("a", s_a, default)).Should().Equal(new HeldLease(yard, 1));
        (await Leases.TryClaimAsync(porch, "b", s_b, default)).Should().BeNull("there is nothing left to claim");
    }

    private Task ExpireAsync(int cameraId, TimeSpan ago) => _db.ExecuteAsync(FormattableString.Invariant(
        $"UPDATE camera_leases SET expires_at = now() - make_interval(secs => {ago.TotalSeconds}) WHERE camera_id = {cameraId}"));

    /// <summary>N claimers, each its own node (pool) and incarnation, released at once; their tokens in claimer order.</summary>
    private async Task<long?[]> ClaimTogetherAsync(int cameraId, int count)
    {
        CameraLeaseStore[] nodes = await Task.WhenAll(Enumerable.Range(0, count).Select(_ => _db.CreateNodeLeaseStoreAsync()));
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task<long?>[] claims = [.. nodes.Select(async (node, i) =>
        {
            await go.Task;
            return await node.TryClaimAsync(cameraId, $"node-{i}", Guid.NewGuid(), default);
        })];
        go.SetResult();
        return await Task.WhenAll(claims);
    }
}
