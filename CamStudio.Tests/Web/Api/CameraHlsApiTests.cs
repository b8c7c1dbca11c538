using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using CamStudio.Core.Accounts;
using CamStudio.Tests.Infrastructure;

namespace CamStudio.Tests.Web.Api;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CameraHlsApiCollection : ICollectionFixture<CameraHlsApiFixture>
{
    public const string Name = "LL-HLS over HTTP";
}

/// <summary>The whole app in memory with the demo camera (real FFmpeg test pattern, 2 s GOP, no B-frames).</summary>
public sealed class CameraHlsApiFixture : IAsyncLifetime
{
    public CamStudioAppFactory App { get; private set; } = null!;

    public HttpClient Admin { get; private set; } = null!;

    public int CameraId { get; private set; }

    public async Task InitializeAsync()
    {
        App = new CamStudioAppFactory(new Dictionary<string, string?> { ["Streams:GracePeriod"] = "00:01:00" });
        Admin = App.CreateClient();
        using HttpResponseMessage demo = await Admin.PostAsJsonAsync("/api/cameras/create", new { name = "Demo", source = "demo" });
        CameraId = (await demo.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("camera_id").GetInt32();
    }

    public async Task DisposeAsync()
    {
        Admin?.Dispose();
        if (App is not null)
        {
            await App.DisposeAsync();
        }
    }

    /// <summary>Opens an HLS viewer through the multivariant playlist and returns its media playlist path.</summary>
    public async Task<string> OpenAsync(HttpClient? client = null, string quality = "stream2")
    {
        using HttpResponseMessage response = await (client ?? Admin).GetAsync($"/api/cameras/{CameraId}/hls/index.m3u8?quality={quality}");
        string body = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, body);
        return body.Split('\n').Single(l => l.StartsWith("/api/hls/", StringComparison.Ordinal));
    }
}

/// <summary>
/// LL-HLS served from memory (RFC 8216bis): the multivariant playlist opens a viewer, its media playlist blocks on
/// _HLS_msn/_HLS_part and hints the next part, parts and segments are real fMP4 that FFmpeg decodes; and every bad input
/// of issue 14 §1 gets a 4xx with a code — never a 500, never an unbounded wait.
/// </summary>
[Collection(CameraHlsApiCollection.Name)]
public sealed partial class CameraHlsApiTests(CameraHlsApiFixture fx)
{
    [Fact]
    public async Task The_multivariant_playlist_names_a_fresh_session_with_the_cameras_codec_and_size()
    {
        using HttpResponseMessage response = await fx.Admin.GetAsync($"/api/cameras/{fx.CameraId}/hls/index.m3u8");
        string body = await response.Content.ReadAsStringAsync();

        response.StatusCode.Should().Be(HttpStatusCode.OK, body);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/vnd.apple.mpegurl");
        response.Headers.CacheControl!.NoStore.Should().BeTrue("each fetch opens a viewer");
        body.Should().StartWith("#EXTM3U\n");
        // The demo pattern is 640x360 baseline H.264 (profile_idc 66 = 0x42).
        body.Should().MatchRegex(@"#EXT-X-STREAM-INF:BANDWIDTH=\d+,CODECS=""avc1\.42[0-9a-f]{4}"",RESOLUTION=\d+x\d+\n/api/hls/[A-Za-z0-9_-]{22}/index\.m3u8\n");
        string second = await fx.OpenAsync();
        body.Should().NotContain(second, "every fetch is its own viewer");
    }

