using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace CamStudio.Core.Cluster;

/// <summary>
/// Camera leases in PostgreSQL rows (cluster-plan.md §1.1): one row per camera, every comparison on the database clock
/// (<c>now()</c>), so nodes need no synchronised clocks. Claims are a single conditional UPDATE: under READ COMMITTED a
/// concurrent claimer blocks on the row and re-checks the WHERE after the first commits, so exactly one wins and the
/// fencing token grows by one per claim. Renewal is one statement for all of a node's cameras (and its heartbeat); a
/// camera missing from its result is lost and must be fenced at once.
/// </summary>
public sealed class CameraLeaseStore(ClusterDatabase database, IOptions<ClusterOptions> options)
{
    private readonly ClusterOptions _options = options.Value;

    /// <summary>Creates the unowned rows of cameras that have none yet (cameras created before, or by a node that died).</summary>
    /// <returns>How many rows were added.</returns>
    public async Task<int> EnsureRowsAsync(CancellationToken cancellationToken)
    {
        await using NpgsqlCommand command = database.DataSource.CreateCommand("""
            INSERT INTO camera_leases (camera_id, node_name, incarnation, fencing_token, acquired_at, expires_at)
            SELECT camera_id, NULL, NULL, 0, NULL, now() FROM cameras
            ON CONFLICT (camera_id) DO NOTHING
            """);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Takes the camera's lease if it is unowned or expired for longer than <c>ClaimMargin</c>.
    /// </summary>
    /// <returns>The new fencing token, or null when another node holds the lease (or the camera is gone).</returns>
    public async Task<long?> TryClaimAsync(int cameraId, string nodeName, Guid incarnation, CancellationToken cancellationToken)
    {
        await using NpgsqlCommand command = database.DataSource.CreateCommand("""
            UPDATE camera_leases
            SET node_name = $1, incarnation = $2, fencing_token = fencing_token + 1, acquired_at = now(), expires_at = now() + $3
            WHERE camera_id = $4 AND (node_name IS NULL OR expires_at < now() - $5)
            RETURNING fencing_token
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = nodeName });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = incarnation });
        command.Parameters.Add(Interval(_options.LeaseTtl));
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = cameraId });
        command.Parameters.Add(Interval(_options.ClaimMargin));
        object? token = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return token is long value ? value : null;
    }

    /// <summary>
    /// Extends every live lease of this node incarnation by <c>LeaseTtl</c> and its heartbeat, in one statement. A lease
    /// that already expired is not revived (someone may have claimed it, or may at any moment).
    /// </summary>
    /// <returns>The cameras this node still holds, with their tokens.</returns>
    public async Task<IReadOnlyList<HeldLease>> RenewAsync(string nodeName, Guid incarnation, CancellationToken cancellationToken)
    {
        await using NpgsqlCommand command = database.DataSource.CreateCommand("""
            WITH node AS (
                UPDATE cluster_nodes SET heartbeat_at = now(), expires_at = now() + $3
                WHERE node_name = $1 AND incarnation = $2 AND stopped_at IS NULL)
            UPDATE camera_leases SET expires_at = now() + $3
            WHERE node_name = $1 AND incarnation = $2 AND expires_at > now()
            RETURNING camera_id, fencing_token
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = nodeName });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = incarnation });
        command.Parameters.Add(Interval(_options.LeaseTtl));
        var held = new List<HeldLease>();
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            held.Add(new HeldLease(reader.GetInt32(0), reader.GetInt64(1)));
        }

        return held;
    }

    /// <summary>
    /// Gives the lease up so another node may claim it at once. Call only <b>after</b> the camera's streams stopped.
    /// </summary>
    /// <returns>False when this incarnation did not hold it (nothing changed).</returns>
    public async Task<bool> ReleaseAsync(int cameraId, string nodeName, Guid incarnation, CancellationToken cancellationToken)
    {
        await using NpgsqlCommand command = database.DataSource.CreateCommand("""
            UPDATE camera_leases SET node_name = NULL, incarnation = NULL, expires_at = now()
            WHERE camera_id = $1 AND node_name = $2 AND incarnation = $3
            """);
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = cameraId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = nodeName });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = incarnation });
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <summary>Every lease row and the database's clock, read in one statement (placement and the Status page).</summary>
    public async Task<LeaseSnapshot> ListAsync(CancellationToken cancellationToken)
    {
        await using NpgsqlCommand command = database.DataSource.CreateCommand("""
            SELECT camera_id, node_name, incarnation, fencing_token, acquired_at, expires_at, now()
            FROM camera_leases ORDER BY camera_id
            """);
        var leases = new List<CameraLease>();
        DateTime now = default;
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            leases.Add(new CameraLease
            {
                CameraId = reader.GetInt32(0),
                // GetValue hands back DBNull for a null column: the patterns below map it to null without a second call.
                NodeName = reader.GetValue(1) as string,
                Incarnation = reader.GetValue(2) is Guid incarnation ? incarnation : null,
                FencingToken = reader.GetInt64(3),
                AcquiredAt = reader.GetValue(4) is DateTime acquired ? acquired : null,
                ExpiresAt = reader.GetDateTime(5),
            });
            now = reader.GetDateTime(6);
        }

        if (leases.Count == 0)
        {
            now = await DatabaseNowAsync(cancellationToken).ConfigureAwait(false);
        }

        return new LeaseSnapshot(leases, now);
    }

    /// <summary>The cameras pinned to a node (<c>cameras.pinned_node</c>), for placement; unpinned cameras are absent.</summary>
    public async Task<IReadOnlyDictionary<int, string>> ListPinsAsync(CancellationToken cancellationToken)
    {
        await using NpgsqlCommand command = database.DataSource.CreateCommand(
            "SELECT camera_id, pinned_node FROM cameras WHERE pinned_node IS NOT NULL");
        var pins = new Dictionary<int, string>();
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            pins[reader.GetInt32(0)] = reader.GetString(1);
        }

        return pins;
    }

    private async Task<DateTime> DatabaseNowAsync(CancellationToken cancellationToken)
    {
        await using NpgsqlCommand command = database.DataSource.CreateCommand("SELECT now()");
        return (DateTime)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    internal static NpgsqlParameter<TimeSpan> Interval(TimeSpan value) => new() { NpgsqlDbType = NpgsqlDbType.Interval, TypedValue = value };
}

/// <summary>A lease a renewal confirmed: the camera and the token of the claim that took it.</summary>
public readonly record struct HeldLease(int CameraId, long FencingToken);

/// <summary>All lease rows and the database's <c>now()</c> at the moment they were read (UTC).</summary>
public sealed record LeaseSnapshot(IReadOnlyList<CameraLease> Leases, DateTime DatabaseNow);
