// The image-page release at idle (issue 16, CamStudio.Media/Memory/ImagePages): what it saves and what it costs.
// Per round, the same build three times on fresh instances, in a rotated order — Memory__ImagePagesWhenIdle=Unmap
// (the default: out of the resident set, kept in the page cache), Evict (out of memory) and Keep — each through:
//   settled     the start-up release has run (Memory:StartupSettleTime, shortened here for both variants alike)
//   first view  one werift viewer opens the cold camera: offer until its first media packet, and the app's major
//               page faults meanwhile (pages read back from disk: what the release costs the next viewer)
//   stopped     the viewer gone, the grace period over, FFmpeg stopped: the idle transition's release has run
//   next view   the same again after that release
// Resident set (VmRSS and its file-backed part) from /proc/<pid>/status; major faults from /proc/<pid>/stat.
// The trials run from a private copy of the build: the kernel does not page out what another process maps, and the
// bench's main CamStudio instance maps the same files (measured: the release then handed back nothing).
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createViewerPool } from './viewers.mjs';
import { camstudioTarget, openOrThrow, waitForStreamStopped } from './camstudio.mjs';
import { startCamStudio } from '../lib/camstudio.mjs';
import { createCamera } from '../lib/api.mjs';
import { rssParts, loadAverage } from '../lib/proc.mjs';
import { waitFor, delay } from '../lib/process.mjs';
import { summarize, round } from '../lib/stats.mjs';

const VARIANTS = [
  { label: 'unmapped, kept cached (default)', env: { Memory__ImagePagesWhenIdle: 'Unmap' } },
  { label: 'evicted', env: { Memory__ImagePagesWhenIdle: 'Evict' } },
  { label: 'kept mapped', env: { Memory__ImagePagesWhenIdle: 'Keep' } },
];
const MIB = 1024 * 1024;

/**
 * @param {object} ctx the bench context (ctx.cameras must hold the 720p camera)
 * @param {{ rounds: number, settleSeconds: number, appDir: string }} plan appDir: the build under test (copied)
 */
export async function runIdlePages(ctx, plan) {
  const camera = ctx.cameras.find((c) => c.name === '720p') ?? ctx.cameras[0];
  const trials = Object.fromEntries(VARIANTS.map((v) => [v.label, []]));
  const appDir = mkdtempSync(join(tmpdir(), 'camstudio-idle-pages-'));
  try {
    cpSync(plan.appDir, appDir, { recursive: true });
    for (let r = 0; r < plan.rounds; r++) {
      for (const variant of VARIANTS.map((_, i) => VARIANTS[(i + r) % VARIANTS.length])) {
        const t = await trial({ ...ctx, appDir }, camera, variant, plan);
        trials[variant.label].push(t);
        ctx.log(`idle pages ${variant.label} round ${r + 1}: ${JSON.stringify(t)}`);
      }
    }
  } finally {
    rmSync(appDir, { recursive: true, force: true });
  }
  const med = (list, key) => summarize(list.map((t) => t[key]).filter(Number.isFinite));
  const result = Object.fromEntries(VARIANTS.map((v) => [v.label, Object.fromEntries(
    Object.keys(trials[v.label][0]).map((k) => [k, med(trials[v.label], k)]))]));
  ctx.results.set('idlePages', camera.name, { rounds: plan.rounds, settleSeconds: plan.settleSeconds, result, trials });
  report(ctx, plan, result);
  return result;
}

async function trial(ctx, camera, variant, { settleSeconds }) {
  const instance = await startCamStudio({ publishDir: ctx.appDir, advertisedAddress: ctx.address, logDir: ctx.logDir,
    env: { Health__Enabled: 'false', Memory__StartupSettleTime: `00:00:${String(settleSeconds).padStart(2, '0')}`, ...variant.env } });
  const t = {};
  try {
    const cameraId = await createCamera(instance.api, camera);
    const target = camstudioTarget({ ...ctx, baseUrl: instance.baseUrl, api: instance.api }, { ...camera, cameraId });
    // Past the start-up release (both variants wait alike), then a few seconds for the kernel's reclaim to finish.
    await delay((settleSeconds + 5) * 1000);
    sample(t, 'settled', instance.pid);
    await view(t, 'firstView', instance.pid, ctx, target);
    await waitForStreamStopped({ ...ctx, api: instance.api }, { ...camera, cameraId });
    await delay(5000);
    sample(t, 'stopped', instance.pid);
    await view(t, 'nextView', instance.pid, ctx, target);
  } finally {
    await instance.stop().catch(() => {});
  }
  t.load1m = loadAverage()[0];
  return t;
}

function sample(t, key, pid) {
  const parts = rssParts(pid);
  t[`${key}RssMiB`] = round(parts.rss / MIB);
  t[`${key}FileMiB`] = round(parts.file / MIB);
}

async function view(t, key, pid, ctx, target) {
  const pool = createViewerPool({ workers: 1, address: ctx.address });
  try {
    const faults = majorFaults(pid);
    const started = performance.now();
    await openOrThrow(pool, 1, target);
    await waitFor(async () => (await pool.counters()).every((v) => v.packets > 0), { timeoutMs: 30000, intervalMs: 20, what: 'media at the viewer' });
    t[`${key}Ms`] = Math.round(performance.now() - started);
    t[`${key}MajorFaults`] = majorFaults(pid) - faults;
    await delay(3000);
    sample(t, key, pid);
  } finally {
    await pool.closeViewers().catch(() => {});
    await pool.dispose();
  }
}

function majorFaults(pid) {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(text.slice(text.lastIndexOf(')') + 2).split(' ')[9]); // field 12 (majflt)
}

function report(ctx, plan, result) {
  const cell = (s) => (s ? (s.min === s.max ? `${s.median}` : `${s.median} (${s.min}–${s.max})`) : '—');
  const rows = VARIANTS.map((v) => {
    const r = result[v.label];
    return [v.label, cell(r.settledRssMiB), cell(r.settledFileMiB), cell(r.firstViewMs), cell(r.firstViewMajorFaults), cell(r.firstViewRssMiB),
      cell(r.stoppedRssMiB), cell(r.nextViewMs), cell(r.nextViewMajorFaults), cell(r.load1m)];
  });
  ctx.results.table('Image pages at idle (issue 16): the same build with the release on and off, fresh instance per round',
    ['<variant', 'settled: RSS MiB', 'of it file-backed', 'first view: offer → first packet ms', 'major faults', 'RSS while viewing',
      'camera stopped: RSS', 'next view ms', 'major faults', 'load 1 min'], rows,
    `${plan.rounds} round(s), variants in a rotated order; median (min–max). Start-up release ${plan.settleSeconds} s after start `
    + '(both variants wait alike); "first view" opens the cold camera (FFmpeg starts, waits for a key frame), so its time is '
    + 'dominated by the camera; the major faults are the pages the app read back from disk meanwhile.');
}
