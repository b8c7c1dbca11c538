// Janus (Debian package) as the reference WebRTC relay: configuration generated into a temporary directory (nothing
// under /etc), only the streaming plugin and the HTTP transport loaded, the HTTP API on loopback, ICE candidates
// only on the namespace address. One RTP mountpoint per camera, fed by FFmpeg with the same -c:v copy RTP
// packetisation CamStudio uses for its own input, from the same RTSP test camera.
import { mkdtempSync, mkdirSync, writeFileSync, symlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startChild, waitFor } from './process.mjs';
import { freeTcpPort, freeUdpPortPair } from './net.mjs';

// Debian's multiarch library folder of the janus package.
const JANUS_LIB = `/usr/lib/${process.arch === 'arm64' ? 'aarch64' : 'x86_64'}-linux-gnu/janus`;

/**
 * @param {{ address: string, logDir: string, mountpoints: { id: number, name: string, port: number }[] }} options
 */
export async function startJanus({ address, logDir, mountpoints }) {
  const dir = mkdtempSync(join(tmpdir(), 'janus-bench-'));
  // Plugin and transport folders with only what the reference needs, so Janus's memory is not inflated by
  // plugins a streaming relay would not load.
  for (const [folder, file] of [['plugins', 'libjanus_streaming.so'], ['transports', 'libjanus_http.so']]) {
    mkdirSync(join(dir, folder));
    symlinkSync(join(JANUS_LIB, folder, file), join(dir, folder, file));
  }
  mkdirSync(join(dir, 'events'));
  mkdirSync(join(dir, 'loggers'));
  const httpPort = await freeTcpPort('127.0.0.1');
  writeFileSync(join(dir, 'janus.jcfg'), `general: {
  configs_folder = "${dir}"
  plugins_folder = "${dir}/plugins"
  transports_folder = "${dir}/transports"
  events_folder = "${dir}/events"
  loggers_folder = "${dir}/loggers"
  debug_level = 3
  session_timeout = 0
  server_name = "camstudio-bench"
}
certificates: {
}
media: {
  rtp_port_range = "40000-49999"
}
nat: {
  nice_debug = false
  ice_enforce_list = "${address}"
  ignore_mdns = true
}
plugins: {
}
transports: {
}
events: {
}
loggers: {
}
`);
  writeFileSync(join(dir, 'janus.transport.http.jcfg'), `general: {
  base_path = "/janus"
  http = true
  port = ${httpPort}
  ip = "127.0.0.1"
  https = false
}
admin: {
  admin_http = false
}
`);
  writeFileSync(join(dir, 'janus.plugin.streaming.jcfg'), `general: {
}
${mountpoints.map((m) => `${m.name}: {
  type = "rtp"
  id = ${m.id}
  description = "${m.name}"
  audio = false
  video = true
  videoport = ${m.port}
  videoiface = "127.0.0.1"
  videopt = 96
  videocodec = "h264"
  videofmtp = "profile-level-id=42e01f;packetization-mode=1"
  videobufferkf = true
}`).join('\n')}
`);
  const proc = startChild('janus', ['-F', dir, '-C', join(dir, 'janus.jcfg'), '--disable-colors'],
    { logFile: join(logDir, 'janus.log') });
  const url = `http://127.0.0.1:${httpPort}/janus`;
  await waitFor(async () => {
    if (!proc.running) throw new Error(`janus exited (log: ${proc.logFile})`);
    const r = await fetch(`${url}/info`, { signal: AbortSignal.timeout(2000) });
    return r.ok;
  }, { timeoutMs: 30000, what: 'Janus HTTP API' });
  return {
    pid: proc.pid, proc, url,
    async stop() { await proc.stop(); rmSync(dir, { recursive: true, force: true }); },
  };
}

/** A free even RTP port (Janus binds it, FFmpeg sends to it). */
export const freeRtpPort = () => freeUdpPortPair('127.0.0.1');

