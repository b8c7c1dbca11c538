using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace CamStudio.Tests.Infrastructure;

public sealed partial class ChromiumBrowserTests
{
    // Gathers ICE candidates for a data channel; the 10 s race is a deadline, gathering normally ends in well under 1 s.
    private const string GatherCandidatesScript = """
        async () => {
          const pc = new RTCPeerConnection();
          pc.createDataChannel('probe');
          const candidates = [];
          const complete = new Promise(resolve => {
            pc.onicecandidate = e => e.candidate ? candidates.push(e.candidate.candidate) : resolve();
          });
          await pc.setLocalDescription(await pc.createOffer());
          await Promise.race([complete, new Promise(resolve => setTimeout(resolve, 10000))]);
          pc.close();
          return candidates;
        }
        """;

    [Fact]
    public void Playwright_driver_ships_inside_the_build_output()
    {
        // No `playwright install`: the NuGet package copies its node driver next to the test assembly.
        string driver = Path.Combine(AppContext.BaseDirectory, ".playwright", "node", "linux-x64", "node");
        File.Exists(driver).Should().BeTrue($"Microsoft.Playwright should have copied its driver to {driver}");
    }

    [Fact]
    public async Task Debian_chromium_launches_headless_and_runs_scripts()
    {
        await using ChromiumBrowser chromium = await ChromiumBrowser.LaunchAsync();
        IPage page = await chromium.NewPageAsync();

        await page.GotoAsync("data:text/html,<title>camstudio</title><p id=p>hello</p>");
        string title = await page.TitleAsync();
        int sum = await page.EvaluateAsync<int>("() => 20 + 22");
        string userAgent = await page.EvaluateAsync<string>("() => navigator.userAgent");

        title.Should().Be("camstudio");
        sum.Should().Be(42);
        userAgent.Should().Contain("HeadlessChrome");
        chromium.Browser.Version.Should().NotBeNullOrEmpty();
        await ChromiumBrowser.ScreenshotAsync(page, "chromium-smoke");
    }

    [Fact]
    public async Task Inside_the_namespace_webrtc_gathers_a_host_candidate_on_10_213_0_1_and_nothing_outside()
    {
        IPAddress host = NetworkNamespace.RequireWebRtcHost();
        await using ChromiumBrowser chromium = await ChromiumBrowser.LaunchAsync();
        IPage page = await chromium.NewPageAsync();
        await page.GotoAsync("about:blank");

        string[] candidates = await page.EvaluateAsync<string[]>(GatherCandidatesScript);

        // candidate:<foundation> <component> <transport> <priority> <address> <port> typ <type> ...
        var addresses = candidates.Select(c => CandidateAddress().Match(c)).Where(m => m.Success)
            .Select(m => (Address: m.Groups["address"].Value, Type: m.Groups["type"].Value)).ToList();
        addresses.Should().Contain((host.ToString(), "host"), "candidates were: " + string.Join(" | ", candidates));
        addresses.Select(a => a.Address).Where(a => a.Contains('.', StringComparison.Ordinal))
            .Should().OnlyContain(a => a.StartsWith("10.213.0.", StringComparison.Ordinal), "nothing may leave the namespace");
    }

    [GeneratedRegex(@"^candidate:\S+ \d+ \S+ \d+ (?<address>\S+) \d+ typ (?<type>\S+)")]
    private static partial Regex CandidateAddress();
}
