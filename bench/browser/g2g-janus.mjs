// Glass-to-glass latency side by side with Janus (issue 16): the same stamped test camera (720p25, GOP 4 s) played in
// Chromium through CamStudio's production player and through Janus's streaming plugin (fed by FFmpeg -c:v copy RTP,
// as in the fan-out reference), alternating, `repetitions` times each in the same minutes. Each measurement is one
// late joiner's presented frames (stamp vs Date.now()); a run reports each side's median of the repetitions' p95
// (and medians), so one slow second of a shared machine moves one repetition, not the verdict.
import { createCamera } from '../lib/api.mjs';
import { startTestCamera } from '../lib/camera.mjs';
import { startJanus, startRtpFeed, freeRtpPort, watchJanusMountpoint } from '../lib/janus.mjs';
import { loadAverage } from '../lib/proc.mjs';
import { quantile, round as round2 } from '../lib/stats.mjs';
import { launchChromium, newBenchContext, openBenchPage } from './browser.mjs';
import { latencyResult, measureGlassToGlass } from './latency.mjs';

/**
 * @param {object} ctx the bench context
 * @param {{ rounds: number, repetitions: number, frames: number }} plan
 */
export async function runGlassToGlassVsJanus(ctx, { rounds, repetitions, frames }) {
  const camera = await startTestCamera({
    name: 'g2g-stamp', repoRoot: ctx.repoRoot, logDir: ctx.logDir, pattern: 'stamp', width: 1280, height: 720,
    bitrateKbps: 2500, gopSeconds: 4,
  });
  const port = await freeRtpPort();
  const janus = await startJanus({ address: ctx.address, logDir: ctx.logDir, mountpoints: [{ id: 1, name: 'g2g', port }] });
  const feed = startRtpFeed({ camera, port, logDir: ctx.logDir });
  const browser = await launchChromium();
  const results = [];
  try {
    const cameraId = await createCamera(ctx.api, camera, { name: 'bench g2g stamp' });
    const context = await newBenchContext(browser, ctx);
    for (let round = 1; round <= rounds; round++) {
      const runs = { camstudio: [], janus: [] };
      for (let i = 0; i < repetitions; i++) {
        // Alternate which side goes first, so a drift of the machine's load does not always favour the same one.
        const order = i % 2 === 0 ? ['camstudio', 'janus'] : ['janus', 'camstudio'];
        for (const side of order) {
          const r = side === 'camstudio'
            ? await measureGlassToGlass(ctx, context, { cameraId, frames, start: 'running' })
            : await measureJanus(ctx, context, janus.url, frames);
          r.loadAverage1m = round2(loadAverage()[0], 1);
          runs[side].push(r);
          ctx.log(`glass-to-glass round ${round} ${side} #${i + 1}: median ${r.presented.median} ms, p95 ${r.presented.p95} ms (load ${r.loadAverage1m})`);
        }
      }
      const result = { round, repetitions, frames, camstudio: summarizeSide(runs.camstudio), janus: summarizeSide(runs.janus) };
      result.camstudioAtOrBelowJanus = result.camstudio.medianOfP95 <= result.janus.medianOfP95;
      results.push(result);
      ctx.results.set('browser', `glassToGlassVsJanus.round${round}`, result);
    }
    await context.close();
  } finally {
    await browser.close();
    await feed.stop();
    await janus.stop();
    await camera.stop();
  }
  const row = (r, label, s) => [label, `${r.round}`, s.medianOfMedians, s.medianOfP95, s.p95s.join(' / '), s.loads.join(' / ')];
  const everyRound = results.every((r) => r.camstudioAtOrBelowJanus);
  ctx.results.table('Glass-to-glass latency vs Janus (stamp in the frame vs Chromium Date.now(), 1280x720, late joiner)',
    ['<relay', 'round', 'median ms (median of repetitions)', 'p95 ms (median of repetitions)', 'p95 of each repetition', 'load 1 min'],
    results.flatMap((r) => [row(r, 'CamStudio (production player)', r.camstudio), row(r, 'Janus streaming plugin (FFmpeg -c:v copy RTP feed)', r.janus)]),
    `Per round ${repetitions} alternating repetitions of ${frames} presented frames each, same camera and minutes. `
    + `Goal (issue 16): CamStudio's p95 ≤ Janus's in every round: ${everyRound ? 'met' : 'NOT met'}.`);
  return results;
}

function summarizeSide(list) {
  return {
    p95s: list.map((r) => round2(r.presented.p95, 0)),
    medians: list.map((r) => round2(r.presented.median, 0)),
    medianOfP95: round2(quantile(list.map((r) => r.presented.p95), 0.5), 0),
    medianOfMedians: round2(quantile(list.map((r) => r.presented.median), 0.5), 0),
    loads: list.map((r) => r.loadAverage1m),
    runs: list,
  };
}

/** One Janus viewer in the latency page: Node does Janus's HTTP signalling, the page answers Janus's offer. */
async function measureJanus(ctx, context, janusUrl, frames) {
  let subscriber = null;
  const page = await openBenchPage(context, ctx.baseUrl, { mode: 'latency', transport: 'janus', frames }, 120_000 + frames * 200,
    async (p) => {
      await p.waitForFunction(() => window.benchJanus !== undefined, null, { timeout: 10_000 });
      subscriber = await watchJanusMountpoint({
        janusUrl, mountpointId: 1,
        answer: (offer) => p.evaluate((o) => window.benchJanus.answer(o), offer),
      });
    });
  await page.close();
  await subscriber?.close();
  return latencyResult(page.result, null);
}