/** FFmpeg pulling the camera over RTSP/TCP and sending RTP to a Janus mountpoint: CamStudio's own input arguments. */
export function startRtpFeed({ camera, port, logDir }) {
  const feed = startChild('ffmpeg', [
    '-hide_banner', '-nostats', '-loglevel', 'error', '-progress', 'pipe:1', '-stats_period', '1',
    '-rtsp_transport', 'tcp', '-flags', 'low_delay', '-analyzeduration', '500000', '-fpsprobesize', '0', '-i', camera.url,
    '-map', '0:v:0', '-an', '-sn', '-dn', '-c:v', 'copy', '-bsf:v', 'dump_extra=freq=keyframe',
    '-f', 'rtp', '-payload_type', '96', '-pkt_size', '1200', `rtp://127.0.0.1:${port}`,
  ], { logFile: join(logDir, `janus-ffmpeg-${camera.name}.log`) });
  // -progress reports frames and bytes sent once a second: the input rate Janus got, to set against what its
  // viewers received (CamStudio reports the same from its status endpoint).
  const progress = { frames: 0, bytes: 0, at: Date.now() };
  let buffer = '';
  feed.child.stdout.on('data', (chunk) => {
    buffer += chunk.toString();
    const lines = buffer.split('\n');
    buffer = lines.pop();
    for (const line of lines) {
      const [key, value] = line.split('=');
      if (key === 'frame') progress.frames = Number(value);
      else if (key === 'total_size' && /^\d+$/.test(value)) { progress.bytes = Number(value); progress.at = Date.now(); }
    }
  });
  feed.progress = progress;
  return feed;
}

/**
 * One subscriber of a Janus streaming mountpoint over the HTTP API: create a session, attach the streaming plugin,
 * watch (Janus sends the offer), hand the offer to `answer` (whatever peer connection the caller runs: werift in the
 * fan-out workers, Chromium in the glass-to-glass comparison) and start with the SDP it returns.
 * @param {{ janusUrl: string, mountpointId: number, answer: (offer: { type: 'offer', sdp: string }) => Promise<string> }} options
 * @returns {Promise<{ close(): Promise<void> }>}
 */
export async function watchJanusMountpoint({ janusUrl, mountpointId, answer }) {
  const call = async (path, body) => {
    const r = await fetch(`${janusUrl}${path}`, {
      method: 'POST', body: JSON.stringify({ ...body, transaction: Math.random().toString(36).slice(2) }),
      headers: { 'Content-Type': 'application/json' }, signal: AbortSignal.timeout(20000),
    });
    const json = await r.json();
    if (json.janus === 'error') throw new Error(`Janus ${body.janus}: ${JSON.stringify(json.error)}`);
    return json;
  };
  const session = (await call('', { janus: 'create' })).data.id;
  try {
    const handle = (await call(`/${session}`, { janus: 'attach', plugin: 'janus.plugin.streaming' })).data.id;
    await call(`/${session}/${handle}`, { janus: 'message', body: { request: 'watch', id: mountpointId } });
    const offer = await nextJanusEvent(janusUrl, session, (e) => e.jsep?.type === 'offer');
    const sdp = await answer(offer.jsep);
    await call(`/${session}/${handle}`, { janus: 'message', body: { request: 'start' }, jsep: { type: 'answer', sdp } });
  } catch (err) {
    await call(`/${session}`, { janus: 'destroy' }).catch(() => {});
    throw err;
  }
  return { close: () => call(`/${session}`, { janus: 'destroy' }).then(() => {}, () => {}) };
}

async function nextJanusEvent(janusUrl, session, predicate) {
  const deadline = Date.now() + 30000;
  while (Date.now() < deadline) {
    const r = await fetch(`${janusUrl}/${session}?maxev=10&rid=${Date.now()}`, { signal: AbortSignal.timeout(35000) });
    const events = [].concat(await r.json());
    for (const e of events) {
      if (e.janus === 'event' && e.plugindata?.data?.error) throw new Error(`Janus: ${e.plugindata.data.error}`);
      if (predicate(e)) return e;
    }
  }
  throw new Error('no offer from Janus within 30 s');
}
