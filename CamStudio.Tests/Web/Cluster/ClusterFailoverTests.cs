using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CamStudio.Tests.Infrastructure;
using CamStudio.Tests.Web.Components.EndToEnd;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace CamStudio.Tests.Web.Cluster;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ClusterFailoverCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "Cluster failover with real parts";
}

/// <summary>
/// Issue 18's proof with real parts (cluster-plan.md §6, §8): two CamStudio processes on separate addresses (B in a child
/// network namespace), PostgreSQL, Redis, two RTSP test cameras and Chromium, in the project's namespaces. One scenario,
/// because each step starts from where the previous one left the cluster (xunit does not order tests). An FFmpeg census
/// from /proc every 100 ms runs through all of it: at no sample is a camera pulled by more than one FFmpeg or by two
/// nodes. Production lease timings (TTL 10 s), so the failover times are the real ones; the kill → next decoded frame
/// time goes to artifacts/test-results/cluster-failover.json.
/// </summary>
[Collection(ClusterFailoverCollection.Name)]
public sealed class ClusterFailoverTests(ClusterFixture rig, ITestOutputHelper output)
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(40);

    /// <summary>The budget from the kill of the owner to the tile's next picture, without a reload.</summary>
    private static readonly TimeSpan s_resumeBudget = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Two_nodes_serve_one_dashboard_and_a_camera_is_never_pulled_twice_through_kill_return_and_partition()
    {
        int port1 = rig.Camera1.Port, port2 = rig.Camera2.Port;
        await using var census = new FfmpegCensusRecorder(port1, port2);
        var results = new Dictionary<string, object?> { ["load_average_at_start"] = LoadAverage(), ["forwarded_offers"] = true };
        try
        {
            // (a) cam1 pinned to a, cam2 to b: both nodes' API and Status page name each camera's node.
            int cam1 = await rig.ClientA.CreateRtspCameraAsync(rig.Camera1, "Gate", null, "stream2", pinnedNode: "a");
            int cam2 = await rig.ClientA.CreateRtspCameraAsync(rig.Camera2, "Yard", null, "stream2", pinnedNode: "b");
            await WaitForOwnersAsync(cam1, "a", cam2, "b", "cam1 on a and cam2 on b, seen from both nodes");
            await using (IBrowserContext statusA = await rig.SignedInContextAsync(rig.A))
            await using (IBrowserContext statusB = await rig.SignedInContextAsync(rig.B))
            {
                foreach ((IBrowserContext context, ClusterNodeProcess node) in new[] { (statusA, rig.A), (statusB, rig.B) })
                {
                    IPage status = await ClusterFixture.OpenAsync(context, node, "status");
                    await WaitForStatusPageNodeAsync(status, cam1, "a");
                    await WaitForStatusPageNodeAsync(status, cam2, "b");
                }
            }

            // Chromium signed in on A watches both: cam1 from A itself, cam2 through A's forwarded offer, from B.
            IBrowserContext contextA = await rig.SignedInContextAsync(rig.A);
            IPage liveA = await ClusterFixture.OpenAsync(contextA, rig.A, "");
            await WaitForDecodingAsync(liveA, cam1);
            await WaitForDecodingAsync(liveA, cam2);
            await WaitForPullerAsync(census, port1, rig.A, "cam1 pulled by a only");
            await WaitForPullerAsync(census, port2, rig.B, "cam2 pulled by b only, for the tile on a");

            // (f) An edit on A reaches the owner B: B's FFmpeg restarts with the new path, none starts on A.
            int before = census.Latest(port2).Single().Pid;
            using (HttpResponseMessage edited = await rig.ClientA.PutAsJsonAsync($"/api/cameras/{cam2}", new { sd_path = RtspTestCamera.MainStream }))
            {
                edited.StatusCode.Should().Be(HttpStatusCode.OK, await edited.Content.ReadAsStringAsync());
            }

            await Eventually.WaitUntilAsync(() => census.Sample().ByCamera[port2] is [{ } only] && only.Pid != before && only.Group == rig.B.Pid
                && CommandLine(only.Pid).Contains(RtspTestCamera.MainStream, StringComparison.Ordinal), s_wait,
                "b pulls cam2 again with a new FFmpeg on the edited path");

            // (b) Kill B (SIGKILL to its process group): cam2 moves to A, nothing of B survives.
            int deadB = rig.B.Pid;
            TimeSpan killedAt = census.Now;
            var sinceKill = Stopwatch.StartNew();
            output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} killing b");
            await rig.B.KillAsync();
            ProcessGroups.Members(deadB).Should().BeEmpty("no FFmpeg of the killed node survives it");
            await Eventually.WaitUntilAsync(async () => await ClusterFixture.NodeOfAsync(rig.ClientA, cam2) == "a", s_wait, "cam2 moved to a");
            results["kill_to_moved_s"] = Seconds(sinceKill.Elapsed);

            // (e) The dashboard's tile of cam2 on A resumes without a reload.
            var trace = new List<string>();
            results["resume_trace"] = trace;
            TimeSpan resumed = await WaitForResumeAsync(liveA, cam2, sinceKill, s_resumeBudget + TimeSpan.FromSeconds(15), trace);
            results["kill_to_frame_s"] = Seconds(resumed);
            output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} cam2 tile on a resumed");
            results["load_average_at_kill"] = LoadAverage();
            await WaitForPullerAsync(census, port2, rig.A, "cam2 pulled by a after the kill");
            census.Since(killedAt).Where(s => s.ByCamera.Values.SelectMany(v => v).Any(e => e.Group == deadB))
                .Should().BeEmpty("the census never saw B's FFmpeg after the group was killed");
            resumed.Should().BeLessThan(s_resumeBudget, "issue 18: the tile resumes within 15 s of the owner's death");

            // (c) B returns under the same name: for 30 s nothing is pulled twice and the watched cam2 stays on A.
            await rig.RestartBAsync();
            TimeSpan returnedAt = census.Now;
            await ObserveAsync(census, TimeSpan.FromSeconds(30));
            (await ClusterFixture.NodeOfAsync(rig.ClientA, cam2)).Should().Be("a", "a watched camera does not move back to its pin");
            (await ClusterFixture.NodeOfAsync(rig.ClientB, cam2)).Should().Be("a", "the returned node sees it on a too");
            census.Since(returnedAt).Should().OnlyContain(s => s.ByCamera[port2].All(e => e.Group == rig.A.Pid), "cam2 stayed on a");

            // (d) Partition B from PostgreSQL and Redis while it pulls a watched camera: B's FFmpeg ends before A's starts.
            await liveA.CloseAsync(); // nobody watches cam2 on A: idle, it goes back to its pinned node b
            await Eventually.WaitUntilAsync(async () => await ClusterFixture.NodeOfAsync(rig.ClientA, cam2) == "b", s_wait,
                "idle cam2 handed back to its pinned node b");
            liveA = await ClusterFixture.OpenAsync(contextA, rig.A, ""); // watched through A again, pulled by B
            await WaitForDecodingAsync(liveA, cam2);
            await WaitForPullerAsync(census, port2, rig.B, "cam2 pulled by b before the partition");
            int partitionedB = rig.B.Pid;
            TimeSpan cutAt;
            await using (PacketFilter cut = await PacketFilter.InstallAsync(string.Create(CultureInfo.InvariantCulture,
                $"iifname \"{NodeNamespace.HostSide}\" tcp dport {{ {rig.Postgres.Port}, {rig.Redis.Port} }} counter drop")))
            {
                cutAt = census.Now;
                await WaitForBReadyAsync(HttpStatusCode.ServiceUnavailable, "b answers 503 (not ready) while cut off");
                await Eventually.WaitUntilAsync(async () => await ClusterFixture.NodeOfAsync(rig.ClientA, cam2) == "a", s_wait, "cam2 claimed by a");
                await WaitForPullerAsync(census, port2, rig.A, "cam2 pulled by a after the partition");
                (await cut.DroppedPacketsAsync()).Should().BePositive("b really met the filter");
            }

            IReadOnlyList<CensusSample> afterCut = census.Since(cutAt);
            TimeSpan lastB = afterCut.Where(s => s.ByCamera[port2].Any(e => e.Group == partitionedB)).Select(s => s.At).DefaultIfEmpty(cutAt).Max();
            TimeSpan firstA = afterCut.First(s => s.ByCamera[port2].Any(e => e.Group == rig.A.Pid)).At;
            results["partition_b_stopped_after_s"] = Seconds(lastB - cutAt);
            results["partition_a_started_after_s"] = Seconds(firstA - cutAt);
            lastB.Should().BeLessThan(firstA, "the partitioned owner's FFmpeg ended before the new owner's started");
            (lastB - cutAt).Should().BeLessThan(TimeSpan.FromSeconds(9), "B fences at its valid-until (last renew + 7.5 s)");

            // Healed: B finds its lease gone and does not take the watched camera back.
            TimeSpan healedAt = census.Now;
            await WaitForBReadyAsync(HttpStatusCode.OK, "b ready again after the partition healed");
            await ObserveAsync(census, TimeSpan.FromSeconds(20));
            (await ClusterFixture.NodeOfAsync(rig.ClientA, cam2)).Should().Be("a");
            census.Since(healedAt).Should().OnlyContain(s => s.ByCamera[port2].All(e => e.Group == rig.A.Pid), "b does not take cam2 back");
        }
        finally
        {
            results["violations"] = census.Violations(TimeSpan.Zero);
            results["samples"] = census.Since(TimeSpan.Zero).Count;
            await File.WriteAllTextAsync(Path.Combine(RepositoryPaths.Artifacts, "cluster-failover.json"),
                JsonSerializer.Serialize(results, new JsonSerializerOptions { WriteIndented = true }));
            output.WriteLine(JsonSerializer.Serialize(results));
        }

        census.Violations(TimeSpan.Zero).Should().BeEmpty("no camera is ever pulled by two FFmpeg or two nodes");
    }

    private async Task WaitForOwnersAsync(int cam1, string owner1, int cam2, string owner2, string what) =>
        await Eventually.WaitUntilAsync(async () =>
            await ClusterFixture.NodeOfAsync(rig.ClientA, cam1) == owner1 && await ClusterFixture.NodeOfAsync(rig.ClientA, cam2) == owner2
            && await ClusterFixture.NodeOfAsync(rig.ClientB, cam1) == owner1 && await ClusterFixture.NodeOfAsync(rig.ClientB, cam2) == owner2,
            s_wait, what);

    /// <summary>Waits for the camera's tile on the Live page, then for it to decode.</summary>
    private static async Task WaitForDecodingAsync(IPage page, int cameraId)
    {
        await page.Locator($".live-tile[data-camera-id='{cameraId}'] video").WaitForAsync(
            new LocatorWaitForOptions { State = WaitForSelectorState.Attached, Timeout = (float)s_wait.TotalMilliseconds });
        await LiveTileProbe.WaitForDecodingAsync(page, cameraId, s_wait);
    }

    private static Task WaitForStatusPageNodeAsync(IPage page, int cameraId, string node) =>
        Eventually.WaitUntilAsync(async () =>
        {
            ILocator cell = page.Locator($"tr:has(td[data-camera-id='{cameraId}']) td[data-testid=status-node]");
            return await cell.CountAsync() == 1 && (await cell.InnerTextAsync()).Trim() == node;
        }, s_wait, $"the Status page on {page.Url} shows camera {cameraId} on node {node}");

    /// <summary>Waits until the census shows exactly one FFmpeg for the camera, started by <paramref name="node"/>.</summary>
    private static Task WaitForPullerAsync(FfmpegCensusRecorder census, int cameraPort, ClusterNodeProcess node, string what) =>
        Eventually.WaitUntilAsync(() => census.Sample().ByCamera[cameraPort] is [{ } only] && only.Group == node.Pid, s_wait, what);

    /// <summary>
    /// The time from <paramref name="since"/> (the kill) to the tile's next painted frame: the frame counter of the
    /// &lt;video&gt; grows again (or restarts with a new element).
    /// </summary>
    private static async Task<TimeSpan> WaitForResumeAsync(IPage page, int cameraId, Stopwatch since, TimeSpan deadline, List<string> trace)
    {
        // Called once the camera has moved: its old owner died ≥ LeaseTtl ago and the new one has only just claimed it,
        // so the counter stands still now (stalled) and the next frame painted is the resumed picture.
        int last = (await LiveTileProbe.ReadAsync(page, cameraId)).Frames;
        TimeSpan changedAt = since.Elapsed;
        bool stalled = true;
        TimeSpan? resumed = null;
        TileSample? sample = null;
        try
        {
            await WaitAsync();
        }
        catch (TimeoutException ex)
        {
            await ChromiumBrowser.ScreenshotAsync(page, "cluster-failover-resume");
            throw new TimeoutException($"{ex.Message}; last tile sample: {sample}", ex);
        }

        return resumed!.Value;

        Task WaitAsync() => Eventually.WaitUntilAsync(async () =>
        {
            sample = await LiveTileProbe.ReadAsync(page, cameraId);
            int frames = sample.Frames;
            TimeSpan now = since.Elapsed;
            trace.Add(string.Create(CultureInfo.InvariantCulture, $"{now.TotalSeconds:0.00} {frames} {sample.PlayerState} {sample.Width}"));
            if (frames < last)
            {
                stalled = true; // a new <video>: its count starts again
                last = 0;
            }

            if (frames > last)
            {
                if (stalled)
                {
                    resumed = now;
                    return true;
                }

                last = frames;
                changedAt = now;
            }
            else if (now - changedAt >= TimeSpan.FromSeconds(1))
            {
                stalled = true;
            }

            return false;
        }, deadline, $"the tile of camera {cameraId} shows new frames after the owner was killed");
    }

    /// <summary>
    /// B's <c>/health/ready</c> as a load balancer's probe sees it: anonymous (an API token would be checked against the
    /// database B cannot reach). Each probe must be answered: while B is cut off its database and Redis checks wait on
    /// connections whose packets are dropped, and only their time limit (5 s each) turns that into a 503 a probe can see.
    /// </summary>
    private async Task WaitForBReadyAsync(HttpStatusCode expected, string what)
    {
        using var probe = new HttpClient { BaseAddress = rig.B.Spec.BaseAddress, Timeout = TimeSpan.FromSeconds(15) };
        await Eventually.WaitUntilAsync(async () =>
        {
            using HttpResponseMessage response = await probe.GetAsync("health/ready");
            return response.StatusCode == expected;
        }, TimeSpan.FromSeconds(90), what);
    }

    /// <summary>Lets the census run for <paramref name="window"/>: an observation period the assertions then read, not a wait for anything.</summary>
    private static Task ObserveAsync(FfmpegCensusRecorder census, TimeSpan window)
    {
        TimeSpan until = census.Now + window;
        return Eventually.WaitUntilAsync(() => census.Now >= until, window + TimeSpan.FromSeconds(5), "the observation window passed");
    }

    private static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        }
        catch (IOException)
        {
            return string.Empty;
        }
    }

    private static double Seconds(TimeSpan span) => Math.Round(span.TotalSeconds, 2);

    private static string LoadAverage() => File.ReadAllText("/proc/loadavg").Trim();
}
