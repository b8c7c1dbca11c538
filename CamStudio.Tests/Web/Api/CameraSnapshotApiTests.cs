using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CamStudio.Core.Accounts;
using CamStudio.Media.Snapshots;
using CamStudio.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CamStudio.Tests.Web.Api;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CameraSnapshotApiCollection : ICollectionFixture<CameraSnapshotApiFixture>
{
    public const string Name = "Snapshots and posters";
}

/// <summary>
/// The whole app in memory with the GStreamer RTSP test camera on loopback (1280×720 main, 640×360 sub, 2 s GOP, basic
/// and digest auth). Posters are checked every 200 ms so a running stream's poster is written within a test's time;
/// no start-up grabs (the database is new); a small per-user snapshot budget for the rate-limit test.
/// </summary>
public sealed class CameraSnapshotApiFixture : IAsyncLifetime
{
    public const int SnapshotsPerMinute = 30;

    public RtspTestCamera Camera { get; private set; } = null!;

    public CamStudioAppFactory App { get; private set; } = null!;

    /// <summary>Sends the test admin's API token (a bearer token, as Home Assistant would).</summary>
    public HttpClient Admin { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Camera = await RtspTestCamera.StartAsync(new RtspTestCameraOptions(), CancellationToken.None);
        App = new CamStudioAppFactory(new Dictionary<string, string?>
        {
            ["Streams:GracePeriod"] = "00:01:00",
            ["Posters:CheckInterval"] = "00:00:00.200",
            ["Posters:GrabMissingAtStart"] = "false",
            ["Security:SnapshotsPerMinute"] = SnapshotsPerMinute.ToString(CultureInfo.InvariantCulture),
        });
        Admin = App.CreateClient();
    }

    public async Task DisposeAsync()
    {
        Admin?.Dispose();
        if (App is not null)
        {
            await App.DisposeAsync();
        }

        if (Camera is not null)
        {
            await Camera.DisposeAsync();
        }
    }

    /// <summary>A new camera (each test its own, so no test sees another's cached snapshot) pointing at the test camera.</summary>
    public async Task<int> CreateCameraAsync(string quality = "stream2", string? password = null, int? port = null)
    {
        using HttpResponseMessage created = await Admin.PostAsJsonAsync("/api/cameras/create", new
        {
            name = "Snap " + Guid.NewGuid().ToString("N")[..8],
            ip_address = "127.0.0.1",
            rtsp_port = port ?? Camera.Port,
            hd_path = "stream1",
            sd_path = "stream2",
            username = Camera.User,
            password = password ?? Camera.Password,
            stream_quality = quality,
        });
        string body = await created.Content.ReadAsStringAsync();
        created.StatusCode.Should().Be(HttpStatusCode.Created, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("camera_id").GetInt32();
    }

    /// <summary>Starts the camera's stream the way any viewer does (an LL-HLS viewer: no browser needed) and waits for its first key frame.</summary>
    public async Task StartStreamAsync(int cameraId, string quality)
    {
        using HttpResponseMessage response = await Admin.GetAsync($"/api/cameras/{cameraId}/hls/index.m3u8?quality={quality}");
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }
}

/// <summary>
/// Issue 17 §2: snapshot.jpg from a running stream's key frame and from a cold grab, decoded by ffprobe at the chosen
/// quality's size; bearer tokens, 401, the per-user 429, 503 with a sentence and never the password; posters written
/// after a stream ran, served with validators, removed with the camera.
/// </summary>
[Collection(CameraSnapshotApiCollection.Name)]
public sealed class CameraSnapshotApiTests(CameraSnapshotApiFixture fx)
{
    private static CancellationToken Ct => CancellationToken.None;

    [Theory]
    [InlineData("stream1", 1280, 720)]
    [InlineData("stream2", 640, 360)]
    public async Task A_camera_nobody_watches_is_grabbed_at_the_chosen_quality(string quality, int width, int height)
    {
        int cameraId = await fx.CreateCameraAsync();
        Snapshot? taken = null;
        SnapshotService snapshots = fx.App.Services.GetRequiredService<SnapshotService>();
        void OnTaken(Snapshot s)
        {
            if (s.CameraId == cameraId)
            {
                taken = s;
            }
        }

        snapshots.Taken += OnTaken;
        try
        {
            using HttpResponseMessage response = await fx.Admin.GetAsync($"/api/cameras/{cameraId}/snapshot.jpg?quality={quality}", Ct);
            byte[] jpeg = await response.Content.ReadAsByteArrayAsync(Ct);

            response.StatusCode.Should().Be(HttpStatusCode.OK, System.Text.Encoding.UTF8.GetString(jpeg));
            response.Content.Headers.ContentType!.MediaType.Should().Be("image/jpeg");
            response.Headers.CacheControl!.NoCache.Should().BeTrue();
            response.Headers.Age.Should().NotBeNull();
            response.Headers.GetValues("X-Snapshot-Age").Single().Should().MatchRegex("^[0-9]+$");
            (await ProbeJpegAsync(jpeg)).Should().Be($"mjpeg,{width},{height}");
            taken!.FromRunningStream.Should().BeFalse("nobody watches the camera, so nothing runs");
        }
        finally
        {
            snapshots.Taken -= OnTaken;
        }
    }

