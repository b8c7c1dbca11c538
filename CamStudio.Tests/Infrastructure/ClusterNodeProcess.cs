using System.Globalization;
using System.Net;
using System.Text.Json;

namespace CamStudio.Tests.Infrastructure;

/// <summary>How to start one cluster node (the built app as a process); the same spec restarts it under the same name.</summary>
/// <param name="Name">Cluster:NodeName.</param>
/// <param name="Address">The address it serves HTTP and media on (10.213.0.1 here, or 10.213.1.2 in a child namespace).</param>
/// <param name="ChildNamespace">True: in a <see cref="NodeNamespace"/> of its own.</param>
/// <param name="HttpPort">Kestrel's port.</param>
/// <param name="UdpPort">The WebRTC media port.</param>
/// <param name="DataDirectory">Its own data directory (nodes share the database, not files).</param>
/// <param name="Settings">Everything else (database, Redis, cluster timings), as configuration keys.</param>
public sealed record ClusterNodeSpec(
    string Name, IPAddress Address, bool ChildNamespace, int HttpPort, int UdpPort, string DataDirectory,
    IReadOnlyDictionary<string, string?> Settings)
{
    public Uri BaseAddress => new(string.Create(CultureInfo.InvariantCulture, $"http://{Address}:{HttpPort}/"));
}

/// <summary>
/// A CamStudio cluster node as a real process (<see cref="WebAppBuild.Dll"/>, cluster-plan.md §6): started with
/// <c>setsid</c>, so it leads a process group its FFmpeg children inherit, optionally in a child network namespace.
/// <see cref="KillAsync"/> is SIGKILL to the whole group (a dead box, or systemd's cgroup kill); the log is kept
/// (<see cref="Output"/>) for failure messages. Disposing kills it too.
/// </summary>
public sealed class ClusterNodeProcess : IAsyncDisposable
{
    private readonly ChildProcess _process;

    private ClusterNodeProcess(ClusterNodeSpec spec, ChildProcess process)
    {
        Spec = spec;
        _process = process;
    }

    public ClusterNodeSpec Spec { get; }

    /// <summary>The node's pid, also its process group.</summary>
    public int Pid => _process.Id;

    public string Output => _process.Output;

    /// <summary>True until the node was killed (or died).</summary>
    public bool IsRunning => !_process.Exited.IsCompleted;

    /// <summary>Starts the node and waits until <c>/health/ready</c> says its lease renewal runs (registered).</summary>
    public static async Task<ClusterNodeProcess> StartAsync(ClusterNodeSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        CultureInfo c = CultureInfo.InvariantCulture;
        // Content root = the project, as with scripts/run.sh's `dotnet run`: the player scripts are served from ../wwwroot-js.
        List<string> app = ["dotnet", WebAppBuild.Dll, "--urls", spec.BaseAddress.ToString().TrimEnd('/'),
            "--contentRoot", Path.Combine(RepositoryPaths.Root, "CamStudio.Web")];
        var settings = new Dictionary<string, string?>(spec.Settings)
        {
            ["DataDirectory"] = spec.DataDirectory,
            ["Cluster:Enabled"] = "true",
            ["Cluster:NodeName"] = spec.Name,
            ["Cluster:AdvertisedUrl"] = spec.BaseAddress.ToString().TrimEnd('/'),
            ["WebRtc:BindAddress"] = spec.Address.ToString(),
            ["WebRtc:UdpPort"] = spec.UdpPort.ToString(c),
            ["WebRtc:AdvertisedAddresses:0"] = spec.Address.ToString(),
        };
        foreach ((string key, string? value) in settings)
        {
            app.Add("--" + key);
            app.Add(value ?? string.Empty);
        }

        IReadOnlyList<string> command = spec.ChildNamespace ? NodeNamespace.Wrap(app) : app;
        // The whole log (stdout) also goes to the artifacts: a failover is read in both nodes' logs side by side.
        string logPath = Path.Combine(RepositoryPaths.Artifacts, $"cluster-node-{spec.Name}.log");
        var log = new StreamWriter(logPath, append: true) { AutoFlush = true };
        await log.WriteLineAsync($"=== {DateTime.UtcNow:O} start {string.Join(' ', command)}");
        var logLock = new Lock();
        ChildProcess process = ChildProcess.Start("setsid", command, line =>
        {
            lock (logLock)
            {
                log.WriteLine(line);
            }
        });
        _ = process.Exited.ContinueWith(_ => { lock (logLock) { log.Dispose(); } }, TaskScheduler.Default);
        var node = new ClusterNodeProcess(spec, process);
        try
        {
            // setsid forks only when the caller leads a group, which a freshly started child does not: the pid is the node's.
            await Eventually.WaitUntilAsync(() => ProcessGroups.GroupOf(process.Id) == process.Id, TimeSpan.FromSeconds(10),
                "the node leads its own process group");
            if (spec.ChildNamespace)
            {
                await NodeNamespace.ConnectAsync(process.Id);
            }

            await node.WaitUntilRegisteredAsync(TimeSpan.FromSeconds(90));
            return node;
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }
    }

    /// <summary>A new process with the same spec (same name, a new incarnation).</summary>
    public Task<ClusterNodeProcess> RestartAsync() => StartAsync(Spec);

    /// <summary>SIGKILL to the node's whole process group (the app and its FFmpeg), then waits until all of it is gone.</summary>
    public async Task KillAsync()
    {
        await ProcessGroups.KillAsync(Pid);
        await _process.Exited.WaitAsync(TimeSpan.FromSeconds(10));
    }

    public async ValueTask DisposeAsync()
    {
        if (IsRunning)
        {
            await ProcessGroups.KillAsync(Pid);
        }

        await _process.DisposeAsync();
    }

    private async Task WaitUntilRegisteredAsync(TimeSpan deadline)
    {
        using var client = new HttpClient { BaseAddress = Spec.BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            await Eventually.WaitUntilAsync(async () =>
            {
                if (!IsRunning)
                {
                    throw new InvalidOperationException($"node {Spec.Name} exited with {await _process.Exited}");
                }

                try
                {
                    using HttpResponseMessage response = await client.GetAsync("health/ready");
                    JsonElement checks = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("checks");
                    return checks.GetProperty("cluster_lease").GetProperty("status").GetString() == "healthy";
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException)
                {
                    return false; // not listening yet
                }
            }, deadline, $"node {Spec.Name} registered and renewing");
        }
        catch (Exception ex) when (ex is TimeoutException or InvalidOperationException)
        {
            throw new InvalidOperationException($"{ex.Message}. Node log:\n{Output}", ex);
        }
    }
}
