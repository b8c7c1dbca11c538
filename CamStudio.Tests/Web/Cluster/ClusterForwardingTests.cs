using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CamStudio.Core.Accounts;
using CamStudio.Media.Streaming;
using CamStudio.Media.WebRtc;
using CamStudio.Tests.Infrastructure;
using CamStudio.Tests.Media.Sdp;
using CamStudio.Web.Cluster.Forwarding;
using CamStudio.Web.Security;
using Microsoft.Extensions.DependencyInjection;

namespace CamStudio.Tests.Web.Cluster;

/// <summary>
/// Forwarded offers between two whole apps (plan §5, slice S6 part 2): an offer at the entry node for a camera the
/// other node owns is answered by the owner (its SDP, its candidates), the user's cap is counted once at the entry
/// node and freed however the session ends (closed at the entry node, ended at the owner), and an offer for a camera
/// whose owner died waits for the move instead of failing at once.
/// </summary>
[Collection(PostgresServerCollection.Name)]
public sealed class ClusterForwardingTests(PostgresServer postgres, RedisServer redis) : IClassFixture<RedisServer>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task An_offer_at_the_entry_node_is_answered_by_the_owner_and_the_cap_is_counted_once_at_the_entry_node()
    {
        await using var nodes = new ForwardingNodes(redis, postgres,
            new Dictionary<string, string?> { ["Security:MaxViewerSessionsPerUser"] = "2" });
        await nodes.StartAsync();
        int cameraId = await nodes.CreateCameraAsync();
        nodes.Leases.Set(cameraId, "b");
        using HttpClient browser = nodes.A.CreateClient();
        ViewerSessionLimiter capAtA = nodes.A.Services.GetRequiredService<ViewerSessionLimiter>();
        WebRtcServer webRtcAtB = nodes.B.Services.GetRequiredService<WebRtcServer>();
        string user = await AdminIdAsync(nodes.A);

        JsonElement first = await OfferAsync(browser, cameraId, HttpStatusCode.OK);
        string answer = first.GetProperty("sdp").GetString()!;
        answer.Should().Contain(Candidate(nodes.B), "the browser connects to the owner directly")
            .And.NotContain(Candidate(nodes.A));
        nodes.A.Services.GetRequiredService<WebRtcServer>().SessionCount.Should().Be(0, "no media session on the entry node");
        webRtcAtB.SessionCount.Should().Be(1);
        first.GetProperty("ice_servers").ValueKind.Should().Be(JsonValueKind.Array, "the entry node's ICE servers");
        capAtA.OpenSessions(user).Should().Be(1);
        nodes.B.Services.GetRequiredService<ViewerSessionLimiter>().OpenSessions(user).Should().Be(0, "counted once, at the entry node");

        JsonElement second = await OfferAsync(browser, cameraId, HttpStatusCode.OK);
        JsonElement refused = await OfferAsync(browser, cameraId, HttpStatusCode.TooManyRequests);
        refused.GetProperty("code").GetString().Should().Be("viewer_limit", "cap 2 although both sessions live on the owner");

        // Closing at the entry node (the public DELETE) frees the slot at once and ends the session on the owner.
        string firstId = first.GetProperty("session_id").GetString()!;
        using (HttpResponseMessage deleted = await browser.DeleteAsync($"/api/cameras/{cameraId}/webrtc/{firstId}"))
        {
            deleted.StatusCode.Should().Be(HttpStatusCode.OK, await deleted.Content.ReadAsStringAsync());
        }

        capAtA.OpenSessions(user).Should().Be(1);
        await Eventually.WaitUntilAsync(() => webRtcAtB.SessionCount == 1, Deadline, "the owner ended the closed session");
        (await browser.DeleteAsync($"/api/cameras/{cameraId}/webrtc/{firstId}")).StatusCode.Should().Be(HttpStatusCode.NotFound, "ended already");

        // The owner ends a session itself (its camera is deleted there): the entry node hears it and frees the slot.
        using (HttpClient ownerAdmin = nodes.B.CreateClient())
        {
            (await ownerAdmin.DeleteAsync($"/api/cameras/{cameraId}")).IsSuccessStatusCode.Should().BeTrue();
        }

        await Eventually.WaitUntilAsync(() => capAtA.OpenSessions(user) == 0, Deadline, "the owner's \"ended\" message freed the slot");
        nodes.A.Services.GetRequiredService<RemoteViewerSessions>().Find(second.GetProperty("session_id").GetString()!, null)
            .Should().BeNull();
    }

    [Fact]
    public async Task A_tile_closing_a_forwarded_session_ends_it_on_the_owner_and_another_users_delete_is_refused()
    {
        await using var nodes = new ForwardingNodes(redis, postgres);
        await nodes.StartAsync();
        int cameraId = await nodes.CreateCameraAsync();
        nodes.Leases.Set(cameraId, "b");
        using HttpClient browser = nodes.A.CreateClient();
        string viewerToken = await TestAccounts.CreateUserWithTokenAsync(nodes.A.Services, "other-viewer", "Viewer");
        using HttpClient other = nodes.A.CreateClient();
        other.DefaultRequestHeaders.Authorization = new("Bearer", viewerToken);
        WebRtcServer webRtcAtB = nodes.B.Services.GetRequiredService<WebRtcServer>();

        string id = (await OfferAsync(browser, cameraId, HttpStatusCode.OK)).GetProperty("session_id").GetString()!;
        (await other.DeleteAsync($"/api/cameras/{cameraId}/webrtc/{id}")).StatusCode.Should().Be(HttpStatusCode.NotFound, "not theirs");
        webRtcAtB.SessionCount.Should().Be(1);

        // The circuit's own close (a live tile) has no user: it is the one that opened the session.
        nodes.A.Services.GetRequiredService<CamStudio.Web.Services.ViewerOfferService>().Close(cameraId, id).Should().BeTrue();
        await Eventually.WaitUntilAsync(() => webRtcAtB.SessionCount == 0, Deadline, "the owner ended the session");
        nodes.B.Services.GetRequiredService<ForwardedSessions>().Count.Should().Be(0);
    }

    [Fact]
    public async Task An_offer_for_a_dead_owners_camera_waits_for_the_move_and_is_served_by_the_new_owner()
    {
        await using var nodes = new ForwardingNodes(redis, postgres);
        await nodes.StartAsync();
        int cameraId = await nodes.CreateCameraAsync();
        nodes.Leases.Set(cameraId, "b");
        nodes.Kill("b");
        // The leases move the camera to the entry node after the offer found its owner dead (as the coordinator would
        // after the dead owner's lease expired): the offer must wait for that, not answer owner_unavailable at once.
        var moved = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        nodes.DeadNodeCalled += node =>
        {
            nodes.Leases.Set(cameraId, null); // moving…
            _ = Task.Run(async () =>
            {
                await Task.Yield();
                nodes.Leases.Set(cameraId, "a");
                moved.TrySetResult();
            });
        };
        using HttpClient browser = nodes.A.CreateClient();

        JsonElement answered = await OfferAsync(browser, cameraId, HttpStatusCode.OK);
        moved.Task.IsCompleted.Should().BeTrue("the dead owner was tried first");
        answered.GetProperty("sdp").GetString().Should().Contain(Candidate(nodes.A), "served by the new owner, this node");
        nodes.A.Services.GetRequiredService<WebRtcServer>().SessionCount.Should().Be(1);
    }

    [Fact]
    public async Task An_owner_that_answers_not_owner_is_asked_again_once_its_view_of_the_leases_caught_up()
    {
        await using var nodes = new ForwardingNodes(redis, postgres);
        await nodes.StartAsync();
        int cameraId = await nodes.CreateCameraAsync();
        nodes.Leases.Set(cameraId, "b");
        nodes.Leases.Lag("b", cameraId, "a"); // b has not read its own claim yet: it answers not_owner
        int notOwner = 0;
        nodes.NodeAnswered += (node, status) =>
        {
            if (node == "b" && status == HttpStatusCode.Conflict && Interlocked.Increment(ref notOwner) == 1)
            {
                nodes.Leases.CatchUp("b", cameraId);
            }
        };
        using HttpClient browser = nodes.A.CreateClient();

        JsonElement answered = await OfferAsync(browser, cameraId, HttpStatusCode.OK);
        notOwner.Should().Be(1, "the first try met not_owner");
        answered.GetProperty("sdp").GetString().Should().Contain(Candidate(nodes.B));
        nodes.B.Services.GetRequiredService<WebRtcServer>().SessionCount.Should().Be(1);
    }

    [Fact]
    public async Task An_offer_for_a_camera_nobody_takes_over_is_owner_unavailable_after_the_owner_wait()
    {
        await using var nodes = new ForwardingNodes(redis, postgres,
            new Dictionary<string, string?> { ["Cluster:OwnerWait"] = "00:00:01.5" });
        await nodes.StartAsync();
        int cameraId = await nodes.CreateCameraAsync();
        nodes.Leases.Set(cameraId, "b");
        nodes.Kill("b");
        using HttpClient browser = nodes.A.CreateClient();
        string user = await AdminIdAsync(nodes.A);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        JsonElement refused = await OfferAsync(browser, cameraId, HttpStatusCode.ServiceUnavailable);
        clock.Elapsed.Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(1.4), "it waited for the move");
        refused.GetProperty("code").GetString().Should().Be("owner_unavailable");
        refused.GetProperty("retryable").GetBoolean().Should().BeTrue();
        nodes.A.Services.GetRequiredService<ViewerSessionLimiter>().OpenSessions(user).Should().Be(0, "no slot held for a refused offer");

        // An unknown camera is not waited for: nobody owns it because it does not exist.
        (await OfferAsync(browser, cameraId + 100, HttpStatusCode.NotFound)).GetProperty("code").GetString().Should().Be("camera_not_found");
    }

    [Fact]
    public async Task An_hls_viewer_at_the_entry_node_plays_the_owners_stream_relayed_through_the_entry_node()
    {
        await using var nodes = new ForwardingNodes(redis, postgres);
        await nodes.StartAsync();
        int cameraId = await nodes.CreateCameraAsync(new { name = "Demo", source = "demo" }); // real FFmpeg test pattern
        nodes.Leases.Set(cameraId, "b");
        using HttpClient browser = nodes.A.CreateClient();
        string user = await AdminIdAsync(nodes.A);
        CameraStreamHost streamsAtA = nodes.A.Services.GetRequiredService<CameraStreamHost>();
        CameraStreamHost streamsAtB = nodes.B.Services.GetRequiredService<CameraStreamHost>();

        using HttpResponseMessage opened = await browser.GetAsync($"/api/cameras/{cameraId}/hls/index.m3u8?quality=stream2");
        string multivariant = await opened.Content.ReadAsStringAsync();
        opened.StatusCode.Should().Be(HttpStatusCode.OK, multivariant);
        opened.Headers.CacheControl!.NoStore.Should().BeTrue();
        multivariant.Should().MatchRegex(@"CODECS=""avc1\.42[0-9a-f]{4}"",RESOLUTION=\d+x\d+\n/api/hls/[A-Za-z0-9_-]{22}/index\.m3u8\n",
            "the owner's playlist, with the codec of the owner's stream");
        string playlistPath = multivariant.Split('\n').Single(l => l.StartsWith("/api/hls/", StringComparison.Ordinal));
        string sessionId = playlistPath.Split('/')[3];
        streamsAtB.FindHlsViewer(sessionId, user).Should().NotBeNull("the viewer lives on the owner");
        streamsAtA.FindHlsViewer(sessionId, user).Should().BeNull();
        nodes.A.Services.GetRequiredService<ViewerSessionLimiter>().OpenSessions(user).Should().Be(1, "counted at the entry node");

        // A blocking reload (the query goes along), the init segment and a segment, all through the entry node.
        string folder = playlistPath[..(playlistPath.LastIndexOf('/') + 1)];
        using HttpResponseMessage reload = await browser.GetAsync(playlistPath + "?_HLS_msn=1");
        string playlist = await reload.Content.ReadAsStringAsync();
        reload.StatusCode.Should().Be(HttpStatusCode.OK, playlist);
        reload.Content.Headers.ContentType!.MediaType.Should().Be("application/vnd.apple.mpegurl");
        playlist.Should().Contain("#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES").And.Contain("seg0.m4s");
        byte[] init = await browser.GetByteArrayAsync(folder + "init.mp4");
        byte[] segment = await browser.GetByteArrayAsync(folder + "seg0.m4s");
        string file = Path.Combine(Path.GetTempPath(), "camstudio-fwd-hls-" + Guid.NewGuid().ToString("N") + ".mp4");
        try
        {
            await File.WriteAllBytesAsync(file, [.. init, .. segment]);
            (int exit, string output) = await ChildProcess.RunAsync("ffmpeg",
                ["-hide_banner", "-v", "error", "-xerror", "-i", file, "-f", "null", "-"], TimeSpan.FromSeconds(60), CancellationToken.None);
            exit.Should().Be(0, output);
            output.Should().BeEmpty("every picture of the relayed segment decodes");
        }
        finally
        {
            File.Delete(file);
        }

        // Another user cannot use the session id; its owner ends the session at the entry node's DELETE.
        string viewerToken = await TestAccounts.CreateUserWithTokenAsync(nodes.A.Services, "hls-other", "Viewer");
        using (HttpClient other = nodes.A.CreateClient())
        {
            other.DefaultRequestHeaders.Authorization = new("Bearer", viewerToken);
            (await other.GetAsync(folder + "init.mp4")).StatusCode.Should().Be(HttpStatusCode.NotFound);
            (await other.DeleteAsync(folder)).StatusCode.Should().Be(HttpStatusCode.NotFound);
        }

        (await browser.DeleteAsync(folder)).StatusCode.Should().Be(HttpStatusCode.OK);
        nodes.A.Services.GetRequiredService<ViewerSessionLimiter>().OpenSessions(user).Should().Be(0);
        await Eventually.WaitUntilAsync(() => streamsAtB.FindHlsViewer(sessionId, user) is null, Deadline, "the owner ended the viewer");
        (await browser.GetAsync(folder + "init.mp4")).StatusCode.Should().Be(HttpStatusCode.NotFound, "the session is gone");
    }

    private static async Task<JsonElement> OfferAsync(HttpClient client, int cameraId, HttpStatusCode expected)
    {
        using HttpResponseMessage response = await client.PostAsJsonAsync(
            $"/api/cameras/{cameraId}/webrtc/offer", new { sdp = SdpFixtures.Chrome126VideoOnly, type = "offer", quality = "stream2" });
        string text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(expected, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>The answer's host candidate port of <paramref name="app"/>'s WebRTC socket.</summary>
    private static string Candidate(CamStudioAppFactory app) => string.Create(CultureInfo.InvariantCulture,
        $" {app.Services.GetRequiredService<WebRtcServer>().LocalEndPoint!.Port} typ host");

    /// <summary>The test admin's account id on the entry node: whom its sessions count against.</summary>
    private static async Task<string> AdminIdAsync(CamStudioAppFactory app) =>
        (await app.Services.GetRequiredService<UserAccountService>().FindIdByNameAsync(TestAccounts.AdminName, CancellationToken.None))!;
}
