// The fixed CPU cost of one running camera (issue 16): one 720p camera, CamStudio and Janus side by side in the same
// run, each split into the relay process and the FFmpeg that feeds it, so "server + its FFmpeg" compares like for like.
//
// Per CamStudio build (the one under test, and optionally a second one, e.g. main's, for a before/after A/B in the
// same minutes) three conditions, one after the other on a fresh instance of that build:
//   viewer     the camera streaming to one werift viewer (the "one camera, one viewer")
//   running    the same FFmpeg still running after the viewer left (inside the grace period): the camera's cost
//              without the per-viewer send path
//   idle       the grace period over, FFmpeg stopped, the camera configured: what every installation pays
// and Janus (+ its feeding FFmpeg) with one viewer. Every round runs the targets in a rotated order so slow drifts of
// the shared machine's load hit them alike; tables report the median and the range over the rounds.
// CPU = utime+stime from /proc over each window's wall time (the mean of 1 s samples: at 100 ticks/s a per-second
// median is too coarse for 1-3 %). The CamStudio process is also split by thread name (/proc/<pid>/task/*/stat),
// which is what docs/benchmarks.md's "Fixed cost per camera" breakdown reads.
// BENCH_PERF_DIR=<folder>: also records each CamStudio window with perf (call graphs, the app started with
// DOTNET_PerfMapEnabled=1 so JIT-compiled frames have names) into <folder>/<build>-<round>-<condition>.data; the
// sampling itself costs CPU in the measured process, so use it to find where time goes, not for the table.
import { createViewerPool } from './viewers.mjs';
import { camstudioTarget, openOrThrow, waitForStreamStopped } from './camstudio.mjs';
import { startCamStudio } from '../lib/camstudio.mjs';
import { createCamera, cameraStatus } from '../lib/api.mjs';
import { startJanus, startRtpFeed, freeRtpPort } from '../lib/janus.mjs';
import { processTree, startCpuSampler, threadTicks, loadAverage } from '../lib/proc.mjs';
import { waitFor, delay } from '../lib/process.mjs';
import { summarize, round } from '../lib/stats.mjs';
import { startChild } from '../lib/process.mjs';
import { join } from 'node:path';

const CONDITIONS = ['idle', 'running', 'viewer'];
// Profiling only: names for JIT-compiled frames, and JIT code in anonymous memory (with W^X the runtime maps it from a
// memfd that perf does not pair with /tmp/perf-<pid>.map).
const PERF_ENV = { DOTNET_PerfMapEnabled: '1', DOTNET_EnableWriteXorExecute: '0' };

/**
 * @param {object} ctx the bench context (ctx.cameras must hold the 720p camera)
 * @param {{ rounds: number, windowMs: number, settleMs: number, apps: { label: string, dir: string }[] }} plan
 */
export async function runFixedCost(ctx, plan) {
  const camera = ctx.cameras.find((c) => c.name === '720p') ?? ctx.cameras[0];
  const targets = [...plan.apps.map((app) => ({ kind: 'camstudio', ...app })), { kind: 'janus', label: 'Janus 1.1.2' }];
  const trials = Object.fromEntries(targets.map((t) => [t.label, []]));
  for (let r = 0; r < plan.rounds; r++) {
    const order = targets.map((_, i) => targets[(i + r) % targets.length]);
    for (const target of order) {
      const t = target.kind === 'janus' ? await janusTrial(ctx, camera, plan) : await camstudioTrial(ctx, camera, target, plan, r + 1);
      t.round = r + 1;
      trials[target.label].push(t);
      ctx.log(`fixed cost ${target.label} round ${r + 1}: ${describe(t)}`);
    }
  }
  const result = summarizeTrials(targets, trials);
  ctx.results.set('fixed', `${camera.name}`, { ...plan, camera: camera.name, result, trials });
  report(ctx, plan, camera, targets, result);
  return result;
}

function describe(t) {
  return Object.entries(t.conditions).map(([k, c]) => `${k}: server ${c.serverCpu} % + FFmpeg ${c.ffmpegCpu ?? '–'} %`).join('; ')
    + `; load ${t.loadAverage1m}`;
}

