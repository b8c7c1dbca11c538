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
import { loadAverage } from '../lib/proc.mjs';
import { quantile, round as round2, summarize } from '../lib/stats.mjs';
import { launchChromium, newBenchContext, openBenchPage } from './browser.mjs';
import { flashBeepOffsets, REFERENCE_SETTLE_MS, SYNC_PERIOD_MS } from './flash-beep.mjs';

const CONDITIONS = [
  { key: 'aac', microphone: 'aac', label: 'AAC camera (audio transcoded to Opus)' },
  { key: 'pcma', microphone: 'pcma', label: 'PCMA camera (G.711 copied)' },
];

/** The goal: audio minus video within ±80 ms at p5 and p95. */
const GOAL_MS = 80;

/**
 * Pairs at the start of playback that do not count: Chromium's audio/video synchroniser starts from the two streams'
 * arrival and moves the video's delay towards the sender reports' pairing step by step (measured: the first pair
 * 170–330 ms late, within ±80 ms by the third or fourth). Five pairs = 8 s, the span the FFmpeg reference also ignores
 * (REFERENCE_SETTLE_MS). They are recorded as `settling`, not hidden.
 */
const SETTLE_PAIRS = Math.round(REFERENCE_SETTLE_MS / SYNC_PERIOD_MS);

/**
 * Rounds of both conditions (a fresh test camera and camera entry each time, the conditions' order rotated per round),
 * then every pair of a condition pooled: the goal (±80 ms at p5 and p95) is judged on the pooled pairs.
 * @param {object} ctx the bench context
 * @param {{ edges: number, rounds: number }} plan flash/beep pairs per condition and round, and the rounds
 */
export async function runLipSync(ctx, { edges, rounds }) {
  const browser = await launchChromium();
  const perRound = [];
  try {
    const context = await newBenchContext(browser, ctx);
    for (let round = 1; round <= rounds; round++) {
      const order = round % 2 === 1 ? CONDITIONS : [...CONDITIONS].reverse();
      for (const condition of order) {
        const result = await measureCondition(ctx, context, condition, edges, round);
        perRound.push(result);
        ctx.results.set('lipsync', `camstudio.720p.${condition.key}.round${round}`, result);
        ctx.log(`lip sync ${condition.key} round ${round} (${result.audioCodec}): Chromium median ${result.chromium.median} ms, `
          + `p5 ${result.chromium.p5} / p95 ${result.chromium.p95} ms (n ${result.chromium.n}); `
          + `camera's own (FFmpeg) median ${result.reference.median} ms (n ${result.reference.n}); load ${result.loadAverage1m}`);
      }
    }
  } finally {
    await browser.close();
  }
  const rows = perRound.map((r) => [r.label, `${r.round}`, r.audioCodec, r.chromium.n, r.chromium.median, r.chromium.p5,
    r.chromium.p95, r.chromium.maxAbs, r.reference.median, r.addedMedianMs, r.loadAverage1m]);
  let allMet = true;
  for (const condition of CONDITIONS) {
    const mine = perRound.filter((r) => r.key === condition.key);
    if (mine.length === 0) continue;
    const offsets = mine.flatMap((r) => r.offsets);
    const pooled = summarizeOffsets(offsets);
    const met = pooled.n > 0 && pooled.p5 >= -GOAL_MS && pooled.p95 <= GOAL_MS;
    allMet &&= met;
    ctx.results.set('lipsync', `camstudio.720p.${condition.key}`, {
      label: condition.label, rounds: mine.length, chromium: pooled, goalMs: GOAL_MS, goalMet: met,
      referenceMedians: mine.map((r) => r.reference.median), addedMedians: mine.map((r) => r.addedMedianMs),
    });
    rows.push([`**${condition.label}**`, `all ${mine.length}`, mine[0].audioCodec, pooled.n, pooled.median, pooled.p5,
      pooled.p95, pooled.maxAbs, range(mine.map((r) => r.reference.median)), range(mine.map((r) => r.addedMedianMs)),
      met ? `goal met` : `goal NOT met`]);
  }
  ctx.results.table('Lip sync: audio minus video in Chromium (ms, positive = sound late)',
    ['<camera', 'round', '<codec in Chromium', 'pairs', 'median', 'p5', 'p95', 'max |offset|', 'camera itself (FFmpeg)',
      'added by the path', 'load 1 min'],
    rows,
    'Each pair is one white flash (requestVideoFrameCallback expectedDisplayTime) and its beep (Web Audio worklet on the '
    + 'received track, mapped to the page clock by getOutputTimestamp()). "Camera itself" is FFmpeg reading the camera\'s '
    + 'RTSP in the same minutes: the offset the stream carries before CamStudio (the test camera makes the two coincide, '
    + `so ~0). The first ${SETTLE_PAIRS} pairs of each playback (${REFERENCE_SETTLE_MS / 1000} s, Chromium's synchroniser converging) `
    + `are kept in results.json as "settling" and not counted, as the reference ignores its first ${REFERENCE_SETTLE_MS / 1000} s. `
    + `Goal: within ±${GOAL_MS} ms at p5 and p95 of all rounds' pairs: ${allMet ? 'met' : 'NOT met'}.`);
}

