// A child process holding headless WebRTC viewers (werift RTCPeerConnections, recvonly H.264). The fan-out
// benchmark spreads its viewers over a few of these so the viewers' own CPU (SRTP decryption in Node) never shares
// an event loop with the harness's CPU sampler, and is never attributed to the server under test.
// Protocol (process.send): { cmd: 'open', kind: 'camstudio'|'janus', count, ... } -> { opened, errors }
//                          { cmd: 'stats' } -> { viewers: [{ packets, bytes, connected }] }
//                          { cmd: 'close' } -> { closed }
import { RTCPeerConnection, RTCRtpCodecParameters } from 'werift';
import { createApiClient } from '../lib/api.mjs';

/** @type {{ pc: RTCPeerConnection, packets: number, bytes: number, close: () => Promise<void> }[]} */
const viewers = [];

function newPeerConnection(address) {
  return new RTCPeerConnection({
    codecs: {
      video: [new RTCRtpCodecParameters({
        mimeType: 'video/H264', clockRate: 90000,
        rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }],
        parameters: 'level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f',
      })],
    },
    // Host candidates only on the namespace address (never the machine's real interfaces).
    iceInterfaceAddresses: { udp4: address },
    iceUseIpv6: false,
    iceUseTcp: false,
  });
}

function track(pc) {
  const viewer = { pc, packets: 0, bytes: 0, close: async () => { await pc.close(); } };
  pc.onTrack.subscribe((t) => t.onReceiveRtp.subscribe((rtp) => {
    viewer.packets += 1;
    viewer.bytes += rtp.payload.length;
  }));
  return viewer;
}

/** WHEP (RFC 9725 style): POST the offer, get the answer, DELETE the Location to leave. */
async function openCamStudio({ baseUrl, token, cameraId, quality, address }) {
  const api = createApiClient(baseUrl, { token });
  const pc = newPeerConnection(address);
  pc.addTransceiver('video', { direction: 'recvonly' });
  const viewer = track(pc);
  await pc.setLocalDescription(await pc.createOffer());
  const response = await api.request('POST', `/api/cameras/${cameraId}/whep?quality=${quality}`, {
    body: pc.localDescription.sdp, contentType: 'application/sdp', expect: [201],
  });
  await pc.setRemoteDescription({ type: 'answer', sdp: response.text });
  const location = response.headers.get('location');
  viewer.close = async () => {
    await pc.close();
    if (location) await api.request('DELETE', location, { expect: [200, 204, 404] }).catch(() => {});
  };
  return viewer;
}

/** Janus streaming plugin over the Janus HTTP API: create, attach, watch (Janus offers), start with our answer. */
async function openJanus({ janusUrl, mountpointId, address }) {
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
  const handle = (await call(`/${session}`, { janus: 'attach', plugin: 'janus.plugin.streaming' })).data.id;
  await call(`/${session}/${handle}`, { janus: 'message', body: { request: 'watch', id: mountpointId } });
  const offer = await nextJanusEvent(janusUrl, session, (e) => e.jsep?.type === 'offer');
  const pc = newPeerConnection(address);
  const viewer = track(pc);
  await pc.setRemoteDescription(offer.jsep);
  await pc.setLocalDescription(await pc.createAnswer());
  await call(`/${session}/${handle}`, { janus: 'message', body: { request: 'start' }, jsep: { type: 'answer', sdp: pc.localDescription.sdp } });
  viewer.close = async () => {
    await pc.close();
    await call(`/${session}`, { janus: 'destroy' }).catch(() => {});
  };
  return viewer;
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

process.on('message', async (message) => {
  try {
    if (message.cmd === 'open') {
      const open = message.kind === 'janus' ? openJanus : openCamStudio;
      const results = await Promise.allSettled(Array.from({ length: message.count }, () => open(message)));
      const errors = [];
      for (const r of results) {
        if (r.status === 'fulfilled') viewers.push(r.value); else errors.push(String(r.reason?.message ?? r.reason));
      }
      process.send({ opened: results.length - errors.length, errors });
    } else if (message.cmd === 'stats') {
      process.send({ viewers: viewers.map((v) => ({ packets: v.packets, bytes: v.bytes, connected: v.pc.connectionState === 'connected' })) });
    } else if (message.cmd === 'close') {
      await Promise.allSettled(viewers.splice(0).map((v) => v.close()));
      process.send({ closed: true });
    }
  } catch (e) {
    process.send({ error: String(e?.stack ?? e) });
  }
});
process.on('disconnect', () => process.exit(0));
