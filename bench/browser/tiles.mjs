// Many tiles (issue 7 metric 5): one Chromium page with N players in a grid (16 by default, each its own camera
// entry on the same RTSP test camera's SD mount, so the server runs N streams and N FFmpeg), all live, then a
// window of `seconds` with the server's CPU sampled and the browser's decoded/dropped frames counted per tile.
import { cameraStatus } from '../lib/api.mjs';
import { summarize } from '../lib/stats.mjs';
import { delay } from '../lib/process.mjs';
import { openBenchPage } from './browser.mjs';

/**
 * @param {object} ctx        needs serverCpu() (CamStudio + its FFmpeg, from /proc)
 * @param {import('playwright-core').BrowserContext} context   its viewport must show every tile (off-screen tiles pause)
 * @param {{ cameraIds: number[], seconds: number, quality?: string }} options
 */
export async function measureTiles(ctx, context, { cameraIds, seconds, quality = 'stream2' }) {
  const page = await openBenchPage(context, ctx.baseUrl, { mode: 'tiles', cameras: cameraIds.join(','), quality }, 120_000);
  try {
    await delay(3000); // the GOP bursts of the joins are over
    const before = await page.page.evaluate(() => window.bench.sample());
    const cpu = ctx.serverCpu();
    const started = Date.now();
    await delay(seconds * 1000);
    const server = cpu.stop();
    const after = await page.page.evaluate(() => window.bench.sample());
    // What CamStudio itself receives from the camera: separates a slow source from a slow browser.
    const serverFps = [];
    for (const id of cameraIds) serverFps.push(Number((await cameraStatus(ctx.api, id)).fps));
    const elapsed = (Date.now() - started) / 1000;
    const perTile = after.map((a, i) => {
      const b = before[i];
      return {
        fps: (a.totalVideoFrames - b.totalVideoFrames) / elapsed,
        decodedFps: (a.framesDecoded - b.framesDecoded) / elapsed,
        droppedVideoFrames: a.droppedVideoFrames - b.droppedVideoFrames,
        framesDropped: a.framesDropped - b.framesDropped,
        freezes: a.freezeCount - b.freezeCount,
        packetsLost: a.packetsLost - b.packetsLost,
        state: a.state,
        reconnects: a.reconnects - b.reconnects,
        width: a.width,
      };
    });
    const sum = (k) => perTile.reduce((s, t) => s + (Number.isFinite(t[k]) ? t[k] : 0), 0);
    const result = {
      tiles: cameraIds.length,
      seconds: Math.round(elapsed * 10) / 10,
      allLiveAfterMs: Math.round(page.result.liveAfterMs),
      reconnectsBeforeLive: page.result.reconnectsBeforeLive,
      reconnectsDuringWindow: perTile.reduce((s, t) => s + t.reconnects, 0),
      allLive: perTile.every((t) => t.state === 'live' && t.decodedFps > 0),
      serverCpu: { median: server.median, p95: server.p95, mean: server.mean, n: server.n, maxProcesses: server.maxProcesses },
      decodedFps: summarize(perTile.map((t) => t.decodedFps)),
      serverFps: summarize(serverFps.filter(Number.isFinite)),
      droppedVideoFrames: sum('droppedVideoFrames'),
      framesDropped: sum('framesDropped'),
      freezes: sum('freezes'),
      packetsLost: sum('packetsLost'),
      totalFrames: Math.round(sum('fps') * elapsed),
      perTile,
    };
    ctx.log(`tiles: ${result.tiles} live=${result.allLive}, decoded fps median ${result.decodedFps.median?.toFixed(1)}, `
      + `dropped ${result.droppedVideoFrames} (getVideoPlaybackQuality) / ${result.framesDropped} (getStats) of ${result.totalFrames}, `
      + `server CPU median ${server.median?.toFixed(1)} % of one core`);
    return result;
  } finally {
    await page.close();
  }
}