/** One build of CamStudio, fresh instance: one viewer, then the camera running with no viewer, then idle. */
async function camstudioTrial(ctx, camera, app, { windowMs, settleMs }, roundNo) {
  // The grace period keeps FFmpeg running through the no-viewer window, then stops it before the next target.
  const graceSeconds = Math.ceil((settleMs + windowMs) / 1000) + 10;
  const instance = await startCamStudio({ publishDir: app.dir, advertisedAddress: ctx.address, logDir: ctx.logDir,
    gracePeriod: `00:00:${String(graceSeconds).padStart(2, '0')}`,
    env: { Health__Enabled: 'false', ...(process.env.BENCH_PERF_DIR ? PERF_ENV : {}) } });
  const perf = (condition) => (process.env.BENCH_PERF_DIR
    ? join(process.env.BENCH_PERF_DIR, `${app.label.replace(/\W+/g, '-')}-${roundNo}-${condition}.data`) : null);
  const conditions = {};
  try {
    const cameraId = await createCamera(instance.api, camera);
    // A freshly started app JIT-compiles and warms its database for its first seconds (a core's worth, briefly).
    await delay(settleMs * 2);
    const pool = createViewerPool({ workers: 1, address: ctx.address });
    let ffmpegPid;
    try {
      await openOrThrow(pool, 1, camstudioTarget({ ...ctx, baseUrl: instance.baseUrl, api: instance.api }, { ...camera, cameraId }));
      await waitFor(async () => (await pool.counters()).every((v) => v.packets > 0),
        { timeoutMs: 30000, intervalMs: 500, what: `media at the viewer of ${app.label}` });
      ffmpegPid = onlyFfmpeg(instance.pid, app.label);
      // Longer than the other settles: the tiered JIT recompiles the streaming path in its first seconds (0.4-0.9 %
      // of a core in a window that started 3 s after the first packet), a one-off a long-running camera never pays.
      await delay(settleMs * 3);
      conditions.viewer = await measureWindow(ctx, { appPid: instance.pid, ffmpegPid, windowMs, pool, perf: perf('viewer') });
    } finally {
      await pool.closeViewers().catch(() => {});
      await pool.dispose();
    }
    await delay(settleMs);
    conditions.running = await measureWindow(ctx, { appPid: instance.pid, ffmpegPid, windowMs, perf: perf('running') });
    if (!(await cameraStatus(instance.api, cameraId)).is_running || onlyFfmpeg(instance.pid, app.label) !== ffmpegPid) {
      throw new Error(`${app.label}: the camera stopped or FFmpeg restarted during the no-viewer window`);
    }
    // Idle last: the grace period has stopped the camera, and the app has warmed up as a long-running one has (measured
    // first, the window caught the tiered JIT recompiling start-up code: 1.4-1.6 % of the 2-6 %).
    await waitForStreamStopped({ ...ctx, api: instance.api }, { ...camera, cameraId });
    await delay(settleMs);
    conditions.idle = await measureWindow(ctx, { appPid: instance.pid, ffmpegPid: null, windowMs, perf: perf('idle') });
  } finally {
    await instance.stop().catch(() => {});
  }
  return { conditions, loadAverage1m: loadAverage()[0] };
}

async function janusTrial(ctx, camera, { windowMs, settleMs }) {
  const port = await freeRtpPort();
  const janus = await startJanus({ address: ctx.address, logDir: ctx.logDir, mountpoints: [{ id: 1, name: `camera-${camera.name}`, port }] });
  const feed = startRtpFeed({ camera, port, logDir: ctx.logDir });
  const pool = createViewerPool({ workers: 1, address: ctx.address });
  try {
    await openOrThrow(pool, 1, { kind: 'janus', janusUrl: janus.url, mountpointId: 1 });
    await waitFor(async () => (await pool.counters()).every((v) => v.packets > 0),
      { timeoutMs: 30000, intervalMs: 500, what: 'media at the Janus viewer' });
    await delay(settleMs);
    const viewer = await measureWindow(ctx, { appPid: janus.pid, ffmpegPid: feed.pid, windowMs, pool, threads: false });
    return { conditions: { viewer }, loadAverage1m: loadAverage()[0] };
  } finally {
    await pool.closeViewers().catch(() => {});
    await pool.dispose();
    await feed.stop();
    await janus.stop();
  }
}

/** One window: the server process alone, its FFmpeg alone, the server's threads by name, what the viewer got. */
async function measureWindow(ctx, { appPid, ffmpegPid, windowMs, pool, threads = true, perf = null }) {
  const before = pool ? (await pool.counters())[0] : undefined;
  const threads0 = threads ? threadTicks(appPid) : null;
  const server = startCpuSampler(() => [appPid], { intervalMs: 1000, tree: false });
  const ffmpeg = ffmpegPid ? startCpuSampler(() => [ffmpegPid], { intervalMs: 1000, tree: false }) : null;
  const started = process.hrtime.bigint();
  const recorder = perf ? startChild('perf', ['record', '-F', '999', '-g', '-p', String(appPid), '-o', perf, '--', 'sleep', String(windowMs / 1000)],
    { logFile: join(ctx.logDir, 'perf.log') }) : null;
  await delay(windowMs);
  await recorder?.exited;
  const serverCpu = server.stop();
  const ffmpegCpu = ffmpeg?.stop();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const out = { serverCpu: round(serverCpu.mean, 2), ffmpegCpu: ffmpegCpu ? round(ffmpegCpu.mean, 2) : null, loadAverage1m: loadAverage()[0] };
  if (threads0) {
    out.threads = threadPercent(threads0, threadTicks(appPid), seconds);
    // The tiered JIT recompiling hot code is a one-off of a process's first minutes; a camera that runs for days
    // does not pay it. Without it, the window is what the steady state costs.
    out.serverCpuWithoutJit = round(out.serverCpu - (out.threads['.NET Tiered Com'] ?? 0), 2);
  }
  if (pool) {
    const after = (await pool.counters())[0];
    const s = windowMs / 1000;
    out.viewerPacketsPerSecond = round((after.packets - before.packets) / s);
    out.viewerKbps = round(((after.bytes - before.bytes) * 8) / 1000 / s);
    if (out.viewerPacketsPerSecond <= 0) throw new Error('the viewer received nothing in the window');
  }
  return out;
}

