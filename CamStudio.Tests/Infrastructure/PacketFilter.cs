using System.Globalization;

namespace CamStudio.Tests.Infrastructure;

/// <summary>
/// A real packet filter (Debian's nftables) in the tests' private network namespace: one table of its own with an
/// input chain holding the given rules, deleted on dispose. Only ever used inside <c>unshare -n scripts/netns-run.sh</c>,
/// where it can touch nothing but the namespace. Input, not output: the browser and the server share the namespace,
/// and a packet to a local address passes the input hook once, whichever side sent it.
/// </summary>
public sealed class PacketFilter : IAsyncDisposable
{
    public const string Executable = "/usr/sbin/nft";

    private readonly string _table;

    private PacketFilter(string table) => _table = table;

    /// <summary>Installs <paramref name="rules"/> (nft rule syntax, e.g. <c>udp dport 8555 drop</c>).</summary>
    public static async Task<PacketFilter> InstallAsync(params string[] rules)
    {
        File.Exists(Executable).Should().BeTrue("scripts/install-deps.sh installs nftables");
        NetworkNamespace.IsInside.Should().BeTrue("a packet filter is only ever set inside the tests' own namespace");
        string table = "camstudio_test_" + Guid.NewGuid().ToString("N")[..8];
        var script = new System.Text.StringBuilder();
        script.Append(CultureInfo.InvariantCulture, $"add table inet {table}\n");
        script.Append(CultureInfo.InvariantCulture, $"add chain inet {table} input {{ type filter hook input priority 0; policy accept; }}\n");
        foreach (string rule in rules)
        {
            script.Append(CultureInfo.InvariantCulture, $"add rule inet {table} input {rule}\n");
        }

        await RunAsync(["-f", "-"], script.ToString());
        return new PacketFilter(table);
    }

    /// <summary>How many packets the table's rules dropped so far (proof the filter was what the browser met).</summary>
    public async Task<long> DroppedPacketsAsync()
    {
        string listing = await RunAsync(["list", "table", "inet", _table], null);
        long total = 0;
        foreach (System.Text.RegularExpressions.Match match in System.Text.RegularExpressions.Regex.Matches(listing, @"counter packets (\d+) bytes \d+ drop"))
        {
            total += long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        }

        return total;
    }

    public async ValueTask DisposeAsync() => await RunAsync(["delete", "table", "inet", _table], null);

    private static async Task<string> RunAsync(IReadOnlyList<string> arguments, string? stdin)
    {
        using var process = new System.Diagnostics.Process
        {
            StartInfo = new System.Diagnostics.ProcessStartInfo(Executable)
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            },
        };
        foreach (string argument in arguments)
        {
            process.StartInfo.ArgumentList.Add(argument);
        }

        process.Start();
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }

        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        process.ExitCode.Should().Be(0, $"nft {string.Join(' ', arguments)} failed: {await error}\n{stdin}");
        return await output;
    }
}
