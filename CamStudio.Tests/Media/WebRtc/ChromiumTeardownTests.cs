using System.Diagnostics;
using CamStudio.Media.WebRtc;
using CamStudio.Tests.Infrastructure;
using Microsoft.Playwright;

namespace CamStudio.Tests.Media.WebRtc;

/// <summary>
/// Issue 3 acceptance 4–5: a lost keyframe is answered from the GOP cache after the browser's PLI, and every way a
/// viewer can leave (closed page, killed browser) ends its session without leaking it.
/// </summary>
[Collection(LiveVideoCollection.Name)]
public sealed class ChromiumTeardownTests(LiveVideoFixture live)
{
    [Fact]
    public async Task A_picture_loss_brings_a_pli_and_the_cached_gop_restores_the_picture()
    {
        // Black out the viewer until the browser asks for a keyframe: nothing but the PLI answer (the cached GOP,
        // sent at once) can then restore the picture before the camera's own next IDR.
        ViewerSession? session = null;
        int armed = 0;
        live.Server.DropOutgoingRtp = _ => Volatile.Read(ref armed) == 1 && session!.Stats.PliReceived == 0;
        try
        {
            await using IBrowserContext context = await live.Browser.NewContextAsync();
            await using BrowserPeer peer = await BrowserPeer.OpenAsync(context);
            session = await ChromiumPlaybackTests.ConnectAsync(live, peer);
            PeerStats before = await ChromiumPlaybackTests.WaitForStatsAsync(
                peer, s => s.FramesDecoded >= 25, TimeSpan.FromSeconds(20), "video flows");

            Volatile.Write(ref armed, 1);

            PeerStats after = await ChromiumPlaybackTests.WaitForStatsAsync(
                peer,
                s => s.PliCount > before.PliCount && s.FramesDecoded >= before.FramesDecoded + 50,
                TimeSpan.FromSeconds(20),
                "a PLI, then 50 more decoded frames");
            session.Stats.PliReceived.Should().BeGreaterThan(0);
            after.FrameWidth.Should().Be(1280);
        }
        finally
        {
            live.Server.DropOutgoingRtp = null;
        }
    }

    [Fact]
    public async Task Closing_the_page_ends_the_session_and_frees_everything()
    {
        int subscribersBefore = live.Source.SubscriberCount;
        await using IBrowserContext context = await live.Browser.NewContextAsync();
        BrowserPeer peer = await BrowserPeer.OpenAsync(context);
        ViewerSession session = await ChromiumPlaybackTests.ConnectAsync(live, peer);
        await ChromiumPlaybackTests.WaitForStatsAsync(peer, s => s.FramesDecoded >= 1, TimeSpan.FromSeconds(20), "video flows");
        live.Source.SubscriberCount.Should().Be(subscribersBefore + 1);

        // The player closes its RTCPeerConnection on pagehide, which sends the DTLS close alert.
        await peer.Page.CloseAsync(new PageCloseOptions { RunBeforeUnload = true });

        await Eventually.WaitUntilAsync(
            () => session.State == ViewerSessionState.Closed, TimeSpan.FromSeconds(3), "closing the tab ends the session");
        session.CloseReason.Should().Be(ViewerCloseReason.ClosedByPeer);
        live.Server.TryGetSession(session.Id, out _).Should().BeFalse();
        live.Source.SubscriberCount.Should().Be(subscribersBefore, "the session no longer receives the camera's packets");
        live.Server.RoutedSessionCount.Should().Be(live.Server.SessionCount, "the UDP socket forgets a closed session");
    }

    [Fact]
    public async Task A_killed_browser_is_noticed_through_consent_freshness()
    {
        // A browser of its own, tagged so that exactly its processes can be killed without a goodbye.
        string tag = "--camstudio-test-" + Guid.NewGuid().ToString("N");
        using IPlaywright playwright = await Playwright.CreateAsync();
        IBrowser browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumBrowser.ExecutablePath,
            Headless = true,
            Args = [.. ChromiumBrowser.Arguments, tag],
        });
        IBrowserContext context = await browser.NewContextAsync();
        BrowserPeer peer = await BrowserPeer.OpenAsync(context);
        ViewerSession session = await ChromiumPlaybackTests.ConnectAsync(live, peer);
        await ChromiumPlaybackTests.WaitForStatsAsync(peer, s => s.FramesDecoded >= 1, TimeSpan.FromSeconds(20), "video flows");

        int killed = KillProcessesWithArgument(tag);
        killed.Should().BeGreaterThan(0, "the tagged Chromium must be found to be killed");
        var sinceKill = Stopwatch.StartNew();

        await Eventually.WaitUntilAsync(
            () => session.State == ViewerSessionState.Closed, TimeSpan.FromSeconds(35), "consent freshness expires");
        session.CloseReason.Should().Be(ViewerCloseReason.ConsentExpired);
        sinceKill.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(35));
        live.Server.TryGetSession(session.Id, out _).Should().BeFalse();
        live.Server.RoutedSessionCount.Should().Be(live.Server.SessionCount, "the UDP socket forgets an expired session");
    }

    private static int KillProcessesWithArgument(string argument)
    {
        int count = 0;
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid))
            {
                continue;
            }

            string cmdline;
            try
            {
                cmdline = File.ReadAllText(Path.Combine(dir, "cmdline"));
            }
            catch (IOException)
            {
                continue;
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }

            if (cmdline.Contains(argument, StringComparison.Ordinal))
            {
                try
                {
                    using var process = Process.GetProcessById(pid);
                    process.Kill(entireProcessTree: true);
                    count++;
                }
                catch (ArgumentException)
                {
                    // Already gone.
                }
            }
        }

        return count;
    }
}
