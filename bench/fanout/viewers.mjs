// Parent side of the viewer workers: N werift viewers spread over a few Node child processes.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const WORKER = fileURLToPath(new URL('./viewer-worker.mjs', import.meta.url));

function request(worker, message, timeoutMs) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { worker.off('message', onMessage); reject(new Error(`viewer worker: no reply to ${message.cmd} in ${timeoutMs} ms`)); }, timeoutMs);
    const onMessage = (reply) => {
      clearTimeout(timer);
      worker.off('message', onMessage);
      if (reply.error) reject(new Error(reply.error)); else resolve(reply);
    };
    worker.on('message', onMessage);
    worker.send(message);
  });
}

/**
 * A pool of viewer processes. open() adds viewers (kind 'camstudio' with { baseUrl, token, cameraId, quality } or
 * 'janus' with { janusUrl, mountpointId }); counters() returns per-viewer RTP packets/bytes received so far.
 */
export function createViewerPool({ workers = 2, address }) {
  const procs = Array.from({ length: workers }, () => fork(WORKER, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  let next = 0;
  return {
    pids: () => procs.map((p) => p.pid),
    async open(count, target) {
      const shares = procs.map(() => 0);
      for (let i = 0; i < count; i++) shares[(next++) % procs.length] += 1;
      const replies = await Promise.all(procs.map((p, i) => (shares[i] > 0
        ? request(p, { cmd: 'open', count: shares[i], address, ...target }, 120000) : { opened: 0, errors: [] })));
      const errors = replies.flatMap((r) => r.errors);
      return { opened: replies.reduce((s, r) => s + r.opened, 0), errors };
    },
    async counters() {
      const replies = await Promise.all(procs.map((p) => request(p, { cmd: 'stats' }, 30000)));
      return replies.flatMap((r) => r.viewers);
    },
    async closeViewers() {
      await Promise.all(procs.map((p) => request(p, { cmd: 'close' }, 60000)));
    },
    async dispose() {
      for (const p of procs) { try { p.disconnect(); } catch { /* gone */ } }
      await Promise.all(procs.map((p) => (p.exitCode === null ? new Promise((r) => p.once('exit', r)) : null)));
    },
  };
}
