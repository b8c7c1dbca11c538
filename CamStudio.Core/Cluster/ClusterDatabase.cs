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
    // Created on first use, not in the constructor: the host builds its hosted services (the coordinator, hence this)
    // before the start-up validation runs, and a misconfigured node (e.g. Database:Provider=Sqlite) must fail with the
    // validator's one-line messages, not with a connection-string exception.
    private readonly Lazy<NpgsqlDataSource> _dataSource;

    public ClusterDatabase(string connectionString) =>
        _dataSource = new Lazy<NpgsqlDataSource>(() => Create(connectionString), LazyThreadSafetyMode.ExecutionAndPublication);

    public NpgsqlDataSource DataSource => _dataSource.Value;

    public ValueTask DisposeAsync() => _dataSource.IsValueCreated ? _dataSource.Value.DisposeAsync() : ValueTask.CompletedTask;

    public void Dispose()
    {
        if (_dataSource.IsValueCreated)
        {
            _dataSource.Value.Dispose();
        }
    }

    private static NpgsqlDataSource Create(string connectionString)
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
        return NpgsqlDataSource.Create(builder.ConnectionString);
    }
}
