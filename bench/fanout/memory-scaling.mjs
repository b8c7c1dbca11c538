// FFmpeg memory as more cameras run (issue 16): each running camera has its own FFmpeg puller, ~50 MiB resident, but
// most of that is shared libraries (libavcodec & co.) that every FFmpeg maps from the same files. RSS counts those
// pages once per process and so overstates what N pullers cost together; PSS (/proc/<pid>/smaps_rollup) splits each
// shared page between the processes mapping it, so the PSS of all FFmpeg children adds up to what they occupy.
//
// Levels of N camera entries (default 4, 8 and 16) cycle over the test cameras' main and sub streams (no extra
// encoders on the measured machine: the test camera shares one encoder per mount), each watched by one werift viewer
// so CamStudio runs it. Every level starts from no running camera and ends with all of them stopped; the levels are
// repeated `rounds` times (interleaved), and each cell reports the median over the rounds with min–max.
import { createViewerPool } from './viewers.mjs';
import { camstudioTarget, openOrThrow, waitForStreamStopped } from './camstudio.mjs';
import { createCamera } from '../lib/api.mjs';
import { treeRss, loadAverage } from '../lib/proc.mjs';
import { waitFor, delay } from '../lib/process.mjs';
import { summarize, round } from '../lib/stats.mjs';

const MIB = 2 ** 20;

/**
 * @param {object} ctx the bench context
 * @param {object[]} cameras the running test cameras (startTestCamera)
 * @param {{ levels: number[], rounds: number }} plan
 */
export async function measureFfmpegScaling(ctx, cameras, { levels, rounds }) {
  const variants = cameras.flatMap((camera) => [{ camera, quality: 'stream1' }, { camera, quality: 'stream2' }]);
  const entries = [];
  try {
    for (let i = 0; i < Math.max(...levels); i++) {
      const { camera, quality } = variants[i % variants.length];
      const cameraId = await createCamera(ctx.api, camera, { quality, name: `bench scaling ${i + 1}` });
      entries.push({ ...camera, cameraId, quality, label: `scaling ${i + 1} (${camera.name} ${quality})` });
    }
    const trials = [];
    for (let r = 1; r <= rounds; r++) {
      for (const n of levels) {
        const t = { round: r, cameras: n, ...(await trial(ctx, entries.slice(0, n))) };
        trials.push(t);
        ctx.log(`memory scaling round ${r}, ${n} cameras: ${t.ffmpegProcesses} FFmpeg, RSS ${mib(t.ffmpegRssBytes)} MiB, `
          + `PSS ${mib(t.ffmpegPssBytes)} MiB, CamStudio ${mib(t.appRssBytes)} MiB, load ${t.loadAverage1m}`);
      }
    }
    return { levels: levels.map((n) => summarizeLevel(n, trials.filter((t) => t.cameras === n))), trials, rounds };
  } finally {
    // The later steps of the run see only the cameras they expect.
    for (const e of entries) await ctx.api.request('DELETE', `/api/cameras/${e.cameraId}`).catch(() => {});
  }
}

async function trial(ctx, running) {
  const pool = createViewerPool({ workers: 1, address: ctx.address });
  let sample;
  try {
    // One after another: a worker answers its requests in order, not by id.
    for (const camera of running) await openOrThrow(pool, 1, camstudioTarget(ctx, camera));
    await waitFor(async () => {
      const viewers = await pool.counters();
      return viewers.length === running.length && viewers.every((v) => v.packets > 0);
    }, { timeoutMs: 60000, intervalMs: 500, what: `media from all ${running.length} cameras` });
    // A whole GOP through every puller and the app's caches before reading (the smoke run only checks it works).
    await delay(ctx.smoke ? ctx.settleMs : Math.max(...running.map((c) => c.gopSeconds)) * 1000 + ctx.settleMs);
    const m = treeRss([ctx.camstudio.pid], { pss: true });
    sample = { ffmpegProcesses: m.childCount, ffmpegRssBytes: m.children, ffmpegPssBytes: m.childrenPss,
      appRssBytes: m.roots, appPssBytes: m.rootsPss, loadAverage1m: loadAverage()[0] };
  } finally {
    await pool.closeViewers().catch(() => {});
    await pool.dispose();
  }
  for (const camera of running) await waitForStreamStopped(ctx, camera);
  if (sample.ffmpegProcesses < running.length) {
    throw new Error(`${running.length} cameras streamed but only ${sample.ffmpegProcesses} FFmpeg children were found`);
  }
  return sample;
}

function summarizeLevel(cameras, trials) {
  const stat = (f) => {
    const s = summarize(trials.map(f));
    return { median: s.median, min: s.min, max: s.max };
  };
  return {
    cameras,
    ffmpegProcesses: stat((t) => t.ffmpegProcesses),
    ffmpegRssBytes: stat((t) => t.ffmpegRssBytes),
    ffmpegPssBytes: stat((t) => t.ffmpegPssBytes),
    ffmpegPssPerProcessBytes: stat((t) => t.ffmpegPssBytes / t.ffmpegProcesses),
    ffmpegRssPerProcessBytes: stat((t) => t.ffmpegRssBytes / t.ffmpegProcesses),
    appRssBytes: stat((t) => t.appRssBytes),
    loadAverage1m: stat((t) => t.loadAverage1m),
  };
}

const mib = (bytes) => round(bytes / MIB, 1);
const cell = (s, f = mib) => (s.min === s.max ? `${f(s.median)}` : `${f(s.median)} (${f(s.min)}–${f(s.max)})`);

export function reportFfmpegScaling(ctx, scaling) {
  ctx.results.set('memory', 'ffmpegScaling', scaling);
  const rows = scaling.levels.map((l) => [l.cameras, cell(l.ffmpegProcesses, (v) => v), cell(l.ffmpegRssBytes), cell(l.ffmpegPssBytes),
    cell(l.ffmpegRssPerProcessBytes), cell(l.ffmpegPssPerProcessBytes), cell(l.appRssBytes), cell(l.loadAverage1m, (v) => v)]);
  const marginal = scaling.levels.slice(1).map((l, i) => {
    const prev = scaling.levels[i];
    const per = (l.ffmpegPssBytes.median - prev.ffmpegPssBytes.median) / (l.cameras - prev.cameras);
    return `${prev.cameras} → ${l.cameras}: ${mib(per)} MiB PSS per added FFmpeg`;
  });
  ctx.results.table(`Memory: FFmpeg pullers with N running cameras, PSS next to RSS (MiB; median of ${scaling.rounds} round(s), min–max)`,
    ['running cameras', 'FFmpeg processes', 'FFmpeg RSS (sum)', 'FFmpeg PSS (sum)', 'RSS per FFmpeg', 'PSS per FFmpeg',
      'CamStudio RSS', 'load (1 min)'],
    rows,
    'Each camera entry runs its own FFmpeg (stream copy), each watched by one werift viewer; the entries cycle over the '
    + 'test cameras\' main and sub streams. RSS counts the shared library pages once per process; PSS shares them out, '
    + 'so the PSS sum is what the pullers occupy together (other FFmpeg processes on the machine share the same pages and '
    + `lower it: measure on a quiet machine).${marginal.length > 0 ? ` ${marginal.join('; ')}.` : ''}`);
}
