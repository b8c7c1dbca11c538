using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using CamStudio.Media.WebRtc;
using CamStudio.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace CamStudio.Tests.Web.Components.EndToEnd;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HlsFallbackCollection : ICollectionFixture<HlsFallbackFixture>
{
    public const string Name = "LL-HLS fallback end to end";
}

/// <summary>The operator UI (real Kestrel, the RTSP test camera, Chromium) for the HLS tests; packet filters are per test.</summary>
public sealed class HlsFallbackFixture : UiEndToEndFixture
{
    /// <summary>Where the browser keeps the forced transport (wwwroot-js transport.js).</summary>
    public const string TransportStorageKey = "camstudio.live.transport";

    public int MediaPort => Services.GetRequiredService<WebRtcServer>().LocalEndPoint!.Port;

    /// <summary>A signed-in page whose browser is set to <paramref name="transport"/> ("hls", "webrtc") before any script runs.</summary>
    public async Task<IPage> OpenForcedAsync(string path, string transport)
    {
        IPage page = await OpenPageAsync("status");
        await page.Context.AddInitScriptAsync($"localStorage.setItem('{TransportStorageKey}', '{transport}');");
        await GoToAsync(page, path);
        return page;
    }
}

/// <summary>
/// Issue 14 §4a and §4d with real parts: UDP to the media port blocked by nftables makes a Chromium tile fall back to
/// LL-HLS by itself; hls.js plays a minute without a stall; FFmpeg, as an independent HLS client with a bearer token,
/// reads 20 s of the camera with strictly increasing timestamps.
/// </summary>
[Collection(HlsFallbackCollection.Name)]
public sealed class HlsFallbackTests(HlsFallbackFixture e2e)
{
    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task WithUdpToTheMediaPortBlocked_ATileFallsBackToHls_AndDecodes()
    {
        int id = await e2e.CreateCameraAsync("Fallback " + Guid.NewGuid().ToString("N")[..6]);
        await using PacketFilter filter = await PacketFilter.InstallAsync($"udp dport {e2e.MediaPort} counter drop");
        IPage page = await e2e.OpenPageAsync("status");

        var opened = Stopwatch.StartNew();
        await e2e.GoToAsync(page, "");
        TileSample playing = await LiveTileProbe.WaitForAsync(page, id, s => s.Width > 0 && s.Frames > 0, s_deadline, "the tile shows a picture");
        TimeSpan firstPicture = opened.Elapsed;
        Console.WriteLine($"HLS fallback: first picture {firstPicture.TotalMilliseconds:0} ms after opening the Live page ({playing})");
        await LiveTileProbe.WaitForDecodingAsync(page, id, s_deadline);

        (await page.Locator($".live-tile[data-camera-id='{id}']").GetAttributeAsync("data-transport")).Should().Be("hls");
        (await page.Locator($".live-tile[data-camera-id='{id}'] [data-testid=tile-transport]").TextContentAsync())?.Trim()
            .Should().Be("HLS", "the tile says it is on the fallback");
        (await filter.DroppedPacketsAsync()).Should().BeGreaterThan(0, "the browser did try WebRTC and met the filter");
        // How fast (issue 14 §4a: a picture within 6 s) is the benchmark's to measure, on a quiet machine
        // (scripts/bench.sh --only browser, "UDP to the media port dropped"; docs/benchmarks/hls.md): in a full test
        // run on 2 cores this took 3.5–6.8 s. Here: it fell back by itself and plays.

        JsonElement status = await e2e.WaitForStatusAsync(id, s => s.GetProperty("hls_viewer_count").GetInt32() >= 1, s_deadline, "the HLS viewer is counted");
        status.GetProperty("stream_type").GetString().Should().Be("hls");
        status.GetProperty("webrtc_viewer_count").GetInt32().Should().Be(0, "the failed WebRTC attempt was hung up");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task ForcedHls_HlsJsPlaysAMinuteWithoutAStall()
    {
        int id = await e2e.CreateCameraAsync("Minute " + Guid.NewGuid().ToString("N")[..6]);
        IPage page = await e2e.OpenForcedAsync("", "hls");
        await LiveTileProbe.WaitForDecodingAsync(page, id, s_deadline);
        (await page.Locator($".live-tile[data-camera-id='{id}']").GetAttributeAsync("data-transport")).Should().Be("hls");

        // From here on the page records every stall sign: 'waiting' events, and gaps between presented frames.
        await page.EvaluateAsync("""
            (id) => {
              const video = document.querySelector(`.live-tile[data-camera-id="${id}"] video`);
              // A stall: playback waiting for data for half a second or more. A seek inside the buffer (the player's
              // jump to the live edge) also fires 'waiting' for a moment; that is not running dry.
              const w = { stalls: 0, seeks: 0, shortWaits: 0, maxGapMs: 0, last: performance.now(), startTime: video.currentTime, frames: 0 };
              window.__csMinute = w;
              let waitingSince = null;
              video.addEventListener('seeking', () => w.seeks++);
              video.addEventListener('waiting', () => { if (!video.seeking) waitingSince ??= performance.now(); });
              video.addEventListener('playing', () => {
                if (waitingSince !== null) {
                  if (performance.now() - waitingSince >= 500) w.stalls++; else w.shortWaits++;
                  waitingSince = null;
                }
              });
              const onFrame = (now) => { w.maxGapMs = Math.max(w.maxGapMs, now - w.last); w.last = now; w.frames++; video.requestVideoFrameCallback(onFrame); };
              video.requestVideoFrameCallback(onFrame);
            }
            """, id);
        await Eventually.WaitUntilAsync(
            async () => await page.EvaluateAsync<double>($"document.querySelector('.live-tile[data-camera-id=\"{id}\"] video').currentTime - window.__csMinute.startTime") >= 60,
            TimeSpan.FromSeconds(90), "a minute of video played");

        JsonElement minute = await page.EvaluateAsync<JsonElement>("window.__csMinute");
        Console.WriteLine($"HLS minute: {minute}");
        minute.GetProperty("stalls").GetInt32().Should().Be(0, "the player never ran dry for half a second or more ({0})", minute);
        minute.GetProperty("maxGapMs").GetDouble().Should().BeLessThan(1000, "no frame was held for a second or more");
        minute.GetProperty("frames").GetInt32().Should().BeGreaterThan(60 * 10, "the camera's frames kept coming");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task ForcedHls_AnAacCamerasSoundReachesChromiumsDecoderThroughHlsJs()
    {
        // Issue 15: HLS carries the camera's AAC as is (mp4a.40.2 muxed into the parts); Chromium's MSE decodes it.
        await using RtspTestCamera camera = await RtspTestCamera.StartAsync(
            new RtspTestCameraOptions { Audio = RtspTestAudio.Aac, GopSeconds = 1 }, CancellationToken.None);
        int id = await e2e.CreateCameraAsync("Hls sound " + Guid.NewGuid().ToString("N")[..6], camera: camera, audio: true);
        IPage page = await e2e.OpenForcedAsync("", "hls");
        await LiveTileProbe.WaitForDecodingAsync(page, id, s_deadline);
        ILocator video = page.Locator($".live-tile[data-camera-id='{id}'] video");

        // A muted element still decodes its audio track; the byte count only grows once AAC reached the decoder.
        long first = 0;
        await Eventually.WaitUntilAsync(
            async () => (first = await video.EvaluateAsync<long>("v => v.webkitAudioDecodedByteCount")) > 0,
            s_deadline, "hls.js appends the AAC track and Chromium decodes it");
        await Eventually.WaitUntilAsync(
            async () => await video.EvaluateAsync<long>("v => v.webkitAudioDecodedByteCount") > first + 4096,
            s_deadline, "and keeps decoding it");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Ffmpeg_AsAnIndependentHlsClient_ReadsTwentySecondsWithIncreasingTimestamps()
    {
        int id = await e2e.CreateCameraAsync("Client " + Guid.NewGuid().ToString("N")[..6]);
        string token = TestAccounts.AdminToken(e2e.Services);
        string url = new Uri(e2e.BaseAddress, $"api/cameras/{id}/hls/index.m3u8?quality=stream2").ToString();

        // -c copy and framecrc: one line per packet with its dts and duration, as FFmpeg's HLS demuxer read them.
        // Errors only: Debian's FFmpeg 5.1 re-reads the unchanged EXT-X-MAP after every playlist reload and warns
        // "Found duplicated MOOV Atom. Skipped it" (its own quirk, harmless); the timestamps below are the real check.
        string crcFile = Path.Combine(Path.GetTempPath(), "camstudio-hls-client-" + Guid.NewGuid().ToString("N") + ".txt");
        string[] lines;
        try
        {
            (int exit, string output) = await ChildProcess.RunAsync("ffmpeg",
                ["-hide_banner", "-nostdin", "-v", "error", "-headers", $"Authorization: Bearer {token}\r\n",
                 "-i", url, "-t", "20", "-c", "copy", "-f", "framecrc", crcFile],
                TimeSpan.FromSeconds(90), CancellationToken.None);
            exit.Should().Be(0, output);
            output.Should().BeEmpty("FFmpeg printed no error while reading");
            lines = await File.ReadAllLinesAsync(crcFile);
        }
        finally
        {
            File.Delete(crcFile);
        }

        long timebase = long.Parse(lines.Single(l => l.StartsWith("#tb 0: 1/", StringComparison.Ordinal))["#tb 0: 1/".Length..], CultureInfo.InvariantCulture);
        long[] dts = lines.Where(l => l.StartsWith("0,", StringComparison.Ordinal))
            .Select(l => long.Parse(l.Split(',')[1].Trim(), CultureInfo.InvariantCulture)).ToArray();
        dts.Length.Should().BeGreaterThan(20 * 10, "twenty seconds of frames");
        long[] steps = dts.Zip(dts.Skip(1), (a, b) => b - a).ToArray();
        steps.Should().OnlyContain(step => step > 0, "timestamps strictly increase");
        long typical = steps.Order().ElementAt(steps.Length / 2);
        steps.Max().Should().BeLessThan(5 * typical, "no timestamp jump (discontinuity) between parts or segments");
        ((double)(dts[^1] - dts[0]) / timebase).Should().BeGreaterThan(19);
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HttpsOnlyCollection : ICollectionFixture<HttpsOnlyFixture>
{
    public const string Name = "Only HTTPS 443 reachable end to end";
}

/// <summary>
/// Caddy terminating TLS on the namespace's other address at port 443, the only thing the browser can reach there: a
/// packet filter drops every UDP packet to the namespace's addresses (WebRTC media, STUN, TURN) and every TCP connection
/// except to 443. Loopback, where the proxy reaches the app and FFmpeg reaches the camera, stays open — as on a
/// server whose firewall lets in HTTPS only.
/// </summary>
public sealed class HttpsOnlyFixture : UiEndToEndFixture
{
    private CaddyProxy? _proxy;
    private PacketFilter? _filter;

    public CaddyProxy Proxy => _proxy ?? throw new InvalidOperationException("The fixture has not started.");

    public PacketFilter Filter => _filter ?? throw new InvalidOperationException("The fixture has not started.");

    protected override async Task StartPartsAsync()
    {
        await base.StartPartsAsync();
        _proxy = await CaddyProxy.StartAsync(BaseAddress, NetworkNamespace.Gateway, 443);
        // Both ends share the namespace, so the input hook also sees the proxy's replies (to the client's ephemeral
        // port): only new connections are judged.
        _filter = await PacketFilter.InstallAsync(
            "ip daddr 10.213.0.0/24 meta l4proto udp counter drop",
            "ip daddr 10.213.0.0/24 tcp dport != 443 ct state new counter drop");
        UseProxy(_proxy);
    }

    protected override async Task StopPartsAsync()
    {
        if (_filter is not null)
        {
            await _filter.DisposeAsync();
        }

        if (_proxy is not null)
        {
            await _proxy.DisposeAsync();
        }

        await base.StopPartsAsync();
    }
}

/// <summary>
/// Issue 14 §4c: with only TCP 443 reachable, through one HTTPS reverse proxy: sign in, the Live grid plays (over HLS,
/// the only way left), the Status page updates live, and the API answers a token and refuses a request without one.
/// </summary>
[Collection(HttpsOnlyCollection.Name)]
public sealed class HttpsOnlyTests(HttpsOnlyFixture e2e)
{
    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task WithOnlyHttps443_SignIn_TheGridPlaysOverHls_StatusIsLive_AndTheApiTakesAToken()
    {
        e2e.Proxy.Address.Port.Should().Be(443);
        using (HttpResponseMessage cameras = await e2e.Client.GetAsync("api/cameras"))
        {
            cameras.StatusCode.Should().Be(HttpStatusCode.OK, "a bearer token works through the proxy");
        }

        using (HttpClient anonymous = e2e.Proxy.CreateHttpClient())
        using (HttpResponseMessage refused = await anonymous.GetAsync("api/cameras"))
        {
            refused.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        }

        int id = await e2e.CreateCameraAsync("Outside " + Guid.NewGuid().ToString("N")[..6]);
        IPage status = await e2e.OpenPageAsync("status");
        status.Url.Should().StartWith(e2e.Proxy.Address.ToString());

        IPage live = await status.Context.NewPageAsync();
        await e2e.GoToAsync(live, "");
        await LiveTileProbe.WaitForDecodingAsync(live, id, s_deadline);
        (await live.Locator($".live-tile[data-camera-id='{id}']").GetAttributeAsync("data-transport")).Should().Be("hls");
        (await e2e.Filter.DroppedPacketsAsync()).Should().BeGreaterThan(0, "WebRTC was tried and blocked");

        ILocator viewers = status.Locator($"td[data-camera-id='{id}'] ~ td[data-label='Viewers']");
        await Eventually.WaitUntilAsync(async () => (await viewers.TextContentAsync())?.Trim() == "1", s_deadline,
            "the Status page shows the HLS viewer, pushed over the proxied circuit");
        await status.Context.CloseAsync();
    }
}
