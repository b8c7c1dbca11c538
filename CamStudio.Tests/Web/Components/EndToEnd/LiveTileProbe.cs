using Microsoft.Playwright;

namespace CamStudio.Tests.Web.Components.EndToEnd;

/// <summary>What the browser shows in one Live tile, read from the page.</summary>
public sealed record TileSample
{
    public int Width { get; init; }
    public int Height { get; init; }
    public int Frames { get; init; }
    public string? PlayerState { get; init; }
    public string? Quality { get; init; }
    public string? Chip { get; init; }
    public string? Problem { get; init; }
    public int BlankSamples { get; init; }
    public int Samples { get; init; }
}

/// <summary>
/// Reads a tile's &lt;video&gt; from inside the page: size, frames presented (counted with requestVideoFrameCallback, which
/// fires per painted frame), the player's state and the chip. <see cref="WatchForBlankAsync"/> samples the element on
/// every animation frame: "blank" = no picture (videoWidth 0) and no frozen-frame poster, i.e. what a viewer sees black.
/// </summary>
public static class LiveTileProbe
{
    private const string ReadScript = """
        (id) => {
          const tile = document.querySelector(`.live-tile[data-camera-id="${id}"]`);
          if (!tile) return null;
          const video = tile.querySelector('video');
          if (!video.__csFrames) {
            video.__csFrames = { count: 0 };
            const onFrame = () => { video.__csFrames.count++; video.requestVideoFrameCallback(onFrame); };
            video.requestVideoFrameCallback(onFrame);
          }
          const watch = video.__csBlank ?? { blank: 0, samples: 0 };
          return {
            width: video.videoWidth, height: video.videoHeight, frames: video.__csFrames.count,
            playerState: tile.dataset.playerState ?? null, quality: tile.dataset.quality ?? null,
            chip: tile.querySelector('.mud-chip')?.textContent.trim() ?? null,
            problem: tile.querySelector('[data-testid=tile-problem]')?.textContent.trim() ?? null,
            blankSamples: watch.blank, samples: watch.samples,
          };
        }
        """;

    private const string WatchScript = """
        (id) => {
          const video = document.querySelector(`.live-tile[data-camera-id="${id}"] video`);
          const watch = { blank: 0, samples: 0 };
          video.__csBlank = watch;
          const sample = () => {
            if (video.__csBlank !== watch) return;
            watch.samples++;
            if (!(video.videoWidth > 0) && !video.getAttribute('poster')) watch.blank++;
            requestAnimationFrame(sample);
          };
          requestAnimationFrame(sample);
        }
        """;

    /// <summary>
    /// From the next page load on, records every RTCPeerConnection the page creates in <c>window.__csPeers</c> (before
    /// any of the app's scripts run), so a test can read the configuration and stats the player really used.
    /// <paramref name="forceRelay"/> adds <c>iceTransportPolicy: "relay"</c>, as a network that blocks direct UDP forces.
    /// </summary>
    public static Task RecordPeerConnectionsAsync(IBrowserContext context, bool forceRelay = false)
    {
        ArgumentNullException.ThrowIfNull(context);
        string config = forceRelay ? "{ ...config, iceTransportPolicy: 'relay' }" : "config";
        return context.AddInitScriptAsync($$"""
            (() => {
              const Native = window.RTCPeerConnection;
              window.__csPeers = [];
              window.RTCPeerConnection = class extends Native {
                constructor(config) { super({{config}}); window.__csPeers.push(this); }
              };
            })();
            """);
    }

    public static async Task<TileSample> ReadAsync(IPage page, int cameraId) =>
        await page.EvaluateAsync<TileSample?>(ReadScript, cameraId)
        ?? throw new InvalidOperationException($"No tile for camera {cameraId} on {page.Url}.");

    public static Task WatchForBlankAsync(IPage page, int cameraId) => page.EvaluateAsync(WatchScript, cameraId);

    /// <summary>Waits until the tile satisfies <paramref name="condition"/>; the timeout names the last sample.</summary>
    public static async Task<TileSample> WaitForAsync(IPage page, int cameraId, Func<TileSample, bool> condition, TimeSpan deadline, string what)
    {
        TileSample? last = null;
        try
        {
            await Infrastructure.Eventually.WaitUntilAsync(async () => condition(last = await ReadAsync(page, cameraId)), deadline, what);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}; last tile sample: {last}", ex);
        }

        return last!;
    }

    /// <summary>The tile decodes: a picture, and frames keep coming (more than 10 after the first sample).</summary>
    public static async Task<TileSample> WaitForDecodingAsync(IPage page, int cameraId, TimeSpan deadline)
    {
        TileSample first = await WaitForAsync(page, cameraId, s => s.Width > 0 && s.Frames > 0, deadline, $"camera {cameraId} shows a picture");
        return await WaitForAsync(page, cameraId, s => s.Width > 0 && s.Frames > first.Frames + 10, deadline, $"camera {cameraId} keeps decoding");
    }
}