    [Fact]
    public async Task The_media_playlist_is_ll_hls_and_its_parts_and_segments_decode()
    {
        string playlistPath = await fx.OpenAsync();
        string folder = playlistPath[..(playlistPath.LastIndexOf('/') + 1)];

        // Block until the first segment is complete: _HLS_msn=1 is ready once segment 0 closed (§6.2.5.2).
        using HttpResponseMessage response = await fx.Admin.GetAsync(playlistPath + "?_HLS_msn=1");
        string playlist = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, playlist);
        response.Headers.CacheControl!.NoCache.Should().BeTrue();
        playlist.Should().Contain("#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES")
            .And.Contain("#EXT-X-PART-INF:PART-TARGET=")
            .And.Contain("#EXT-X-MAP:URI=\"init.mp4\"")
            .And.Contain("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"part")
            .And.Contain("seg0.m4s");

        byte[] init = await fx.Admin.GetByteArrayAsync(folder + "init.mp4");
        byte[] segment = await fx.Admin.GetByteArrayAsync(folder + "seg0.m4s");
        BoxType(init).Should().Be("ftyp");
        BoxType(segment).Should().Be("moof");

        string file = Path.Combine(Path.GetTempPath(), "camstudio-hls-" + Guid.NewGuid().ToString("N") + ".mp4");
        try
        {
            await File.WriteAllBytesAsync(file, [.. init, .. segment]);
            (int exit, string output) = await ChildProcess.RunAsync("ffmpeg",
                ["-hide_banner", "-v", "error", "-xerror", "-i", file, "-f", "null", "-"], TimeSpan.FromSeconds(60), CancellationToken.None);
            exit.Should().Be(0, output);
            output.Should().BeEmpty("every picture of the segment decodes without a complaint");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task A_blocking_reload_returns_once_the_hinted_part_exists_and_the_hinted_part_is_held_until_complete()
    {
        string playlistPath = await fx.OpenAsync();
        string folder = playlistPath[..(playlistPath.LastIndexOf('/') + 1)];
        string playlist = await fx.Admin.GetStringAsync(playlistPath);
        Match hint = PreloadHint().Match(playlist);
        hint.Success.Should().BeTrue(playlist);
        long msn = long.Parse(hint.Groups["msn"].Value, CultureInfo.InvariantCulture);
        int part = int.Parse(hint.Groups["part"].Value, CultureInfo.InvariantCulture);

        // The hinted part does not exist yet: both requests wait for it (no polling on either side).
        Task<HttpResponseMessage> partRequest = fx.Admin.GetAsync($"{folder}part{msn}.{part}.m4s");
        string reloaded = await fx.Admin.GetStringAsync($"{playlistPath}?_HLS_msn={msn}&_HLS_part={part}");
        using HttpResponseMessage partResponse = await partRequest;

        // Unless that part began a new segment at a key frame (then its name was never used, §6.2.6), it is listed now.
        if (reloaded.Contains($"part{msn}.{part}.m4s", StringComparison.Ordinal))
        {
            partResponse.StatusCode.Should().Be(HttpStatusCode.OK);
            partResponse.Content.Headers.ContentType!.MediaType.Should().Be("video/mp4");
            BoxType(await partResponse.Content.ReadAsByteArrayAsync()).Should().Be("moof");
        }
        else
        {
            reloaded.Should().Contain($"part{msn + 1}.0.m4s");
            partResponse.StatusCode.Should().Be(HttpStatusCode.NotFound);
        }
    }

    [Fact]
    public async Task An_hls_viewer_is_counted_and_the_status_says_hls()
    {
        string playlistPath = await fx.OpenAsync(quality: "stream1");
        _ = await fx.Admin.GetStringAsync(playlistPath);

        JsonElement status = await fx.Admin.GetStatusAsync(fx.CameraId);
        JsonElement hd = status.GetProperty("streams").EnumerateArray().Single(s => s.GetProperty("quality").GetString() == "stream1");
        hd.GetProperty("hls_viewer_count").GetInt32().Should().BeGreaterThanOrEqualTo(1, status.ToString());
        hd.GetProperty("webrtc_viewer_count").GetInt32().Should().Be(0);
        status.GetProperty("hls_viewer_count").GetInt32().Should().Be(status.GetProperty("viewer_count").GetInt32());
        status.GetProperty("stream_type").GetString().Should().Be("hls", "every viewer is an HLS client");

        string sessionId = playlistPath.Split('/')[3];
        (await fx.Admin.DeleteAsync($"/api/hls/{sessionId}")).StatusCode.Should().Be(HttpStatusCode.OK);
        await AssertProblemAsync(await fx.Admin.GetAsync(playlistPath), HttpStatusCode.NotFound, "session_expired");
    }

    public static TheoryData<string, HttpStatusCode, string> BadRequests() => new()
    {
        { "index.m3u8?_HLS_msn=abc", HttpStatusCode.BadRequest, "invalid_query" },
        { "index.m3u8?_HLS_msn=-1", HttpStatusCode.BadRequest, "invalid_query" },
        { "index.m3u8?_HLS_part=0", HttpStatusCode.BadRequest, "invalid_query" },
        { "index.m3u8?_HLS_msn=1&_HLS_msn=2", HttpStatusCode.BadRequest, "invalid_query" },
        { "index.m3u8?_HLS_msn=99999999999999999999", HttpStatusCode.BadRequest, "invalid_query" },
        { "index.m3u8?_HLS_msn=1000000", HttpStatusCode.BadRequest, "too_far_ahead" },
        { "seg1000000.m4s", HttpStatusCode.NotFound, "not_found" },
        { "part1000000.0.m4s", HttpStatusCode.NotFound, "not_found" },
        { "seg-1.m4s", HttpStatusCode.NotFound, "not_found" },
        { "seg01.m4s", HttpStatusCode.NotFound, "not_found" },
        { "part0.x.m4s", HttpStatusCode.NotFound, "not_found" },
        { "..%2F..%2Fappsettings.json", HttpStatusCode.NotFound, "not_found" },
        { "%2Fetc%2Fpasswd", HttpStatusCode.NotFound, "not_found" },
        { "init.mp4.m4s", HttpStatusCode.NotFound, "not_found" },
        { "INIT.MP4", HttpStatusCode.NotFound, "not_found" },
        { "seg0.m4s%2F..%2F..%2Fkeys", HttpStatusCode.NotFound, "not_found" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Bad_input_gets_a_4xx_with_a_reason_at_once(string resource, HttpStatusCode status, string code)
    {
        string playlistPath = await fx.OpenAsync();
        string folder = playlistPath[..(playlistPath.LastIndexOf('/') + 1)];
        _ = await fx.Admin.GetStringAsync(playlistPath); // the stream is up: refusals are about the request, not a cold camera

        var started = System.Diagnostics.Stopwatch.StartNew();
        await AssertProblemAsync(await fx.Admin.GetAsync(folder + resource), status, code);
        started.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(5), "a refusal is immediate, not a blocking wait");
    }

    [Fact]
    public async Task A_part_far_past_the_live_edge_is_refused_at_once()
    {
        string playlistPath = await fx.OpenAsync();
        string playlist = await fx.Admin.GetStringAsync(playlistPath);
        Match hint = PreloadHint().Match(playlist);
        hint.Success.Should().BeTrue(playlist);

        // The open segment's part 500: far beyond the Advance Part Limit (§6.2.5.2), so 400 rather than a wait.
        var started = System.Diagnostics.Stopwatch.StartNew();
        await AssertProblemAsync(await fx.Admin.GetAsync($"{playlistPath}?_HLS_msn={hint.Groups["msn"].Value}&_HLS_part=500"),
            HttpStatusCode.BadRequest, "too_far_ahead");
        started.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Sessions_are_private_unknown_ones_are_404_and_anonymous_requests_401()
    {
        string playlistPath = await fx.OpenAsync();
        string token = await TestAccounts.CreateUserWithTokenAsync(fx.App.Services, "hls-other-" + Guid.NewGuid().ToString("N")[..6], CamStudioRoles.Viewer);
        using HttpClient other = fx.App.CreateClient();
        other.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using HttpClient anonymous = fx.App.CreateClient();
        anonymous.DefaultRequestHeaders.Authorization = null;

        await AssertProblemAsync(await other.GetAsync(playlistPath), HttpStatusCode.NotFound, "session_expired");
        await AssertProblemAsync(await fx.Admin.GetAsync("/api/hls/AAAAAAAAAAAAAAAAAAAAAA/index.m3u8"), HttpStatusCode.NotFound, "session_expired");
        (await anonymous.GetAsync(playlistPath)).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await anonymous.GetAsync($"/api/cameras/{fx.CameraId}/hls/index.m3u8")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        await AssertProblemAsync(await fx.Admin.GetAsync($"/api/cameras/{fx.CameraId}/hls/index.m3u8?quality=stream9"), HttpStatusCode.BadRequest, "invalid_quality");
        await AssertProblemAsync(await fx.Admin.GetAsync("/api/cameras/999999/hls/index.m3u8"), HttpStatusCode.NotFound, "camera_not_found");
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        using (response)
        {
            string body = await response.Content.ReadAsStringAsync();
            response.StatusCode.Should().Be(status, body);
            response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json", body);
            JsonElement problem = JsonDocument.Parse(body).RootElement;
            problem.GetProperty("code").GetString().Should().Be(code, body);
            problem.GetProperty("detail").GetString().Should().NotBeNullOrWhiteSpace();
        }
    }

    private static string BoxType(byte[] data) => data.Length >= 8 ? System.Text.Encoding.ASCII.GetString(data, 4, 4) : "";

    [GeneratedRegex(@"#EXT-X-PRELOAD-HINT:TYPE=PART,URI=""part(?<msn>\d+)\.(?<part>\d+)\.m4s""")]
    private static partial Regex PreloadHint();
}