/** CPU per thread-name group in % of one core over the window (threads born in the window count from zero). */
function threadPercent(before, after, seconds) {
  const groups = {};
  for (const [tid, { name, ticks }] of after) {
    groups[name] = (groups[name] ?? 0) + ticks - (before.get(tid)?.ticks ?? 0);
  }
  return Object.fromEntries(Object.entries(groups).map(([name, ticks]) => [name, round(ticks / threadTicks.clockTicks / seconds * 100, 2)])
    .filter(([, p]) => p > 0).sort((a, b) => b[1] - a[1]));
}

function onlyFfmpeg(rootPid, label) {
  const ffmpeg = processTree([rootPid]).filter((s) => s.pid !== rootPid && s.comm === 'ffmpeg');
  if (ffmpeg.length !== 1) throw new Error(`${label}: expected one FFmpeg under CamStudio, found ${ffmpeg.length}`);
  return ffmpeg[0].pid;
}

function spread(values) {
  const v = values.filter(Number.isFinite);
  if (v.length === 0) return null;
  const s = summarize(v);
  return { median: round(s.median, 2), min: round(s.min, 2), max: round(s.max, 2) };
}

export function summarizeTrials(targets, trials) {
  const out = {};
  for (const target of targets) {
    const list = trials[target.label];
    const conds = target.kind === 'janus' ? ['viewer'] : CONDITIONS;
    out[target.label] = Object.fromEntries(conds.map((k) => {
      const cs = list.map((t) => t.conditions[k]);
      const threadNames = [...new Set(cs.flatMap((c) => Object.keys(c.threads ?? {})))];
      return [k, {
        server: spread(cs.map((c) => c.serverCpu)),
        serverWithoutJit: spread(cs.map((c) => c.serverCpuWithoutJit ?? NaN)),
        ffmpeg: spread(cs.map((c) => c.ffmpegCpu ?? NaN)),
        total: spread(cs.map((c) => c.serverCpu + (c.ffmpegCpu ?? 0))),
        threads: Object.fromEntries(threadNames.map((n) => [n, spread(cs.map((c) => c.threads?.[n] ?? 0))?.median])
          .sort((a, b) => b[1] - a[1])),
        loadAverage1m: spread(cs.map((c) => c.loadAverage1m))?.median,
      }];
    }));
  }
  return out;
}

const LABELS = { idle: 'idle (camera configured, not streaming)', running: 'camera running, no viewer', viewer: 'camera running, 1 viewer' };

function report(ctx, plan, camera, targets, result) {
  const cell = (s) => (s ? `${s.median} (${s.min}–${s.max})` : '—');
  const rows = [];
  for (const target of targets) {
    for (const [k, r] of Object.entries(result[target.label])) {
      rows.push([target.label, LABELS[k], cell(r.server), cell(r.serverWithoutJit), cell(r.ffmpeg), cell(r.total), r.loadAverage1m]);
    }
  }
  ctx.results.table(`Fixed cost per camera (${camera.name}, ${camera.fps} fps, ${camera.bitrateKbps} kbit/s, GOP ${camera.gopSeconds} s; issue 16), % of one core`,
    ['<server', '<condition', 'server process', 'without the tiered JIT', 'its FFmpeg', 'server + FFmpeg', 'load 1 min'], rows,
    `${plan.rounds} round(s), targets in a rotated order per round, ${plan.windowMs / 1000} s window per condition; median (min–max) over the `
    + 'rounds of each window\'s CPU (utime+stime from /proc over wall time). CamStudio: a fresh instance per round and build '
    + '(Health checks off, grace period longer than the no-viewer window); "without the tiered JIT" leaves out the CPU of the '
    + 'runtime\'s ".NET Tiered Com" thread in the window (recompiling hot code: a one-off of the first minutes, the steady state '
    + 'does not pay it; Janus is C and has none); Janus: streaming plugin fed by FFmpeg -c:v copy.');
  const threadRows = [];
  for (const target of targets.filter((t) => t.kind === 'camstudio')) {
    for (const k of CONDITIONS) {
      const threads = result[target.label][k].threads;
      threadRows.push([target.label, LABELS[k], Object.entries(threads).filter(([, p]) => p >= 0.05).map(([n, p]) => `${n} ${p}`).join(', ')]);
    }
  }
  ctx.results.table('CamStudio process by thread name, % of one core (median over rounds; threads ≥ 0.05 %)',
    ['<build', '<condition', '<threads'], threadRows,
    'From /proc/<pid>/task/*/stat, names cut to 15 characters by the kernel: ".NET TP Worker" = thread pool, ".NET Sockets" = '
    + 'the socket engine\'s epoll thread, ".NET Timer" = timer firing, ".NET Tiered Com" = the tiered JIT, "camstudio-video" = the '
    + 'RTP receive thread (ingest + fan-out), "CamStudio UDP m" = the viewers\' socket; numbered names are grouped.');
}
