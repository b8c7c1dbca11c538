// CamStudio fan-out: werift viewers over WHEP on one camera's HD stream; CPU and RSS of the CamStudio process
// and its FFmpeg children. Also the memory metric: idle, per running camera, per viewer.
import { createViewerPool } from './viewers.mjs';
import { measureLevels } from './measure.mjs';
import { cameraStatus } from '../lib/api.mjs';
import { treeRss } from '../lib/proc.mjs';
import { waitFor, delay } from '../lib/process.mjs';

export function camstudioTarget(ctx, camera) {
  return { kind: 'camstudio', baseUrl: ctx.baseUrl, token: ctx.api.token, cameraId: camera.cameraId, quality: 'stream1' };
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

export async function runCamStudioFanout(ctx, camera, levels) {
  const pool = createViewerPool({ workers: ctx.viewerWorkers, address: ctx.address });
  try {
    return await measureLevels({
      label: `CamStudio ${camera.name}`, levels, windowMs: ctx.windowMs, settleMs: ctx.settleMs,
      serverPids: () => [ctx.camstudio.pid],
      clientPids: () => pool.pids(),
      addViewers: (n) => openOrThrow(pool, n, camstudioTarget(ctx, camera)),
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
 * the cost of a running camera: its H.264 source, GOP cache and one session), FFmpeg children reported separately.
 */
export async function measureMemory(ctx, cameras) {
  const sample = async () => { await delay(ctx.settleMs); return treeRss([ctx.camstudio.pid]); };
  const idle = await sample();
  const steps = [];
  const pool = createViewerPool({ workers: 1, address: ctx.address });
  try {
    for (const camera of cameras) {
      await openOrThrow(pool, 1, camstudioTarget(ctx, camera));
      await waitFor(async () => (await pool.counters()).every((v) => v.packets > 0),
        { timeoutMs: 30000, intervalMs: 500, what: `media from ${camera.name}` });
      // Let the GOP cache fill to a whole GOP before reading the resident set.
      await delay(camera.gopSeconds * 1000);
      steps.push({ camera: camera.name, rss: await sample() });
    }
  } finally {
    await pool.closeViewers().catch(() => {});
    await pool.dispose();
  }
  for (const camera of cameras) await waitForStreamStopped(ctx, camera);
  let previous = idle;
  const perCamera = steps.map((s) => {
    const d = { camera: s.camera, appDeltaBytes: s.rss.roots - previous.roots, ffmpegBytes: s.rss.children - previous.children, total: s.rss };
    previous = s.rss;
    return d;
  });
  return { idle, perCamera };
}
