// A child process holding headless WebRTC viewers (werift RTCPeerConnections, recvonly H.264). The fan-out
// benchmark spreads its viewers over a few of these so the viewers' own CPU (SRTP decryption in Node) never shares
// an event loop with the harness's CPU sampler, and is never attributed to the server under test.
// Protocol (process.send): { cmd: 'open', kind: 'camstudio'|'janus'|'hls', count, audio?, ... } -> { opened, errors }
//                          { cmd: 'stats' } -> { viewers: [{ packets, bytes, audioPackets, audioBytes, audioCodec, connected }] }
// (audio: true adds a recvonly audio section to a CamStudio offer; packets/bytes stay the video's.)
// (An HLS viewer counts fMP4 parts as its packets: it is an LL-HLS client, not a peer connection.)
//                          { cmd: 'close' } -> { closed }
import dgram from 'node:dgram';
import { RTCPeerConnection, RTCRtpCodecParameters } from 'werift';
import { createApiClient } from '../lib/api.mjs';
import { watchJanusMountpoint } from '../lib/janus.mjs';

// On a shared 2-core machine a viewer process can be off the CPU for longer than the default 208 KiB socket
// buffer lasts at 2-4 Mbit/s; the kernel then drops datagrams, the viewer NACKs and the server under test
// retransmits: the harness would load the server it measures. werift does not expose its sockets, so every UDP
// socket in this process asks for 4 MiB (the namespace's net.core.rmem_max) when it starts listening.
const RECEIVE_BUFFER_BYTES = 4 * 1024 * 1024;
const bind = dgram.Socket.prototype.bind;
dgram.Socket.prototype.bind = function bindWithLargeBuffer(...args) {
  this.once('listening', () => {
    try { this.setRecvBufferSize(RECEIVE_BUFFER_BYTES); } catch { /* keep the default */ }
  });
  return bind.apply(this, args);
};

/** @type {{ pc: RTCPeerConnection, packets: number, bytes: number, close: () => Promise<void> }[]} */
const viewers = [];

// Audio codecs a browser offers and CamStudio can answer (Opus transcoded from AAC, G.711 passed through).
const AUDIO_CODECS = [
  new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48000, channels: 2 }),
  new RTCRtpCodecParameters({ mimeType: 'audio/PCMA', clockRate: 8000, channels: 1 }),
  new RTCRtpCodecParameters({ mimeType: 'audio/PCMU', clockRate: 8000, channels: 1 }),
];

