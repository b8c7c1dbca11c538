using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace CamStudio.Tests.Infrastructure;

/// <summary>
/// A throwaway PostgreSQL 15 cluster for the test run: initdb into a temp directory, start on a free loopback port
/// with trust authentication, delete everything at the end. Missing PostgreSQL is a failure, never a skip: CI
/// installs it (scripts/install-deps.sh test).
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    public const string BinDirectory = "/usr/lib/postgresql/15/bin";
    private const string ServiceUser = "postgres";

    private readonly string _root = Path.Combine(Path.GetTempPath(), "camstudio-pg-" + Guid.NewGuid().ToString("N"));
    private bool _started;

    /// <summary>
    /// Also listen on this address (the cluster rig: 10.213.0.1, for a node in a child namespace) and trust the project's
    /// namespaces, 10.213.0.0/16, and nothing else. Set before <see cref="InitializeAsync"/>; null = loopback only.
    /// </summary>
    public IPAddress? AlsoListenOn { get; init; }

    public int Port { get; private set; }

    private string DataDirectory => Path.Combine(_root, "data");

    private string SocketDirectory => Path.Combine(_root, "sock");

    public async Task InitializeAsync()
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("The PostgreSQL fixture drives Debian's PostgreSQL 15 binaries.");
        }

        string initdb = Path.Combine(BinDirectory, "initdb");
        if (!File.Exists(initdb))
        {
            throw new InvalidOperationException(
                $"PostgreSQL 15 is not installed ({initdb} missing). Install it with scripts/install-deps.sh test; these tests must not be skipped.");
        }

        // The server refuses to run as root: as root the cluster belongs to the postgres account.
        const UnixFileMode everyone = (UnixFileMode)0b111_111_111;
        Directory.CreateDirectory(SocketDirectory);
        File.SetUnixFileMode(_root, everyone); // set explicitly: the umask would strip the group/other bits
        File.SetUnixFileMode(SocketDirectory, everyone);
        Port = FindFreePort();
        await RunAsync(initdb, ["-D", DataDirectory, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync"]);
        string listen = "127.0.0.1";
        if (AlsoListenOn is not null)
        {
            listen += "," + AlsoListenOn;
            // The file belongs to the postgres account (initdb ran as it); appending as root keeps its owner.
            await File.AppendAllTextAsync(Path.Combine(DataDirectory, "pg_hba.conf"), "host all all 10.213.0.0/16 trust\n");
        }

        // max_connections: every test app on this shared server opens its own pools (a new database per test, EF's pool
        // and the cluster's lease pool), and Npgsql keeps idle connections for 5 minutes after the app is gone; with the
        // cluster tests the whole run passed PostgreSQL's default of 100 ("53300: sorry, too many clients already").
        await RunAsync(Path.Combine(BinDirectory, "pg_ctl"),
        [
            "-D", DataDirectory, "-w", "-t", "60", "-l", Path.Combine(_root, "server.log"),
            "-o", string.Create(CultureInfo.InvariantCulture,
                $"-p {Port} -k {SocketDirectory} -c listen_addresses={listen} -c fsync=off -c full_page_writes=off -c max_connections=500"),
            "start",
        ]);
        _started = true;
    }

    public async Task DisposeAsync()
    {
        try
        {
            if (_started)
            {
                await RunAsync(Path.Combine(BinDirectory, "pg_ctl"), ["-D", DataDirectory, "-m", "immediate", "-w", "stop"]);
            }
        }
        finally
        {
            if (Directory.Exists(_root))
            {
                Directory.Delete(_root, recursive: true);
            }
        }
    }

    /// <summary>A connection string for <paramref name="database"/> (created by the app's migrations if missing).</summary>
    public string ConnectionString(string database, string host = "127.0.0.1") =>
        string.Create(CultureInfo.InvariantCulture, $"Host={host};Port={Port};Username=postgres;Database={database};Timeout=30");

    /// <summary>A database name no other test uses.</summary>
    public static string NewDatabaseName() => "camstudio_test_" + Guid.NewGuid().ToString("N")[..16];

    private static int FindFreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task RunAsync(string fileName, IReadOnlyList<string> arguments)
    {
        var startInfo = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (Environment.UserName == "root")
        {
            startInfo.FileName = "runuser";
            startInfo.ArgumentList.Add("-u");
            startInfo.ArgumentList.Add(ServiceUser);
            startInfo.ArgumentList.Add("--");
            startInfo.ArgumentList.Add(fileName);
        }
        else
        {
            startInfo.FileName = fileName;
        }

        foreach (string argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{Path.GetFileName(fileName)} failed with exit code {process.ExitCode}:\n{await stdout}\n{await stderr}");
        }
    }
}

/// <summary>All PostgreSQL-backed test classes share one server per run.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresServerCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "PostgreSQL server";
}
