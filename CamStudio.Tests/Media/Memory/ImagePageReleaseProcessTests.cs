using System.Globalization;
using CamStudio.Tests.Infrastructure;
using Xunit.Abstractions;

namespace CamStudio.Tests.Media.Memory;

/// <summary>
/// The release on a real CamStudio process (the Release build, started as the scripts start it): once start-up has
/// settled, the file-backed part of its resident set (<c>RssFile</c> in <c>/proc/&lt;pid&gt;/status</c>) drops, and the
/// app still serves its sign-in page afterwards. With the default (Unmap) the pages stay in the page cache, so that page
/// reads nothing from disk (major faults); with Evict it has to. A behaviour check, not a time budget. Guards against a
/// release that advises nothing (a parsing or selection bug, the wrong advice) or evicts what it should keep, while its
/// unit tests still pass against their fakes.
/// </summary>
public sealed class ImagePageReleaseProcessTests(ITestOutputHelper output) : IAsyncLifetime
{
    // Far above what the app's start-up needs here (~1–5 s), so the first reading comes before the release.
    private const string SettleTime = "00:00:12";
    private const string ReleaseLogLine = "handed the pages of";
    private static readonly TimeSpan s_startDeadline = TimeSpan.FromSeconds(60);

    private readonly string _root = Path.Combine(Path.GetTempPath(), "camstudio-pages-" + Guid.NewGuid().ToString("N"));
    private readonly HttpClient _http = new();
    private volatile string? _releaseLine;
    private ChildProcess? _app;

    private string Data => Path.Combine(_root, "data");

    private string App => Path.Combine(_root, "app");

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(Data);
        // A private copy of the build: the kernel does not page out what another process maps, and other tests start
        // the same build (the account command line) at any moment. The RID folders of the build are not needed.
        string build = Path.GetDirectoryName(WebAppBuild.Dll)!;
        Directory.CreateDirectory(App);
        foreach (string file in Directory.EnumerateFiles(build))
        {
            File.Copy(file, Path.Combine(App, Path.GetFileName(file)));
        }

        CopyTree(Path.Combine(build, "runtimes"), Path.Combine(App, "runtimes"));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        Directory.Delete(_root, recursive: true);
    }

    [Theory]
    [InlineData(null)] // the default: Unmap
    [InlineData("Evict")]
    public async Task After_start_up_settles_the_file_backed_resident_set_drops_and_the_app_still_serves(string? mode)
    {
        string dll = Path.Combine(App, "CamStudio.Web.dll");
        string baseUrl = "http://127.0.0.1:" + FreePort.Tcp().ToString(CultureInfo.InvariantCulture);
        _app = ChildProcess.Start("dotnet",
        [
            dll, "--urls", baseUrl, "--contentRoot", Path.GetDirectoryName(dll)!, "--DataDirectory", Data,
            "--WebRtc:UdpPort", "0", "--WebRtc:BindAddress", "127.0.0.1", "--Health:Enabled", "false",
            "--Memory:StartupSettleTime", SettleTime, .. (mode is null ? Array.Empty<string>() : ["--Memory:ImagePagesWhenIdle", mode]),
        ], line =>
        {
            if (line.Contains(ReleaseLogLine, StringComparison.Ordinal))
            {
                _releaseLine = line;
            }
        });

        await Eventually.WaitUntilAsync(async () => await IsOkAsync(baseUrl + "/health/live"), s_startDeadline, "CamStudio started");
        (await IsOkAsync(baseUrl + "/")).Should().BeTrue("the sign-in page is served");
        long before = RssFileKiB(_app.Id);
        _releaseLine.Should().BeNull("the first reading is taken before the release");

        await Eventually.WaitUntilAsync(() => _releaseLine is not null, s_startDeadline, "the start-up release ran: " + _app.Output);
        long after = RssFileKiB(_app.Id);
        output.WriteLine($"RssFile {before / 1024.0:0.0} MiB -> {after / 1024.0:0.0} MiB; {_releaseLine}");

        // The app's own assemblies (EF Core, MudBlazor, CamStudio, ASP.NET pieces not shared with other .NET processes)
        // alone are tens of MiB of mapped pages; a release that works drops far more than this.
        (before - after).Should().BeGreaterThan(8 * 1024, "the release hands mapped image pages back to the kernel");
        long faults = MajorFaults(_app.Id);
        (await IsOkAsync(baseUrl + "/")).Should().BeTrue("what the page touches is read back");
        faults = MajorFaults(_app.Id) - faults;
        output.WriteLine($"major faults serving the sign-in page after the release: {faults}");
        // The build was just copied, so every page of it is in the page cache; only a release that evicts can make the
        // page read from disk. Measured: Unmap 0; Evict 18–43 (only the private copy's pages go: the shared runtime is
        // mapped by other .NET processes too, and the kernel leaves those alone).
        const int unmapBound = 5;
        if (mode is null)
        {
            faults.Should().BeLessThanOrEqualTo(unmapBound, "the released pages stayed in the page cache");
        }
        else
        {
            faults.Should().BeGreaterThan(unmapBound, "evicted pages are read back from disk");
        }
    }

    /// <summary>Field 12 of <c>/proc/&lt;pid&gt;/stat</c> (after the parenthesised command name): major page faults.</summary>
    private static long MajorFaults(int pid)
    {
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[9], CultureInfo.InvariantCulture); // field 3 is fields[0]
    }

    private static void CopyTree(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private async Task<bool> IsOkAsync(string url)
    {
        try
        {
            using HttpResponseMessage response = await _http.GetAsync(url);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private static long RssFileKiB(int pid)
    {
        string line = File.ReadLines($"/proc/{pid}/status").Single(l => l.StartsWith("RssFile:", StringComparison.Ordinal));
        return long.Parse(line["RssFile:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }
}
