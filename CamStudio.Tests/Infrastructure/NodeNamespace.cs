using System.Globalization;
using System.Net;

namespace CamStudio.Tests.Infrastructure;

/// <summary>
/// A child network namespace for a second CamStudio node (docs/design/cluster-plan.md §6), so it has an address of its
/// own, 10.213.1.2, apart from the test's namespace (10.213.0.1), like a second box on the LAN. The node's process
/// creates the namespace itself (<see cref="Wrap"/>: <c>unshare -n</c> without a fork, so the pid stays the node's) and
/// waits for its address; <see cref="ConnectAsync"/> then adds the veth pair csb0 (here, 10.213.1.1) ↔ csb1 (there,
/// 10.213.1.2, default route back). The namespace and the pair vanish with the node's last process. The node reaches
/// what listens on 10.213.0.1 (a local address of this namespace) over the connected route; no forwarding needed.
/// Names avoid veth*/tap*/tun*, which some WebRTC stacks skip.
/// </summary>
public static class NodeNamespace
{
    public const string HostSide = "csb0";
    public const string NodeSide = "csb1";

    /// <summary>This namespace's end of the pair.</summary>
    public static IPAddress Gateway { get; } = IPAddress.Parse("10.213.1.1");

    /// <summary>The node's address.</summary>
    public static IPAddress NodeAddress { get; } = IPAddress.Parse("10.213.1.2");

    /// <summary>
    /// The command line that runs <paramref name="command"/> in a new network namespace once it is wired (the default
    /// route is added last; start-up plumbing: the node must not start before it can bind 10.213.1.2).
    /// </summary>
    public static IReadOnlyList<string> Wrap(IEnumerable<string> command) =>
    [
        "unshare", "-n", "sh", "-c",
        $"until ip route show default 2>/dev/null | grep -q 'dev {NodeSide}'; do sleep 0.05; done; exec \"$@\"",
        "sh", .. command,
    ];

    /// <summary>Waits until <paramref name="pid"/> is in a namespace of its own, then wires the pair into it.</summary>
    public static async Task ConnectAsync(int pid)
    {
        NetworkNamespace.IsInside.Should().BeTrue("the child namespace hangs off the tests' own namespace only");
        string own = NamespaceOf("self");
        await Eventually.WaitUntilAsync(() => NamespaceOf(pid.ToString(CultureInfo.InvariantCulture)) is { Length: > 0 } ns && ns != own,
            TimeSpan.FromSeconds(20), $"process {pid} entered its own network namespace");
        // A previous node's namespace is torn down asynchronously after its last process died; its csb0 goes with it.
        await Eventually.WaitUntilAsync(() => !Directory.Exists("/sys/class/net/" + HostSide), TimeSpan.FromSeconds(20),
            "the previous node's csb0 is gone");
        string p = pid.ToString(CultureInfo.InvariantCulture);
        await RunAsync("ip", "link", "add", HostSide, "type", "veth", "peer", "name", NodeSide, "netns", p);
        await RunAsync("ip", "addr", "add", Gateway + "/24", "dev", HostSide);
        await RunAsync("ip", "link", "set", HostSide, "up");
        await RunAsync("nsenter", "-t", p, "-n", "ip", "link", "set", "lo", "up");
        await RunAsync("nsenter", "-t", p, "-n", "ip", "link", "set", NodeSide, "up");
        await RunAsync("nsenter", "-t", p, "-n", "ip", "addr", "add", NodeAddress + "/24", "dev", NodeSide);
        // The route last: the node's wrapper starts it once the route is there.
        await RunAsync("nsenter", "-t", p, "-n", "ip", "route", "add", "default", "via", Gateway.ToString(), "dev", NodeSide);
    }

    private static string NamespaceOf(string pid)
    {
        try
        {
            return new FileInfo($"/proc/{pid}/ns/net").LinkTarget ?? string.Empty;
        }
        catch (IOException)
        {
            return string.Empty;
        }
    }

    private static async Task RunAsync(string fileName, params string[] arguments)
    {
        (int exitCode, string output) = await ChildProcess.RunAsync(fileName, arguments, TimeSpan.FromSeconds(30), CancellationToken.None);
        exitCode.Should().Be(0, $"{fileName} {string.Join(' ', arguments)}: {output}");
    }
}
