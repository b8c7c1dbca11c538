// Glass-to-glass latency (issue 7 metric 4): the test camera stamps each frame with its wall-clock capture time
// (scripts/rtsp-test-camera.py --pattern stamp); the page reads the stamp back from every presented frame
// (requestVideoFrameCallback → canvas) and subtracts it from Date.now(). Same machine, same clock: no sync error.
import { cameraStatus } from '../lib/api.mjs';
import { delay, waitFor } from '../lib/process.mjs';
import { summarize } from '../lib/stats.mjs';
import { openBenchPage } from './browser.mjs';

/**
 * Two ways to arrive, because they end differently: a viewer who starts the stream (`start: 'idle'`, the first frame
 * is the camera's fresh key frame) and a late joiner (`start: 'running'`: a keeper viewer holds the stream and the
 * measured viewer joins `joinAfterMs` later, i.e. mid-GOP, and first receives the cached GOP replay).
 * @param {object} ctx
 * @param {import('playwright-core').BrowserContext} context
 * @param {{ cameraId: number, frames: number, quality?: string, start?: 'idle' | 'running', joinAfterMs?: number }} options
 */
export async function measureGlassToGlass(ctx, context, { cameraId, frames, quality = 'stream1', start = 'running', joinAfterMs = 2000, transport = 'webrtc' }) {
  let keeper = null;
  if (start === 'idle') {
    await waitFor(async () => (await cameraStatus(ctx.api, cameraId)).state === 'idle',
      { timeoutMs: 60_000, intervalMs: 250, what: `camera ${cameraId} idle` });
  } else {
    keeper = await openBenchPage(context, ctx.baseUrl, { mode: 'join', camera: cameraId, quality }, 60_000);
    await delay(joinAfterMs);
  }
  try {
    return await measure(ctx, context, { cameraId, frames, quality, start, transport });
  } finally {
    await keeper?.close();
  }
}

async function measure(ctx, context, { cameraId, frames, quality, start, transport }) {
  // The page starts counting at the first frame captured after its offer: the late-join replay of the cached GOP is
  // old by design and belongs to the TTFF measurement.
  const page = await openBenchPage(context, ctx.baseUrl, { mode: 'latency', camera: cameraId, quality, frames, transport },
    120_000 + frames * 200);
  // The source as CamStudio sees it while the page still watches: a loaded test camera delivers fewer fps.
  const status = await cameraStatus(ctx.api, cameraId);
  await page.close();
  const result = latencyResult(page.result,
    { fps: status.fps, bitrateKbps: status.bitrate_kbps, keyframeIntervalS: status.keyframe_interval_s });
  ctx.log(`glass-to-glass over ${transport} (stream ${start} at join): median ${result.presented.median} ms, p95 ${result.presented.p95} ms, max ${result.presented.max} ms `
    + `(n ${result.presented.n}, unreadable ${result.unreadableFrames})`);
  return result;
}

/** The latency page's samples summarized (ms), with Chromium's receiver averages and the source as it was measured. */
export function latencyResult(r, camera) {
  const samples = r.samples;
  const pick = (k) => samples.map((s) => s[k]).filter((v) => Number.isFinite(v));
  return {
    presented: summarize(pick('presented')),
    received: summarize(pick('received')),
    expectedDisplay: summarize(pick('expectedDisplay')),
    unreadableFrames: r.unreadable,
    replayedFramesSkipped: r.replayed,
    // Chromium's own per-frame averages over the same frames: where the receive → present time goes.
    receiver: r.receiver,
    videoFrameCallbacks: r.callbacks,
    totalVideoFrames: r.totalVideoFrames,
    droppedVideoFrames: r.droppedVideoFrames,
    width: r.width,
    height: r.height,
    camera,
  };
}
