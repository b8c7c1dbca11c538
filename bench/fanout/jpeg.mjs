// Reference (b): the old approach — CamStudio's legacy WS /api/cameras/{id}/ws, where every client gets its own
// FFmpeg that decodes the camera and encodes JPEG at 10 fps. Server CPU = CamStudio + those FFmpeg processes,
// sampled exactly like the WebRTC fan-out. Clients count JPEG messages and bytes.
import WebSocket from 'ws';
import { measureLevels } from './measure.mjs';
import { waitFor } from '../lib/process.mjs';
import { processTree } from '../lib/proc.mjs';

function openClient(ctx, camera) {
  const url = `${ctx.baseUrl.replace(/^http/, 'ws')}/api/cameras/${camera.cameraId}/ws?quality=stream1`;
  const client = { packets: 0, bytes: 0, socket: new WebSocket(url, { headers: ctx.api.headers() }) };
  client.socket.on('message', (data) => { client.packets += 1; client.bytes += data.length; });
  client.closed = new Promise((resolve) => client.socket.once('close', resolve));
  return new Promise((resolve, reject) => {
    client.socket.once('open', () => resolve(client));
    client.socket.once('error', reject);
  });
}

export async function runJpegFanout(ctx, camera, levels) {
  const clients = [];
  try {
    return await measureLevels({
      label: `JPEG WebSocket ${camera.name}`, levels, windowMs: ctx.windowMs, settleMs: ctx.settleMs,
      serverPids: () => [ctx.camstudio.pid],
      clientPids: () => [process.pid],
      addViewers: async (n) => { clients.push(...await Promise.all(Array.from({ length: n }, () => openClient(ctx, camera)))); },
      counters: async () => clients.map((c) => ({ packets: c.packets, bytes: c.bytes })),
      log: ctx.log,
    });
  } finally {
    for (const c of clients) c.socket.close();
    await Promise.all(clients.map((c) => c.closed));
    // The endpoint stops each client's FFmpeg on close; wait so a later phase is not measured with them still running.
    await waitFor(() => processTree([ctx.camstudio.pid]).length === 1,
      { timeoutMs: 15000, what: 'the JPEG FFmpeg processes to stop' }).catch((e) => ctx.log(e.message));
  }
}
