// Reference (a): Janus's streaming plugin relaying the same camera, fed by FFmpeg -c:v copy RTP. Server CPU =
// janus + that FFmpeg, sampled exactly like CamStudio + its FFmpeg.
import { createViewerPool } from './viewers.mjs';
import { measureLevels } from './measure.mjs';
import { openOrThrow } from './camstudio.mjs';
import { startJanus, startRtpFeed, freeRtpPort } from '../lib/janus.mjs';

export async function runJanusFanout(ctx, camera, levels) {
  const port = await freeRtpPort();
  const janus = await startJanus({ address: ctx.address, logDir: ctx.logDir, mountpoints: [{ id: 1, name: `camera-${camera.name}`, port }] });
  const feed = startRtpFeed({ camera, port, logDir: ctx.logDir });
  const pool = createViewerPool({ workers: ctx.viewerWorkers, address: ctx.address });
  try {
    return await measureLevels({
      label: `Janus ${camera.name}`, levels, windowMs: ctx.windowMs, settleMs: ctx.settleMs,
      serverPids: () => [janus.pid, feed.pid],
      clientPids: () => pool.pids(),
      addViewers: (n) => openOrThrow(pool, n, { kind: 'janus', janusUrl: janus.url, mountpointId: 1 }),
      counters: () => pool.counters(),
      log: ctx.log,
    });
  } finally {
    await pool.closeViewers().catch(() => {});
    await pool.dispose();
    await feed.stop();
    await janus.stop();
  }
}