    [Theory]
    [InlineData("stream1", 1280, 720)]
    [InlineData("stream2", 640, 360)]
    public async Task A_running_stream_gives_its_last_key_frame_at_its_quality(string quality, int width, int height)
    {
        int cameraId = await fx.CreateCameraAsync(quality);
        await fx.StartStreamAsync(cameraId, quality);
        var taken = new TaskCompletionSource<Snapshot>(TaskCreationOptions.RunContinuationsAsynchronously);
        SnapshotService snapshots = fx.App.Services.GetRequiredService<SnapshotService>();
        void OnTaken(Snapshot s)
        {
            if (s.CameraId == cameraId)
            {
                taken.TrySetResult(s);
            }
        }

        snapshots.Taken += OnTaken;
        try
        {
            // No quality given: the camera's own setting.
            using HttpResponseMessage response = await fx.Admin.GetAsync($"/api/cameras/{cameraId}/snapshot.jpg", Ct);
            byte[] jpeg = await response.Content.ReadAsByteArrayAsync(Ct);

            response.StatusCode.Should().Be(HttpStatusCode.OK, System.Text.Encoding.UTF8.GetString(jpeg));
            (await ProbeJpegAsync(jpeg)).Should().Be($"mjpeg,{width},{height}");
            Snapshot snapshot = await taken.Task.WaitAsync(TimeSpan.FromSeconds(5), Ct);
            snapshot.FromRunningStream.Should().BeTrue("the stream runs, so its cached key frame is decoded instead of a second RTSP session");

            // Within the cache window a second request is the same picture, older by the time that passed.
            using HttpResponseMessage again = await fx.Admin.GetAsync($"/api/cameras/{cameraId}/snapshot.jpg", Ct);
            (await again.Content.ReadAsByteArrayAsync(Ct)).Should().Equal(jpeg);
        }
        finally
        {
            snapshots.Taken -= OnTaken;
        }
    }

    [Fact]
    public async Task A_viewers_bearer_token_works_and_no_token_is_a_401()
    {
        int cameraId = await fx.CreateCameraAsync();
        string token = await TestAccounts.CreateUserWithTokenAsync(fx.App.Services, "snap-viewer-" + Guid.NewGuid().ToString("N")[..6], CamStudioRoles.Viewer);
        using HttpClient viewer = fx.App.CreateClient();
        viewer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using HttpClient anonymous = fx.App.CreateClient();
        anonymous.DefaultRequestHeaders.Authorization = null;

        using HttpResponseMessage ok = await viewer.GetAsync($"/api/cameras/{cameraId}/snapshot.jpg", Ct);
        using HttpResponseMessage refused = await anonymous.GetAsync($"/api/cameras/{cameraId}/snapshot.jpg", Ct);
        using HttpResponseMessage refusedPoster = await anonymous.GetAsync($"/api/cameras/{cameraId}/poster.jpg", Ct);

        ok.StatusCode.Should().Be(HttpStatusCode.OK, await ok.Content.ReadAsStringAsync(Ct));
        refused.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        refusedPoster.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_user_over_the_snapshot_budget_gets_429_with_retry_after_and_others_do_not()
    {
        int cameraId = await fx.CreateCameraAsync();
        string token = await TestAccounts.CreateUserWithTokenAsync(fx.App.Services, "snap-poller-" + Guid.NewGuid().ToString("N")[..6], CamStudioRoles.Viewer);
        using HttpClient poller = fx.App.CreateClient();
        poller.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        // The budget's requests share one grab (the cache), so spending it is quick.
        for (int i = 0; i < CameraSnapshotApiFixture.SnapshotsPerMinute; i++)
        {
            using HttpResponseMessage ok = await poller.GetAsync($"/api/cameras/{cameraId}/snapshot.jpg", Ct);
            ok.StatusCode.Should().Be(HttpStatusCode.OK, $"request {i + 1} is within the budget");
        }

        using HttpResponseMessage limited = await poller.GetAsync($"/api/cameras/{cameraId}/snapshot.jpg", Ct);
        using HttpResponseMessage someoneElse = await fx.Admin.GetAsync($"/api/cameras/{cameraId}/snapshot.jpg", Ct);

        limited.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        limited.Headers.RetryAfter!.Delta.Should().BePositive();
        JsonElement problem = await limited.Content.ReadFromJsonAsync<JsonElement>(Ct);
        problem.GetProperty("code").GetString().Should().Be("rate_limited");
        someoneElse.StatusCode.Should().Be(HttpStatusCode.OK, "the budget is per user");
    }

    [Fact]
    public async Task An_unreachable_camera_is_a_503_with_one_sentence()
    {
        int cameraId = await fx.CreateCameraAsync(password: "unreachable-Pa55word", port: FreePort.Tcp());

        using HttpResponseMessage response = await fx.Admin.GetAsync($"/api/cameras/{cameraId}/snapshot.jpg", Ct);
        string body = await response.Content.ReadAsStringAsync(Ct);

        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable, body);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        JsonElement problem = JsonDocument.Parse(body).RootElement;
        problem.GetProperty("code").GetString().Should().Be("camera_unavailable");
        problem.GetProperty("detail").GetString().Should().Be("The camera could not be reached.");
        body.Should().NotContain("unreachable-Pa55word");
    }

