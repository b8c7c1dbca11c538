// Lip sync (issue 15): how far apart Chromium plays a camera's sound and picture, through CamStudio's WebRTC path.
// The test camera (scripts/rtsp-test-camera.py --pattern sync) turns its picture white and starts a 1 kHz beep at the
// same media time every 1.6 s. The page (mode=sync in page/bench-page.js) records when each flash is displayed and when
// its beep is played out; audio minus video is the offset (positive: the sound comes late).
//
// The reference, in the same minutes: FFmpeg reading the camera's RTSP directly places the flash and the beep on the
// timeline the camera's own RTCP sender reports define. That is the offset the camera's stream itself carries (an AAC
// encoder's priming delay, for example, is in it): a player that keeps sync perfectly shows this value, and
// `added` = CamStudio in Chromium minus the reference is what the path adds.
import { startTestCamera, CAMERA_PROFILES } from '../lib/camera.mjs';
import { cameraStatus } from '../lib/api.mjs';
import { waitFor } from '../lib/process.mjs';
import { quantile, round, summarize } from '../lib/stats.mjs';
import { launchChromium, newBenchContext, openBenchPage } from './browser.mjs';
import { flashBeepOffsets, REFERENCE_SETTLE_MS } from './flash-beep.mjs';

const CONDITIONS = [
  { key: 'aac', microphone: 'aac', label: 'AAC camera (audio transcoded to Opus)' },
  { key: 'pcma', microphone: 'pcma', label: 'PCMA camera (G.711 copied)' },
];


/**
 * @param {object} ctx the bench context
 * @param {{ edges: number }} plan flash/beep pairs per condition
 */
export async function runLipSync(ctx, { edges }) {
  const browser = await launchChromium();
  const rows = [];
  try {
    const context = await newBenchContext(browser, ctx);
    for (const condition of CONDITIONS) {
      const camera = await startTestCamera({ ...CAMERA_PROFILES['720p'], name: `720p-sync-${condition.key}`, pattern: 'sync',
        audio: condition.microphone, repoRoot: ctx.repoRoot, logDir: ctx.logDir });
      try {
        const cameraId = await createSyncCamera(ctx, camera, condition);
        if (condition.microphone === 'pcma') {
          // CamStudio transcodes on a camera's first run (it learns the codec from FFmpeg) and copies G.711 from the
          // next run on: one short run first, then wait for the stream to stop, so the measured run copies.
          const warm = await openBenchPage(context, ctx.baseUrl, { mode: 'sync', camera: cameraId, quality: 'stream1', edges: 1 }, 60_000);
          await warm.close();
          await waitFor(async () => (await cameraStatus(ctx.api, cameraId)).state === 'idle',
            { timeoutMs: 90_000, intervalMs: 500, what: `camera ${cameraId} idle after its first run` });
        }
        const [reference, page] = await Promise.all([
          flashBeepOffsets({ url: camera.url, audio: camera.audio, durationMs: REFERENCE_SETTLE_MS + 10_000 + edges * 1_600,
            workDir: ctx.logDir }),
          openBenchPage(context, ctx.baseUrl, { mode: 'sync', camera: cameraId, quality: 'stream1', edges },
            60_000 + edges * 3_000),
        ]);
        await page.close();
        const offsets = page.result.pairs.map((p) => p.offset);
        const result = {
          label: condition.label,
          audioCodec: page.result.audioCodec,
          chromium: summarizeOffsets(offsets),
          reference: summarizeOffsets(reference),
          flashes: page.result.flashes,
          beeps: page.result.beeps,
          outputLatencyMs: round(page.result.outputLatencyMs),
          baseLatencyMs: round(page.result.baseLatencyMs),
          offsets: offsets.map((o) => round(o)),
          referenceOffsets: reference.map((o) => round(o)),
        };
        result.addedMedianMs = round(result.chromium.median - result.reference.median);
        ctx.results.set('lipsync', `camstudio.720p.${condition.key}`, result);
        ctx.log(`lip sync ${condition.key} (${result.audioCodec}): Chromium median ${result.chromium.median} ms, `
          + `p5 ${result.chromium.p5} / p95 ${result.chromium.p95} ms (n ${result.chromium.n}); `
          + `camera's own (FFmpeg) median ${result.reference.median} ms (n ${result.reference.n})`);
        rows.push([condition.label, result.audioCodec, result.chromium.n, result.chromium.median, result.chromium.p5,
          result.chromium.p95, result.chromium.maxAbs, result.reference.median, result.addedMedianMs]);
      } finally {
        await camera.stop();
      }
    }
  } finally {
    await browser.close();
  }
  ctx.results.table('Lip sync: audio minus video in Chromium (ms, positive = sound late)',
    ['<camera', '<codec in Chromium', 'pairs', 'median', 'p5', 'p95', 'max |offset|', 'camera itself (FFmpeg)', 'added by the path'],
    rows,
    'Each pair is one white flash (requestVideoFrameCallback expectedDisplayTime) and its beep (Web Audio worklet on the '
    + 'received track, mapped to the page clock by getOutputTimestamp()). "Camera itself" is FFmpeg reading the camera\'s '
    + 'RTSP in the same minutes: the offset the stream carries before CamStudio. Goal: within ±80 ms at p5 and p95.');
}

function summarizeOffsets(offsets) {
  const s = summarize(offsets);
  return { n: s.n, median: round(s.median), p5: round(quantile(offsets, 0.05)), p95: round(s.p95),
    maxAbs: round(Math.max(...offsets.map(Math.abs))) };
}

async function createSyncCamera(ctx, camera, condition) {
  const { json } = await ctx.api.request('POST', '/api/cameras/create', {
    json: {
      name: `bench sync ${condition.key}`, source: 'rtsp', ip_address: camera.host, rtsp_port: camera.port, brand: 'custom',
      hd_path: 'stream1', sd_path: 'stream2', username: camera.user, password: camera.password, stream_quality: 'stream1',
      audio: true, description: `lip-sync pattern, ${condition.microphone} microphone`,
    },
  });
  return json.camera_id;
}
