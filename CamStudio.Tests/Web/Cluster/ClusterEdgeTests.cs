using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using CamStudio.Core.Cameras;
using CamStudio.Media.Streaming;
using CamStudio.Tests.Infrastructure;
using CamStudio.Web.Cluster;
using CamStudio.Web.Services;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CamStudio.Tests.Web.Cluster;

/// <summary>
/// Two whole nodes (a, b) on one PostgreSQL and one Redis, real FFmpeg and the RTSP test camera; each camera is pinned
/// to b and every request goes to a (issue 18: "a camera edited on node A restarts on its owner B"). Snapshots and
/// posters asked at a come from b; an edit or delete at a reaches b's FFmpeg before it returns; an edit b was not told
/// about is applied by b's version poll. At every check exactly the owner's FFmpeg pulls (/proc), and a runs none.
/// </summary>
[Collection(PostgresServerCollection.Name)]
public sealed class ClusterEdgeTests(PostgresServer server) : IAsyncLifetime
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(20);
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(3));
    private RedisServer _redis = null!;
    private RtspTestCamera _camera = null!;
    private ClusterAppNode _a = null!;
    private ClusterAppNode _b = null!;

    public async Task InitializeAsync()
    {
        _redis = new RedisServer();
        await _redis.InitializeAsync();
        _camera = await RtspTestCamera.StartAsync(new RtspTestCameraOptions(), _timeout.Token);
        string database = server.ConnectionString(PostgresServer.NewDatabaseName());
        string prefix = "camstudio-edge-" + Guid.NewGuid().ToString("N")[..8];
        // One after the other: the second finds the migrated database, the key ring and the test admin.
        _a = await ClusterAppNode.StartAsync("a", database, _redis.ConnectionString, prefix);
        _b = await ClusterAppNode.StartAsync("b", database, _redis.ConnectionString, prefix);
    }

    public async Task DisposeAsync()
    {
        try
        {
            await _a.DisposeAsync();
        }
        finally
        {
            await _b.DisposeAsync();
            await _camera.DisposeAsync();
            await _redis.DisposeAsync();
            _timeout.Dispose();
        }
    }

    [Fact]
    public async Task A_snapshot_and_the_poster_asked_at_a_come_from_bs_stream_and_a_pulls_nothing()
    {
        int cameraId = await CameraOnBAsync();
        using IDisposable viewer = await WatchOnBAsync(cameraId);
        int pulling = await SingleFfmpegAsync("b streams the camera");

        using HttpResponseMessage snapshot = await _a.Client.GetAsync($"/api/cameras/{cameraId}/snapshot.jpg");
        byte[] jpeg = await snapshot.Content.ReadAsByteArrayAsync();
        snapshot.StatusCode.Should().Be(HttpStatusCode.OK, System.Text.Encoding.UTF8.GetString(jpeg));
        snapshot.Content.Headers.ContentType!.MediaType.Should().Be("image/jpeg");
        jpeg.AsSpan(0, 2).ToArray().Should().Equal([0xFF, 0xD8], "a JPEG");
        snapshot.Headers.GetValues("X-Snapshot-Age").Should().ContainSingle("the owner's snapshot headers travel back");
        FfmpegCensus.Pulling(_camera.Port).Should().Equal([pulling], "b's one FFmpeg gave the picture; nothing grabbed on a");
        _a.Services.GetRequiredService<CameraStreamHost>().Streams.Should().BeEmpty("a serves none of b's streams");

        PosterInfo poster = null!;
        await Eventually.WaitUntilAsync(() => (poster = _b.Services.GetRequiredService<PosterStore>().Find(cameraId)!) is not null,
            s_wait, "b keeps the snapshot as the camera's poster", _timeout.Token);
        _a.Services.GetRequiredService<PosterStore>().Find(cameraId).Should().BeNull("posters are kept on the owner's disk");
        using HttpResponseMessage fromA = await _a.Client.GetAsync($"/api/cameras/{cameraId}/poster.jpg");
        fromA.StatusCode.Should().Be(HttpStatusCode.OK);
        (await fromA.Content.ReadAsByteArrayAsync()).Should().Equal(await File.ReadAllBytesAsync(poster.Path), "a serves b's poster file");
        fromA.Headers.ETag!.Tag.Should().Be(poster.ETag);

        using var conditional = new HttpRequestMessage(HttpMethod.Get, $"/api/cameras/{cameraId}/poster.jpg");
        conditional.Headers.IfNoneMatch.Add(new EntityTagHeaderValue(poster.ETag));
        using HttpResponseMessage notModified = await _a.Client.SendAsync(conditional);
        notModified.StatusCode.Should().Be(HttpStatusCode.NotModified, "a tile's revalidation reaches the owner's file");
    }

    [Fact]
    public async Task An_edit_at_a_restarts_bs_ffmpeg_with_the_new_path_before_it_returns_and_none_starts_on_a()
    {
        int cameraId = await CameraOnBAsync();
        using IDisposable viewer = await WatchOnBAsync(cameraId);
        int before = await SingleFfmpegAsync("b streams the camera");
        Arguments(before).Should().Contain(a => a.EndsWith(RtspTestCamera.SubStream, StringComparison.Ordinal));

        using HttpResponseMessage edited = await _a.Client.PutAsJsonAsync($"/api/cameras/{cameraId}", new { sd_path = RtspTestCamera.MainStream });

        edited.StatusCode.Should().Be(HttpStatusCode.OK, await edited.Content.ReadAsStringAsync());
        FfmpegCensus.Pulling(_camera.Port).Should().NotContain(before, "b stopped the old FFmpeg before the edit returned");
        int after = await SingleFfmpegAsync("b runs the camera with the new settings");
        after.Should().NotBe(before);
        Arguments(after).Should().Contain(a => a.EndsWith(RtspTestCamera.MainStream, StringComparison.Ordinal), "the new path");
        _a.Services.GetRequiredService<CameraStreamHost>().Streams.Should().BeEmpty("nothing started on a");
    }

    [Fact]
    public async Task A_delete_at_a_removes_bs_poster_before_it_returns_and_stops_bs_ffmpeg()
    {
        int cameraId = await CameraOnBAsync();
        using IDisposable viewer = await WatchOnBAsync(cameraId);
        await SingleFfmpegAsync("b streams the camera");
        using (HttpResponseMessage snapshot = await _a.Client.GetAsync($"/api/cameras/{cameraId}/snapshot.jpg"))
        {
            snapshot.StatusCode.Should().Be(HttpStatusCode.OK);
        }

        PosterStore posters = _b.Services.GetRequiredService<PosterStore>();
        await Eventually.WaitUntilAsync(() => posters.Find(cameraId) is not null, s_wait, "b keeps a poster", _timeout.Token);

        using HttpResponseMessage deleted = await _a.Client.DeleteAsync($"/api/cameras/{cameraId}");

        deleted.StatusCode.Should().Be(HttpStatusCode.NoContent);
        // Only the owner's delete handling removes the poster (a lost lease fences the stream, nothing else).
        posters.Find(cameraId).Should().BeNull("b applied the delete before a answered");
        // Within a kill's time, not at the instant the delete returns: the lease row goes with the camera, so b's next
        // renewal may fence the stream at the same moment; then b's remove finds it already taken out while the fence's
        // kill is still under way (CameraStreamHostFenceTests: a kill takes < 1 s).
        await Eventually.WaitUntilAsync(() => FfmpegCensus.Pulling(_camera.Port).Count == 0, TimeSpan.FromSeconds(3),
            "b stopped the deleted camera's FFmpeg", _timeout.Token);
        _b.Services.GetRequiredService<CameraStreamHost>().Streams.Should().NotContain(s => s.CameraId == cameraId);
    }

    [Fact]
    public async Task An_edit_b_was_not_told_about_is_applied_by_bs_version_poll()
    {
        int cameraId = await CameraOnBAsync();
        using IDisposable viewer = await WatchOnBAsync(cameraId);
        int before = await SingleFfmpegAsync("b streams the camera");
        // b's poll must have seen the camera's current version first (it baselines a camera when it first sees it owned).
        CameraVersionWatch watch = _b.Services.GetServices<IHostedService>().OfType<CameraVersionWatch>().Single();
        await Eventually.WaitUntilAsync(() => watch.Watches(cameraId), s_wait, "b's version poll watches the camera", _timeout.Token);

        // Saved on a without telling b: the store alone, as if the changed call had been lost.
        CameraResult saved = await _a.Services.GetRequiredService<ICameraStore>().UpdateAsync(
            cameraId, new CameraUpdate { SdPath = RtspTestCamera.MainStream }, _timeout.Token);
        saved.Should().BeOfType<CameraSaved>();

        await Eventually.WaitUntilAsync(() => FfmpegCensus.Pulling(_camera.Port) is [int pid] && pid != before
                && Arguments(pid).Any(a => a.EndsWith(RtspTestCamera.MainStream, StringComparison.Ordinal)),
            s_wait, "b's version poll restarted FFmpeg with the new path", _timeout.Token);
        _a.Services.GetRequiredService<CameraStreamHost>().Streams.Should().BeEmpty();
    }

    /// <summary>A camera pinned to b, created through a; returns once b holds it and a routes to b.</summary>
    private async Task<int> CameraOnBAsync()
    {
        int cameraId = await _a.Client.CreateRtspCameraAsync(_camera, "Porch " + Guid.NewGuid().ToString("N")[..6], null, "stream2", pinnedNode: "b");
        await Eventually.WaitUntilAsync(() => _b.Coordinator.IsLocal(cameraId), s_wait, "b claims the camera pinned to it", _timeout.Token);
        await Eventually.WaitUntilAsync(
            () => _a.Services.GetRequiredService<IRemoteCameraOwners>().Route(cameraId) is { Kind: CameraRouteKind.Remote, OwnerNode: "b" },
            s_wait, "a sees b as the owner", _timeout.Token);
        return cameraId;
    }

    /// <summary>A viewer on b's stream of the camera, so b's FFmpeg runs (as a browser's session would keep it).</summary>
    private async Task<IDisposable> WatchOnBAsync(int cameraId)
    {
        CameraStream stream = (await _b.Services.GetRequiredService<CameraStreamHost>().GetOrCreateAsync(cameraId, StreamVariant.Stream2, _timeout.Token))!;
        return stream.AddViewer();
    }

    private async Task<int> SingleFfmpegAsync(string what)
    {
        int pid = 0;
        await Eventually.WaitUntilAsync(() =>
        {
            IReadOnlyList<int> pulling = FfmpegCensus.Pulling(_camera.Port);
            pid = pulling.Count == 1 ? pulling[0] : 0;
            return pid != 0;
        }, s_wait, what, _timeout.Token);
        return pid;
    }

    private static string[] Arguments(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries);
        }
        catch (IOException)
        {
            return []; // it exited while we looked
        }
    }
}