function newPeerConnection(address, { audio = false } = {}) {
  return new RTCPeerConnection({
    codecs: {
      ...(audio ? { audio: AUDIO_CODECS } : {}),
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
  // packets/bytes count the video (what every metric reads); an audio track is counted apart.
  const viewer = { pc, packets: 0, bytes: 0, audioPackets: 0, audioBytes: 0, audioCodec: undefined, close: async () => { await pc.close(); } };
  pc.onTrack.subscribe((t) => t.onReceiveRtp.subscribe((rtp) => {
    if (t.kind === 'audio') {
      viewer.audioPackets += 1;
      viewer.audioBytes += rtp.payload.length;
      viewer.audioCodec ??= t.codec?.mimeType;
      return;
    }
    viewer.packets += 1;
    viewer.bytes += rtp.payload.length;
  }));
  return viewer;
}

/** WHEP (RFC 9725 style): POST the offer, get the answer, DELETE the Location to leave. */
async function openCamStudio({ baseUrl, token, cameraId, quality, address, audio = false }) {
  const api = createApiClient(baseUrl, { token });
  const pc = newPeerConnection(address, { audio });
  // With audio: one bundle of audio + video, like Chromium's offer for a tile with sound.
  if (audio) pc.addTransceiver('audio', { direction: 'recvonly' });
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

const PRELOAD_HINT = /#EXT-X-PRELOAD-HINT:TYPE=PART,URI="part(\d+)\.(\d+)\.m4s"/;

/**
 * An LL-HLS client as hls.js behaves at the live edge (RFC 8216bis §6.2.5.2, §6.2.6): open a viewer through the
 * multivariant playlist, then for each part ask in parallel for the preload-hinted part (held by the server until it
 * is complete) and for the playlist that will list it (a blocking reload with _HLS_msn/_HLS_part). No polling, no
 * decoding: what it costs the server per HLS viewer is what is measured.
 */
async function openHls({ baseUrl, token, cameraId, quality }) {
  const headers = token ? { Authorization: `Bearer ${token}` } : {};
  const get = async (path, expect = [200]) => {
    const r = await fetch(new URL(path, baseUrl), { headers, signal: AbortSignal.timeout(30000) });
    const body = Buffer.from(await r.arrayBuffer());
    if (!expect.includes(r.status)) throw new Error(`GET ${path} -> ${r.status}: ${body.toString('utf8', 0, 300)}`);
    return { status: r.status, body };
  };
  const multivariant = (await get(`/api/cameras/${cameraId}/hls/index.m3u8?quality=${quality}`)).body.toString('utf8');
  const playlistPath = multivariant.split('\n').find((l) => l.startsWith('/api/hls/'));
  if (!playlistPath) throw new Error(`no media playlist in ${multivariant}`);
  const folder = playlistPath.slice(0, playlistPath.lastIndexOf('/') + 1);
  const viewer = { packets: 0, bytes: 0, connected: true, errors: 0, close: async () => {} };
  let running = true;
  (async () => {
    let playlist = (await get(playlistPath)).body.toString('utf8');
    await get(`${folder}init.mp4`);
    while (running) {
      const hint = PRELOAD_HINT.exec(playlist);
      if (!hint) throw new Error(`no preload hint in ${playlist.slice(0, 300)}`);
      const [msn, part] = [hint[1], hint[2]];
      // 404: that part index was never made because a new segment began at a key frame; the playlist says what did.
      const [fetched, reloaded] = await Promise.all([
        get(`${folder}part${msn}.${part}.m4s`, [200, 404]),
        get(`${playlistPath}?_HLS_msn=${msn}&_HLS_part=${part}`),
      ]);
      // A 404 means the segment closed at a key frame first: that picture is part 0 of the next segment (hls.js
      // fetches it too, from the reloaded playlist).
      const got = fetched.status === 200 ? fetched : await get(`${folder}part${Number(msn) + 1}.0.m4s`);
      viewer.packets += 1;
      viewer.bytes += got.body.length;
      playlist = reloaded.body.toString('utf8');
    }
  })().catch((e) => {
    viewer.connected = false;
    viewer.errors += 1;
    if (running) console.error(`HLS viewer of camera ${cameraId}: ${e.message}`);
  });
  viewer.close = async () => {
    running = false;
    await fetch(new URL(folder, baseUrl), { method: 'DELETE', headers, signal: AbortSignal.timeout(10000) }).catch(() => {});
  };
  return viewer;
}

/** Janus streaming plugin over the Janus HTTP API (bench/lib/janus.mjs): Janus offers, a werift peer answers. */
async function openJanus({ janusUrl, mountpointId, address }) {
  const pc = newPeerConnection(address);
  const viewer = track(pc);
  const subscriber = await watchJanusMountpoint({
    janusUrl, mountpointId,
    answer: async (offer) => {
      await pc.setRemoteDescription(offer);
      await pc.setLocalDescription(await pc.createAnswer());
      return pc.localDescription.sdp;
    },
  });
  viewer.close = async () => {
    await pc.close();
    await subscriber.close();
  };
  return viewer;
}

process.on('message', async (message) => {
  try {
    if (message.cmd === 'open') {
      const open = message.kind === 'janus' ? openJanus : message.kind === 'hls' ? openHls : openCamStudio;
      const results = await Promise.allSettled(Array.from({ length: message.count }, () => open(message)));
      const errors = [];
      for (const r of results) {
        if (r.status === 'fulfilled') viewers.push(r.value); else errors.push(String(r.reason?.message ?? r.reason));
      }
      process.send({ opened: results.length - errors.length, errors });
    } else if (message.cmd === 'stats') {
      process.send({ viewers: viewers.map((v) => ({ packets: v.packets, bytes: v.bytes,
        audioPackets: v.audioPackets ?? 0, audioBytes: v.audioBytes ?? 0, audioCodec: v.audioCodec, connected: v.pc ? v.pc.connectionState === 'connected' : v.connected })) });
    } else if (message.cmd === 'close') {
      await Promise.allSettled(viewers.splice(0).map((v) => v.close()));
      process.send({ closed: true });
    }
  } catch (e) {
    process.send({ error: String(e?.stack ?? e) });
  }
});
process.on('disconnect', () => process.exit(0));
