// CamStudio fan-out: werift viewers over WHEP on one camera's HD stream; CPU and RSS of the CamStudio process
// and its FFmpeg children. Also the memory metric: idle, per running camera, per viewer.
import { createViewerPool } from './viewers.mjs';
import { measureLevels } from './measure.mjs';
import { cameraStatus, createCamera } from '../lib/api.mjs';
import { treeRss, rssParts } from '../lib/proc.mjs';
import { waitFor, delay } from '../lib/process.mjs';

export function camstudioTarget(ctx, camera) {
  return { kind: 'camstudio', baseUrl: ctx.baseUrl, token: ctx.api.token, cameraId: camera.cameraId, quality: camera.quality ?? 'stream1' };
}

export async function openOrThrow(pool, count, target) {
  if (count <= 0) return;
  const r = await pool.open(count, target);
  if (r.errors.length > 0) throw new Error(`${r.errors.length} of ${count} viewers failed to connect: ${r.errors[0]}`);
}

/** Waits until CamStudio has stopped the camera's FFmpeg (after the grace period), so the next phase starts clean. */
export async function waitForStreamStopped(ctx, camera) {
  await waitFor(async () => !(await cameraStatus(ctx.api, camera.cameraId)).is_running,
    { timeoutMs: 60000, intervalMs: 500, what: `camera ${camera.name} to stop streaming` });
}

/** @param {'whep'|'hls'} transport WebRTC viewers over WHEP, or LL-HLS clients of the same stream. */
export async function runCamStudioFanout(ctx, camera, levels, transport = 'whep') {
  const pool = createViewerPool({ workers: ctx.viewerWorkers, address: ctx.address });
  const target = transport === 'hls' ? { ...camstudioTarget(ctx, camera), kind: 'hls' } : camstudioTarget(ctx, camera);
  try {
    return await measureLevels({
      label: `CamStudio${transport === 'hls' ? ' HLS' : ''} ${camera.name}`, levels, windowMs: ctx.windowMs, settleMs: ctx.settleMs,
      serverPids: () => [ctx.camstudio.pid],
      clientPids: () => pool.pids(),
      sourceInfo: (phase, started) => (phase === 'start' ? startSourceRate(ctx, camera) : started?.stop()),
      addViewers: (n) => openOrThrow(pool, n, target),
      counters: () => pool.counters(),
      log: ctx.log,
    });
  } finally {
    await pool.closeViewers().catch(() => {});
    await pool.dispose();
    await waitForStreamStopped(ctx, camera);
  }
}

/**
 * Resident memory of CamStudio: idle (no stream), then with each camera streaming to one viewer (the difference is
 * the cost of a running camera: its H.264 source, GOP cache and one session), FFmpeg children reported separately,
 * then again once every camera has stopped (what a camera leaves behind). Issue 8 asks for four running cameras:
 * each test camera's main stream, then each one's sub stream as a camera entry of its own (its own FFmpeg, source
 * and GOP cache), so four cameras run without starting more encoders on the measured machine.
 */
export async function measureMemory(ctx, cameras) {
  const sample = async () => {
    await delay(ctx.settleMs);
    const rss = { ...treeRss([ctx.camstudio.pid], { pss: true }), parts: rssParts(ctx.camstudio.pid) };
    // The managed heap as the app reports it (after the RSS read: the scrape itself allocates).
    const metrics = (await ctx.api.request('GET', '/metrics')).text;
    rss.managedHeapBytes = Number(/^dotnet_gc_heap_size_bytes (\S+)$/m.exec(metrics)?.[1] ?? NaN);
    return rss;
  };
  const running = cameras.map((c) => ({ ...c, label: `${c.name} main (${c.width}x${c.height})`, quality: 'stream1' }));
  const added = [];
  try {
    for (const c of cameras) {
      const cameraId = await createCamera(ctx.api, c, { quality: 'stream2', name: `bench ${c.name} sub` });
      added.push(cameraId);
      running.push({ ...c, cameraId, label: `${c.name} sub stream (640x360)`, quality: 'stream2' });
    }
    return await measureRunningCameras(ctx, running, sample);
  } finally {
    // The later steps of the run see only the cameras they expect.
    for (const id of added) await ctx.api.request('DELETE', `/api/cameras/${id}`).catch(() => {});
  }
}