    [Fact]
    public async Task A_wrong_password_is_a_503_that_says_so_without_the_password()
    {
        int cameraId = await fx.CreateCameraAsync(password: "Wrong-Pa55word");

        using HttpResponseMessage response = await fx.Admin.GetAsync($"/api/cameras/{cameraId}/snapshot.jpg", Ct);
        string body = await response.Content.ReadAsStringAsync(Ct);

        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable, body);
        JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString().Should().Be("The camera rejected the username or password.");
        body.Should().NotContain("Wrong-Pa55word");
    }

    [Fact]
    public async Task An_unknown_camera_or_quality_is_refused_in_the_problem_format()
    {
        int cameraId = await fx.CreateCameraAsync();
        using HttpResponseMessage unknown = await fx.Admin.GetAsync("/api/cameras/999999/snapshot.jpg", Ct);
        using HttpResponseMessage badQuality = await fx.Admin.GetAsync($"/api/cameras/{cameraId}/snapshot.jpg?quality=4k", Ct);

        unknown.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await unknown.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("code").GetString().Should().Be("camera_not_found");
        badQuality.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await badQuality.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("code").GetString().Should().Be("invalid_quality");
    }

    [Fact]
    public async Task A_stream_that_ran_leaves_a_poster_served_from_disk_with_validators_and_removed_with_the_camera()
    {
        int cameraId = await fx.CreateCameraAsync("stream2");
        string file = Path.Combine(fx.App.DataDirectory, "posters", cameraId.ToString(CultureInfo.InvariantCulture) + ".jpg");
        using (HttpResponseMessage none = await fx.Admin.GetAsync($"/api/cameras/{cameraId}/poster.jpg", Ct))
        {
            none.StatusCode.Should().Be(HttpStatusCode.NotFound, "nothing was ever taken of this camera");
        }

        await fx.StartStreamAsync(cameraId, "stream2");
        await Eventually.WaitUntilAsync(() => File.Exists(file), TimeSpan.FromSeconds(15), "the poster service renews a streaming camera's poster", Ct);

        using HttpResponseMessage poster = await fx.Admin.GetAsync($"/api/cameras/{cameraId}/poster.jpg", Ct);
        byte[] jpeg = await poster.Content.ReadAsByteArrayAsync(Ct);
        poster.StatusCode.Should().Be(HttpStatusCode.OK);
        poster.Content.Headers.ContentType!.MediaType.Should().Be("image/jpeg");
        poster.Content.Headers.LastModified.Should().NotBeNull();
        (await ProbeJpegAsync(jpeg)).Should().Be("mjpeg,640,360");

        using var revalidate = new HttpRequestMessage(HttpMethod.Get, $"/api/cameras/{cameraId}/poster.jpg");
        revalidate.Headers.IfNoneMatch.Add(poster.Headers.ETag!);
        using HttpResponseMessage notModified = await fx.Admin.SendAsync(revalidate, Ct);
        notModified.StatusCode.Should().Be(HttpStatusCode.NotModified);

        using HttpResponseMessage deleted = await fx.Admin.DeleteAsync($"/api/cameras/{cameraId}", Ct);
        deleted.StatusCode.Should().Be(HttpStatusCode.NoContent);
        File.Exists(file).Should().BeFalse("a deleted camera's poster goes with it");
        using HttpResponseMessage gone = await fx.Admin.GetAsync($"/api/cameras/{cameraId}/poster.jpg", Ct);
        gone.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    /// <summary>"codec,width,height" of the first stream, as ffprobe reads the bytes.</summary>
    private static async Task<string> ProbeJpegAsync(byte[] jpeg)
    {
        string path = Path.Combine(Path.GetTempPath(), "camstudio-snapshot-" + Guid.NewGuid().ToString("N") + ".jpg");
        try
        {
            await File.WriteAllBytesAsync(path, jpeg);
            (int exit, string output) = await ChildProcess.RunAsync("ffprobe",
                ["-v", "error", "-show_entries", "stream=codec_name,width,height", "-of", "csv=p=0", path],
                TimeSpan.FromSeconds(30), CancellationToken.None);
            exit.Should().Be(0, output);
            return output.Trim();
        }
        finally
        {
            File.Delete(path);
        }
    }
}
