using System.Globalization;
using System.Net;

namespace CamStudio.Tests.Infrastructure;

/// <summary>
/// Debian's coturn (<c>turnserver</c>, installed by scripts/install-deps.sh) as a real TURN relay with the TURN REST API
/// (<c>use-auth-secret</c>): it accepts only credentials minted from <see cref="Secret"/>, so a relay that works proves
/// CamStudio's minting matches what a TURN server checks. Listens and relays on one address of the test namespace only
/// (the veth end opposite the WebRTC server, so relayed traffic really crosses from one address to the other),
/// without TLS, its CLI or a config file; killed on dispose.
/// </summary>
public sealed class CoturnServer : IAsyncDisposable
{
    public const string Executable = "/usr/bin/turnserver";

    private readonly ChildProcess _process;
    private readonly string _pidFile;

    private CoturnServer(ChildProcess process, IPAddress address, int port, string secret, string pidFile)
    {
        _process = process;
        Address = address;
        Port = port;
        Secret = secret;
        _pidFile = pidFile;
    }

    public IPAddress Address { get; }

    public int Port { get; }

    public string Secret { get; }

    /// <summary>The TURN URL browsers are given, e.g. <c>turn:10.213.0.1:3478?transport=udp</c>.</summary>
    public string Url => string.Create(CultureInfo.InvariantCulture, $"turn:{Address}:{Port}?transport=udp");

    /// <summary>coturn's log so far, for failure messages and to see allocations.</summary>
    public string Output => _process.Output;

    /// <summary>Arguments for a relay on <paramref name="address"/>:<paramref name="port"/> that may relay to <paramref name="peer"/>.</summary>
    public static IReadOnlyList<string> BuildArguments(IPAddress address, int port, IPAddress peer, string secret, string pidFile)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(peer);
        string ip = address.ToString();
        return
        [
            "-n", // no configuration file: everything is on this line
            "--listening-ip=" + ip,
            "--relay-ip=" + ip,
            "--listening-port=" + port.ToString(CultureInfo.InvariantCulture),
            "--min-port=49152", "--max-port=49300",
            // The WebRTC server is on a private address: say explicitly that relaying to it is allowed.
            "--allowed-peer-ip=" + peer,
            "--use-auth-secret", "--static-auth-secret=" + secret,
            "--realm=camstudio.test",
            "--fingerprint",
            "--no-tls", "--no-dtls", "--no-cli", "--no-multicast-peers",
            "--pidfile=" + pidFile,
            // --verbose: coturn 4.6 logs "UDP listener opened" (what StartAsync waits for) only at this level.
            "--log-file=stdout", "--simple-log", "--verbose",
        ];
    }

    /// <summary>Starts coturn on <paramref name="address"/>, relaying to <paramref name="peer"/>, and waits until its UDP listener is open.</summary>
    public static async Task<CoturnServer> StartAsync(IPAddress address, int port, IPAddress peer, string secret)
    {
        File.Exists(Executable).Should().BeTrue("scripts/install-deps.sh installs coturn");
        string pidFile = Path.Combine(Path.GetTempPath(), "camstudio-coturn-" + Guid.NewGuid().ToString("N") + ".pid");
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        string opened = "UDP listener opened on: " + address;
        ChildProcess process = ChildProcess.Start(Executable, BuildArguments(address, port, peer, secret, pidFile), line =>
        {
            if (line.Contains(opened, StringComparison.Ordinal))
            {
                listening.TrySetResult();
            }
        });
        var server = new CoturnServer(process, address, port, secret, pidFile);
        try
        {
            Task first = await Task.WhenAny(listening.Task, process.Exited, Task.Delay(TimeSpan.FromSeconds(20)));
            first.Should().BeSameAs(listening.Task, $"coturn should listen on UDP within 20 s; its output:\n{process.Output}");
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        File.Delete(_pidFile);
    }
}
