using System.Globalization;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CamStudio.Core.Cluster;

/// <summary>
/// The <c>cluster_nodes</c> rows (cluster-plan.md §1.1, §2) on the database clock. A process registers its name with a
/// fresh incarnation; the name is refused while another incarnation's row is live (not stopped, not expired), so two
/// processes configured with one name cannot both serve. Heartbeats move with the lease renewal
/// (<see cref="CameraLeaseStore.RenewAsync"/>).
/// </summary>
public sealed class ClusterNodeStore(ClusterDatabase database, IOptions<ClusterOptions> options)
{
    private readonly ClusterOptions _options = options.Value;

    /// <summary>
    /// Takes the node's name for this process. Succeeds for a new name, a stopped or expired row, or the same
    /// incarnation (a retried registration).
    /// </summary>
    /// <returns>Null on success, else the one-line start-up error naming the live holder.</returns>
    public async Task<string?> TryRegisterAsync(ClusterNodeRegistration node, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(node);
        await using NpgsqlCommand command = database.DataSource.CreateCommand("""
            INSERT INTO cluster_nodes (node_name, incarnation, advertised_url, media_addresses, udp_port, app_version,
                                       started_at, heartbeat_at, expires_at, stopped_at)
            VALUES ($1, $2, $3, $4, $5, $6, now(), now(), now() + $7, NULL)
            ON CONFLICT (node_name) DO UPDATE SET
                incarnation = EXCLUDED.incarnation, advertised_url = EXCLUDED.advertised_url,
                media_addresses = EXCLUDED.media_addresses, udp_port = EXCLUDED.udp_port, app_version = EXCLUDED.app_version,
                started_at = EXCLUDED.started_at, heartbeat_at = EXCLUDED.heartbeat_at, expires_at = EXCLUDED.expires_at,
                stopped_at = NULL
            WHERE cluster_nodes.stopped_at IS NOT NULL OR cluster_nodes.expires_at <= now()
               OR cluster_nodes.incarnation = EXCLUDED.incarnation
            RETURNING 1
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = node.NodeName });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = node.Incarnation });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = node.AdvertisedUrl });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = node.MediaAddresses });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = node.UdpPort });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = node.AppVersion });
        command.Parameters.Add(CameraLeaseStore.Interval(_options.LeaseTtl));
        if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null)
        {
            return null;
        }

        await using NpgsqlCommand holder = database.DataSource.CreateCommand(
            "SELECT EXTRACT(EPOCH FROM now() - heartbeat_at)::float8 FROM cluster_nodes WHERE node_name = $1");
        holder.Parameters.Add(new NpgsqlParameter<string> { TypedValue = node.NodeName });
        double seconds = await holder.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is double s ? s : 0;
        return string.Create(CultureInfo.InvariantCulture,
            $"Cluster:NodeName '{node.NodeName}' is live with another process (heartbeat {Math.Max(0, Math.Round(seconds)):0} s ago); give this node another name or stop the other one.");
    }

    /// <summary>A graceful stop: the name is free at once (after the node released its leases).</summary>
    public async Task MarkStoppedAsync(string nodeName, Guid incarnation, CancellationToken cancellationToken)
    {
        await using NpgsqlCommand command = database.DataSource.CreateCommand(
            "UPDATE cluster_nodes SET stopped_at = now(), expires_at = now() WHERE node_name = $1 AND incarnation = $2");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = nodeName });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = incarnation });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every node row, by name (the Status page's Nodes table, placement's list of live nodes).</summary>
    public async Task<IReadOnlyList<ClusterNode>> ListAsync(CancellationToken cancellationToken)
    {
        await using NpgsqlCommand command = database.DataSource.CreateCommand("""
            SELECT node_name, incarnation, advertised_url, media_addresses, udp_port, app_version,
                   started_at, heartbeat_at, expires_at, stopped_at
            FROM cluster_nodes ORDER BY node_name
            """);
        var nodes = new List<ClusterNode>();
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            nodes.Add(new ClusterNode
            {
                NodeName = reader.GetString(0),
                Incarnation = reader.GetGuid(1),
                AdvertisedUrl = reader.GetString(2),
                MediaAddresses = reader.GetString(3),
                UdpPort = reader.GetInt32(4),
                AppVersion = reader.GetString(5),
                StartedAt = reader.GetDateTime(6),
                HeartbeatAt = reader.GetDateTime(7),
                ExpiresAt = reader.GetDateTime(8),
                StoppedAt = reader.GetValue(9) is DateTime stopped ? stopped : null,
            });
        }

        return nodes;
    }
}

/// <summary>What a node publishes about itself when it registers.</summary>
public sealed record ClusterNodeRegistration(
    string NodeName, Guid Incarnation, string AdvertisedUrl, string MediaAddresses, int UdpPort, string AppVersion);