async function measureRunningCameras(ctx, running, sample) {
  const idle = await sample();
  const steps = [];
  const pool = createViewerPool({ workers: 1, address: ctx.address });
  try {
    for (const camera of running) {
      await openOrThrow(pool, 1, camstudioTarget(ctx, camera));
      await waitFor(async () => (await pool.counters()).every((v) => v.packets > 0),
        { timeoutMs: 30000, intervalMs: 500, what: `media from ${camera.label}` });
      // Let the GOP cache fill to a whole GOP before reading the resident set (the smoke run only checks it works).
      if (!ctx.smoke) await delay(camera.gopSeconds * 1000);
      steps.push({ camera: camera.label, rss: await sample() });
    }
  } finally {
    await pool.closeViewers().catch(() => {});
    await pool.dispose();
  }
  for (const camera of running) await waitForStreamStopped(ctx, camera);
  const stopped = await sample();
  // More rounds of the same cameras, all at once: what stays after the first round is one-time cost (code, types,
  // static tables) if later rounds end where it did, and a leak if every round adds to it.
  const rounds = [];
  for (let round = 2; round <= (ctx.smoke ? 2 : 4); round++) {
    let streaming;
    const again = createViewerPool({ workers: 1, address: ctx.address });
    try {
      // One after another: a worker answers its requests in order, not by id.
      for (const camera of running) await openOrThrow(again, 1, camstudioTarget(ctx, camera));
      await waitFor(async () => {
        const viewers = await again.counters();
        return viewers.length === running.length && viewers.every((v) => v.packets > 0);
      }, { timeoutMs: 30000, intervalMs: 500, what: `media from every camera, round ${round}` });
      if (!ctx.smoke) await delay(Math.max(...running.map((c) => c.gopSeconds)) * 1000);
      streaming = await sample();
    } finally {
      await again.closeViewers().catch(() => {});
      await again.dispose();
    }
    for (const camera of running) await waitForStreamStopped(ctx, camera);
    rounds.push({ round, streaming, stopped: await sample() });
  }
  let previous = idle;
  const perCamera = steps.map((s) => {
    const d = { camera: s.camera, appDeltaBytes: s.rss.roots - previous.roots, ffmpegBytes: s.rss.children - previous.children, total: s.rss };
    previous = s.rss;
    return d;
  });
  const last = steps.at(-1)?.rss;
  const perRunningCameraBytes = last ? (last.roots - idle.roots) / steps.length : null;
  return { idle, perCamera, stopped, rounds, perRunningCameraBytes };
}

/**
 * The camera's input as CamStudio measures it: its status reports the bitrate of the last second, so it is sampled
 * every few seconds through the window and averaged (rarely, because each request is CPU of the measured process).
 */
const SOURCE_POLL_MS = 4000;

export function startSourceRate(ctx, camera) {
  const samples = [];
  const timer = setInterval(() => {
    cameraStatus(ctx.api, camera.cameraId).then((s) => samples.push(s)).catch(() => {});
  }, Math.min(SOURCE_POLL_MS, ctx.windowMs / 3));
  return {
    stop() {
      clearInterval(timer);
      if (samples.length === 0) return undefined;
      const mean = (f) => Math.round(samples.reduce((a, s) => a + f(s), 0) / Math.max(1, samples.length) * 10) / 10;
      return { fps: mean((s) => s.fps), bitrateKbps: Math.round(mean((s) => s.bitrate_kbps)), samples: samples.length };
    },
  };
}
