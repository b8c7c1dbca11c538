using System.Globalization;

namespace CamStudio.Tests.Infrastructure;

/// <summary>
/// A throwaway Redis for the cluster tests: Debian's <c>redis-server</c> as a child process on a free loopback port, no
/// persistence (<c>--save '' --appendonly no</c>), killed with its fixture. Missing Redis is a failure, never a skip: CI
/// installs it (scripts/install-deps.sh test); the system service is never used.
/// </summary>
public sealed class RedisServer : IAsyncLifetime
{
    public const string Executable = "/usr/bin/redis-server";

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "camstudio-redis-" + Guid.NewGuid().ToString("N"));
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ChildProcess? _process;

    /// <summary>Starts a server on <paramref name="port"/>, chosen up front for a client that starts before its Redis.</summary>
    public static async Task<RedisServer> StartOnPortAsync(int port)
    {
        var server = new RedisServer { Port = port };
        await server.InitializeAsync();
        return server;
    }

    public int Port { get; private set; }

    /// <summary>
    /// Where the server listens besides 127.0.0.1 (the cluster rig: 10.213.0.1, for a node in a child namespace); set
    /// before <see cref="InitializeAsync"/>.
    /// </summary>
    public string? AlsoBind { get; init; }

    /// <summary>A StackExchange.Redis configuration string for this server.</summary>
    public string ConnectionString => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{Port}");

    /// <summary>True until <see cref="StopAsync"/>.</summary>
    public bool IsRunning => _process is not null;

    public async Task InitializeAsync()
    {
        if (!File.Exists(Executable))
        {
            throw new InvalidOperationException(
                $"Redis is not installed ({Executable} missing). Install it with scripts/install-deps.sh test; these tests must not be skipped.");
        }

        Directory.CreateDirectory(_directory);
        if (Port == 0)
        {
            Port = FreePort.Tcp();
        }

        _process = ChildProcess.Start(Executable,
        [
            "--bind", "127.0.0.1", .. (AlsoBind is null ? (string[])[] : [AlsoBind]), "--port", Port.ToString(CultureInfo.InvariantCulture), "--save", "", "--appendonly", "no",
            "--protected-mode", "no", "--dir", _directory, "--daemonize", "no",
        ], line =>
        {
            if (line.Contains("Ready to accept connections", StringComparison.Ordinal))
            {
                _ready.TrySetResult();
            }
        });
        Task exited = _process.Exited;
        Task first = await Task.WhenAny(_ready.Task, exited, Task.Delay(TimeSpan.FromSeconds(30)));
        if (first != _ready.Task)
        {
            string output = _process.Output;
            await StopAsync();
            throw new InvalidOperationException($"redis-server did not become ready on port {Port}:\n{output}");
        }
    }

    /// <summary>Kills the server (as a crash or a network loss looks to its clients).</summary>
    public async Task StopAsync()
    {
        if (_process is { } process)
        {
            _process = null;
            await process.DisposeAsync();
        }
    }

    public async Task DisposeAsync()
    {
        await StopAsync();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