async function measureCondition(ctx, context, condition, edges, round) {
  const camera = await startTestCamera({ ...CAMERA_PROFILES['720p'], name: `720p-sync-${condition.key}-${round}`, pattern: 'sync',
    audio: condition.microphone, repoRoot: ctx.repoRoot, logDir: ctx.logDir });
  try {
    const cameraId = await createSyncCamera(ctx, camera, condition, round);
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
      openBenchPage(context, ctx.baseUrl, { mode: 'sync', camera: cameraId, quality: 'stream1', edges: edges + SETTLE_PAIRS },
        60_000 + (edges + SETTLE_PAIRS) * 3_000),
    ]);
    await page.close();
    const all = page.result.pairs.map((p) => p.offset);
    const settling = all.slice(0, SETTLE_PAIRS);
    const offsets = all.slice(SETTLE_PAIRS);
    const result = {
      key: condition.key,
      round,
      label: condition.label,
      audioCodec: page.result.audioCodec,
      loadAverage1m: round2(loadAverage()[0]),
      chromium: summarizeOffsets(offsets),
      reference: summarizeOffsets(reference),
      flashes: page.result.flashes,
      beeps: page.result.beeps,
      outputLatencyMs: round2(page.result.outputLatencyMs),
      baseLatencyMs: round2(page.result.baseLatencyMs),
      offsets: offsets.map((o) => round2(o)),
      settling: settling.map((o) => round2(o)),
      referenceOffsets: reference.map((o) => round2(o)),
    };
    result.addedMedianMs = round2(result.chromium.median - result.reference.median);
    return result;
  } finally {
    await camera.stop();
  }
}

function range(values) {
  return values.length === 1 ? `${values[0]}` : `${Math.min(...values)} … ${Math.max(...values)}`;
}

function summarizeOffsets(offsets) {
  const s = summarize(offsets);
  return { n: s.n, median: round2(s.median), p5: round2(quantile(offsets, 0.05)), p95: round2(s.p95),
    maxAbs: round2(Math.max(...offsets.map(Math.abs))) };
}

async function createSyncCamera(ctx, camera, condition, round) {
  const { json } = await ctx.api.request('POST', '/api/cameras/create', {
    json: {
      name: `bench sync ${condition.key} ${round}`, source: 'rtsp', ip_address: camera.host, rtsp_port: camera.port, brand: 'custom',
      hd_path: 'stream1', sd_path: 'stream2', username: camera.user, password: camera.password, stream_quality: 'stream1',
      audio: true, description: `lip-sync pattern, ${condition.microphone} microphone`,
    },
  });
  return json.camera_id;
}
