using Npgsql;

namespace CamStudio.Core.Cluster;

/// <summary>
/// The cluster's own small Npgsql pool for lease and node statements (cluster-plan.md §1.1), apart from EF's: short
/// timeouts so a renew in a partition fails in about 2 s instead of hanging (the fence timer does not rely on it
/// returning at all), TCP keepalive to notice a dead server, and no cancellation round trip to a server that may be
/// gone.
/// </summary>
public sealed class ClusterDatabase : IAsyncDisposable, IDisposable
{
    public ClusterDatabase(string connectionString)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        var builder = new NpgsqlConnectionStringBuilder(connectionString)
        {
            Timeout = 2,
            CommandTimeout = 2,
            CancellationTimeout = -1,
            KeepAlive = 1,
            MaxPoolSize = 4,
            ApplicationName = "CamStudio cluster",
        };
        DataSource = NpgsqlDataSource.Create(builder.ConnectionString);
    }

    public NpgsqlDataSource DataSource { get; }

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();

    public void Dispose() => DataSource.Dispose();
}
