// The in-page half of the browser benchmarks. The page is served at <CamStudio>/__bench/ (bench/browser/serve.mjs
// routes it into Playwright), so the production player is imported from CamStudio's own /js/ and signalling is a
// same-origin fetch to the JSON offer endpoint, like the Blazor tile's. The query string says what to do:
//   ?mode=join&camera=ID&quality=stream1       one player; result = time to first decoded frame
//   ?mode=latency&camera=ID&frames=500         one player; every presented frame's stamp vs Date.now()
//   ?mode=tiles&cameras=1,2,…&quality=stream2  a grid of players; window.bench.sample() reads their counters
//   ?mode=sync&camera=ID&edges=30               one player with audio, camera --pattern sync: each flash's display time
//                                               vs its beep's playout time (lip sync, issue 15)
//   &transport=hls                             the player forced to LL-HLS (hls.js), as the tile's fallback plays
//   &transport=auto                            the tile's default: WebRTC, LL-HLS when it does not connect in 3 s
//   &transport=janus (latency only)            a plain <video> from a Janus mountpoint, signalled from Node (the reference)
// Results land in window.benchResult (the Node side waits for it); errors in window.benchResult.error.
import { createPlayer } from '/js/player.js';
import { decodeStamp, stampAgeMs, stampBandHeight } from './stamp-decoder.js';

const params = new URLSearchParams(location.search);
const mode = params.get('mode');
const quality = params.get('quality') ?? 'stream1';
const transport = params.get('transport') ?? 'webrtc';
/** performance.now() when this module started evaluating (page navigation is 0). */
const moduleStart = performance.now();

/** The one place the page talks to CamStudio (auth travels in the browser context's headers). */
const signal = {
  async offer(cameraId, q, sdp) {
    const response = await fetch(`/api/cameras/${cameraId}/webrtc/offer`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sdp, type: 'offer', quality: q }),
    });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) return { error: body.detail ?? body.title ?? `HTTP ${response.status}`, sessionId: '' };
    return { sdp: body.sdp, sessionId: body.session_id };
  },
  async hangup(sessionId) {
    await fetch(this.hlsSessions?.has(sessionId) ? `/api/hls/${sessionId}` : `/api/cameras/${this.cameraId}/webrtc/${sessionId}`,
      { method: 'DELETE' });
  },
  /** An HLS viewer through the multivariant playlist (what any HLS client does): its media playlist URL. */
  async hls(cameraId, q) {
    const response = await fetch(`/api/cameras/${cameraId}/hls/index.m3u8?quality=${q}`);
    const text = await response.text();
    if (!response.ok) {
      const body = (() => { try { return JSON.parse(text); } catch { return {}; } })();
      return { error: body.detail ?? `HTTP ${response.status}`, reason: body.code, retryable: body.retryable };
    }
    const url = text.split('\n').find((l) => l.startsWith('/api/hls/'));
    return { url, sessionId: url.split('/')[3] };
  },
};

/**
 * Starts one player in a new <video>. Timestamps (performance.now(), ms since navigation): created, offer (the offer
 * is created and set locally; the player hands it to signal.offer), answer, firstFrame (first
 * requestVideoFrameCallback), live (the player's own first-frame detection), decoded (getStats framesDecoded > 0).
 */
function startTile(cameraId, q, onFrame, { audio = false, trackArrival = false } = {}) {
  const video = document.createElement('video');
  document.getElementById('tiles').append(video);
  const t = {
    created: performance.now(), offer: null, answer: null, firstFrame: null, live: null, decoded: null,
    // The split of a join (performance.now()): ICE connected, DTLS connected (connectionState), the first RTP packet,
    // the first complete frame (the key frame) assembled, and the receiver counters at the first presented frame.
    iceConnected: null, dtlsConnected: null, firstPacket: null, firstFrameReceived: null,
  };
  /** Receiver counters over time ([ms, framesReceived, framesDecoded]) until the poll stops: how the replay burst arrived. */
  const received = [];
  const tileSignal = {
    cameraId,
    async offer(id, qq, sdp) {
      t.offer ??= performance.now();
      const answer = await signal.offer.call(this, id, qq, sdp);
      t.answer ??= performance.now();
      return answer;
    },
    hlsSessions: new Set(),
    hangup: signal.hangup,
    async hls(id, qq) {
      t.offer ??= performance.now();
      const opened = await signal.hls(id, qq);
      if (opened.sessionId) this.hlsSessions.add(opened.sessionId);
      t.answer ??= performance.now();
      return opened;
    },
  };
  const tile = { video, t, player: null, error: null, states: [], reconnects: 0, lastProblem: '', pcs: [] };
  tile.player = createPlayer(video, {
    cameraId: String(cameraId),
    quality: q,
    audio,
    signal: tileSignal,
    transport,
    // The player's own peer connections, kept for raw receiver stats (jitter buffer, decode time).
    env: {
      RTCPeerConnection: class extends RTCPeerConnection {
        constructor(config) {
          super(config);
          tile.pcs.push(this);
          this.addEventListener('iceconnectionstatechange', () => {
            if (this.iceConnectionState === 'connected' || this.iceConnectionState === 'completed') t.iceConnected ??= performance.now();
          });
          this.addEventListener('connectionstatechange', () => {
            if (this.connectionState === 'connected') t.dtlsConnected ??= performance.now();
          });
        }
      },
    },
    onStateChange: (state, detail) => {
      tile.states.push(state);
      if (state === 'live') t.live ??= performance.now();
      if (state === 'reconnecting') {
        tile.reconnects++;
        tile.lastProblem = `${detail.reason ?? ''} ${detail.message ?? ''}`;
      }
      if (state === 'failed') tile.error ??= `failed: ${detail.reason ?? ''} ${detail.message ?? ''}`;
    },
  });
  const onVideoFrame = (now, metadata) => {
    if (t.firstFrame === null) {
      t.firstFrame = now;
      // The presented frame's own timings: when its last packet arrived and how long Chromium took to decode it.
      tile.firstFrameMeta = {
        receiveTime: metadata.receiveTime ?? null,
        processingMs: metadata.processingDuration === undefined ? null : metadata.processingDuration * 1000,
        presentedFrames: metadata.presentedFrames,
      };
      tile.countersAtFirstFrame = receiverCounters(tile);
    }
    // Only the latency page keeps watching every frame; elsewhere the callback would be overhead on the measurement.
    if (!onFrame || onFrame(now, metadata) === false) return;
    video.requestVideoFrameCallback(onVideoFrame);
  };
  video.requestVideoFrameCallback(onVideoFrame);
  // framesDecoded from the receiver's stats, polled: a second view of "first frame" that does not depend on painting.
  // Also the first RTP packet and the first assembled frame, and the replay's arrival (framesReceived over time) for a
  // few seconds, which is how long a cached GOP takes to reach the page. After the first decoded frame only every
  // 50 ms, and never two getStats at once: the poll shares the machine with the catch-up decode it observes.
  let ticks = 0;
  let inFlight = false;
  const poll = setInterval(async () => {
    ticks++;
    if (inFlight || (t.decoded !== null && ticks % 5 !== 0)) return;
    inFlight = true;
    const counters = await receiverCounters(tile).catch(() => null);
    inFlight = false;
    const now = performance.now();
    if (counters) {
      if (counters.packetsReceived > 0) t.firstPacket ??= now;
      if (counters.framesReceived > 0) t.firstFrameReceived ??= now;
      if (counters.framesDecoded > 0) t.decoded ??= now;
      if (t.firstPacket !== null) received.push([now, counters.framesReceived, counters.framesDecoded]);
    }
    // Over HLS (forced, or 'auto' after falling back) no peer connection decodes: the element's own count says it.
    if (transport !== 'webrtc' && video.getVideoPlaybackQuality().totalVideoFrames > 0) t.decoded ??= now;
    if (t.decoded !== null && (!trackArrival || tile.arrivalDone || (t.firstPacket !== null && now - t.firstPacket > 6000))) {
      clearInterval(poll);
    }
  }, 10);
  tile.received = received;
  tile.dispose = () => {
    clearInterval(poll);
    tile.player.dispose();
  };
  return tile;
}

const until = async (what, predicate, ms) => {
  const deadline = performance.now() + ms;
  while (!predicate()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
};

/**
 * Reads the stamp of the frame the element is presenting (drawImage of the band only, then decodeStamp): the stamp,
 * null when the band is unreadable, undefined when the frame could not be drawn yet.
 */
function stampReader() {
  const canvas = document.createElement('canvas');
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  return (/** @type {HTMLVideoElement} */ video) => {
    const w = video.videoWidth;
    const band = stampBandHeight(w);
    if (canvas.width !== w || canvas.height !== band) {
      canvas.width = w;
      canvas.height = band;
    }
    ctx.clearRect(0, 0, w, band);
    ctx.drawImage(video, 0, 0, w, band, 0, 0, w, band);
    const data = ctx.getImageData(0, 0, w, band).data;
    // At the very first callback Chromium sometimes has no frame for the canvas yet: nothing is drawn (alpha 0).
    if (data[3] === 0) return undefined;
    return decodeStamp({ width: w, height: band, data, channels: 4 });
  };
}

/** The element's current frame as a PNG data URL. */
function snapshot(/** @type {HTMLVideoElement} */ video) {
  const canvas = document.createElement('canvas');
  canvas.width = video.videoWidth;
  canvas.height = video.videoHeight;
  canvas.getContext('2d').drawImage(video, 0, 0);
  return canvas.toDataURL('image/png');
}

async function join() {
  const read = stampReader();
  let firstFrameAge;
  let firstFrameImage = null;
  let freshFrame = null;
  const tile = startTile(params.get('camera'), quality, (now) => {
    const stamp = read(tile.video);
    if (stamp === undefined) return true;
    // How old the first picture is = how far into the camera's GOP this viewer joined (the server starts a late
    // joiner at the cached GOP's key frame). Null when the camera has no stamp pattern.
    if (firstFrameAge === undefined) {
      firstFrameAge = stamp ? stampAgeMs(stamp.value, Date.now()) : null;
      // Keep the evidence: an unreadable band in a first frame means the picture itself is damaged or incomplete.
      if (!stamp) firstFrameImage = snapshot(tile.video);
    }
    if (!stamp) return firstFrameAge !== null;
    // The first frame captured after the offer: the picture is live now. A cold start that first shows something
    // older is showing a previous run's frames.
    if (stampAgeMs(stamp.value, performance.timeOrigin + tile.t.offer) <= 0) {
      freshFrame = now;
      // The replay is over (live frames come after all of it): no more arrival samples needed.
      tile.arrivalDone = true;
      return false;
    }
    return true;
  }, { trackArrival: true });
  const { t } = tile;
  await until('the first decoded frame', () => (t.firstFrame !== null && t.decoded !== null) || tile.error
    || tile.reconnects > 0, 20_000);
  if (tile.error) throw new Error(tile.error);
  if (tile.reconnects > 0) throw new Error(`the player had to reconnect: ${tile.lastProblem}`);
  await until('live', () => t.live !== null, 5_000);
  // Over HLS the first picture is the part at hls.js's start position (up to a GOP behind the live edge), and there is
  // no offer to compare with for a forced HLS player: the fresh-frame step is WebRTC's.
  if (firstFrameAge !== null && transport === 'webrtc') await until('a frame captured after the offer', () => freshFrame !== null, 15_000);
  return {
    moduleStart,
    created: t.created,
    offer: t.offer,
    answer: t.answer,
    firstFrame: t.firstFrame,
    decoded: t.decoded,
    live: t.live,
    firstFrameAge,
    firstFrameImage,
    freshFrame,
    iceConnected: t.iceConnected,
    dtlsConnected: t.dtlsConnected,
    firstPacket: t.firstPacket,
    firstFrameReceived: t.firstFrameReceived,
    firstFrameMeta: tile.firstFrameMeta ?? null,
    countersAtFirstFrame: await tile.countersAtFirstFrame,
    // Only the samples where a counter moved: [ms, framesReceived, framesDecoded].
    received: tile.received.filter((r, i, all) => i === 0 || r[1] !== all[i - 1][1] || r[2] !== all[i - 1][2]),
    width: tile.video.videoWidth,
    height: tile.video.videoHeight,
    finish: () => tile.dispose(),
  };
}

/** Cumulative receive-side counters of the tile's current connection (inbound-rtp video), or null. */
async function receiverCounters(tile) {
  const pc = tile.pcs.at(-1);
  if (!pc) return null;
  for (const r of (await pc.getStats()).values()) {
    if (r.type === 'inbound-rtp' && r.kind === 'video') {
      return {
        jitterBufferDelay: r.jitterBufferDelay ?? 0,
        jitterBufferTargetDelay: r.jitterBufferTargetDelay ?? 0,
        jitterBufferEmittedCount: r.jitterBufferEmittedCount ?? 0,
        totalDecodeTime: r.totalDecodeTime ?? 0,
        totalProcessingDelay: r.totalProcessingDelay ?? 0,
        framesDecoded: r.framesDecoded ?? 0,
        framesReceived: r.framesReceived ?? 0,
        framesDropped: r.framesDropped ?? 0,
        packetsReceived: r.packetsReceived ?? 0,
        packetsLost: r.packetsLost ?? 0,
        nackCount: r.nackCount ?? 0,
        pliCount: r.pliCount ?? 0,
      };
    }
  }
  return null;
}

/** Per-frame averages in ms between two receiverCounters() snapshots. */
function receiverAverages(a, b) {
  if (!a || !b) return null;
  const emitted = b.jitterBufferEmittedCount - a.jitterBufferEmittedCount;
  const decoded = b.framesDecoded - a.framesDecoded;
  const per = (key, n) => (n > 0 ? ((b[key] - a[key]) / n) * 1000 : null);
  return {
    jitterBufferMs: per('jitterBufferDelay', emitted),
    jitterBufferTargetMs: per('jitterBufferTargetDelay', emitted),
    decodeMs: per('totalDecodeTime', decoded),
    processingMs: per('totalProcessingDelay', decoded),
    frames: decoded,
  };
}

/**
 * A plain <video> fed by a Janus streaming mountpoint (&transport=janus: the glass-to-glass reference). Janus offers,
 * so the Node side signals (bench/browser/g2g-janus.mjs) and hands each offer to window.benchJanus.answer(); the
 * returned tile has the fields latency() reads from a player's tile.
 */
function startJanusTile(onFrame) {
  const video = document.createElement('video');
  video.muted = true;
  video.autoplay = true;
  video.playsInline = true;
  document.getElementById('tiles').append(video);
  const t = { created: performance.now(), offer: null, answer: null, firstFrame: null, live: null, decoded: null };
  const pc = new RTCPeerConnection();
  const tile = { video, t, player: null, error: null, states: [], reconnects: 0, lastProblem: '', pcs: [pc] };
  pc.ontrack = (e) => {
    video.srcObject = e.streams[0] ?? new MediaStream([e.track]);
    video.play().catch(() => {});
  };
  pc.onconnectionstatechange = () => {
    if (pc.connectionState === 'failed') tile.error ??= 'the Janus peer connection failed';
  };
  window.benchJanus = {
    async answer(offer) {
      t.offer ??= performance.now();
      await pc.setRemoteDescription(offer);
      await pc.setLocalDescription(await pc.createAnswer());
      // No trickle towards Janus: the answer carries the candidates (host only, gathered at once in the namespace).
      if (pc.iceGatheringState !== 'complete') {
        await new Promise((resolve) => {
          pc.onicegatheringstatechange = () => pc.iceGatheringState === 'complete' && resolve();
        });
      }
      t.answer ??= performance.now();
      return pc.localDescription.sdp;
    },
  };
  const onVideoFrame = (now, metadata) => {
    t.firstFrame ??= now;
    if (onFrame(now, metadata) === false) return;
    video.requestVideoFrameCallback(onVideoFrame);
  };
  video.requestVideoFrameCallback(onVideoFrame);
  tile.dispose = () => pc.close();
  return tile;
}

async function latency() {
  const wanted = Number(params.get('frames') ?? 500);
  const read = stampReader();
  const samples = [];
  let unreadable = 0;
  let callbacks = 0;
  let replayed = 0;
  let caughtUp = false;
  /** Receiver counters at the first live frame (or the first frame after it whose stats were ready). */
  let countersAtStart = null;
  let countersPending = false;
  const start = transport === 'janus' ? startJanusTile : (onFrame) => startTile(params.get('camera'), quality, onFrame);
  const tile = start((now, metadata) => {
    const wall = Date.now();
    callbacks++;
    const stamp = read(tile.video);
    if (stamp === undefined) return true;
    if (!stamp) unreadable++;
    else if (!caughtUp && stampAgeMs(stamp.value, performance.timeOrigin + tile.t.offer) > 0) {
      // Still the late-join replay of the cached GOP (frames captured before the offer): measured by TTFF, not here.
      replayed++;
    } else {
      // Chromium serves a getStats report from its cache for a short while, so the first one after the first packet
      // can predate the inbound-rtp stats: ask again on the next frame until a report has them.
      if (countersAtStart === null && !countersPending) {
        countersPending = true;
        receiverCounters(tile).then((c) => { countersAtStart ??= c; }).catch(() => {}).finally(() => { countersPending = false; });
      }
      caughtUp = true;
      samples.push({
        // At the callback (the frame is about to be composited): what a viewer sees, minus the screen's own delay.
        presented: stampAgeMs(stamp.value, wall),
        // When the frame's last packet arrived (WebRTC receiveTime): camera + encoder + RTSP + CamStudio + network.
        // (HLS has no receive time per frame.)
        received: metadata.receiveTime ? stampAgeMs(stamp.value, performance.timeOrigin + metadata.receiveTime) : null,
        expectedDisplay: stampAgeMs(stamp.value, performance.timeOrigin + metadata.expectedDisplayTime),
      });
    }
    return samples.length < wanted;
  });
  await until(`${wanted} stamped frames`, () => samples.length >= wanted || tile.error, 60_000 + wanted * 200);
  if (tile.error && samples.length < wanted) throw new Error(tile.error);
  if (tile.reconnects > 0) throw new Error(`the player reconnected during the measurement: ${tile.lastProblem}`);
  const receiver = receiverAverages(countersAtStart, await receiverCounters(tile));
  const playback = tile.video.getVideoPlaybackQuality();
  return {
    samples,
    unreadable,
    callbacks,
    replayed,
    receiver,
    width: tile.video.videoWidth,
    height: tile.video.videoHeight,
    totalVideoFrames: playback.totalVideoFrames,
    droppedVideoFrames: playback.droppedVideoFrames,
    finish: () => tile.dispose(),
  };
}

async function tiles() {
  const ids = (params.get('cameras') ?? '').split(',').filter(Boolean);
  document.getElementById('tiles').style.setProperty('--cols', String(Math.ceil(Math.sqrt(ids.length))));
  const all = ids.map((id) => startTile(id, quality));
  await until('every tile live', () => all.every((tile) => tile.t.live !== null) || all.some((tile) => tile.error),
    90_000).catch((err) => {
    const live = all.filter((tile) => tile.t.live !== null).length;
    const reconnects = all.reduce((n, tile) => n + tile.reconnects, 0);
    throw new Error(`${err.message}: ${live} of ${all.length} live, ${reconnects} reconnects `
      + `(last: ${all.find((tile) => tile.lastProblem)?.lastProblem ?? 'none'})`);
  });
  const broken = all.find((tile) => tile.error);
  if (broken) throw new Error(`a tile failed: ${broken.error}`);
  const reconnectsBefore = all.map((tile) => tile.reconnects);
  window.bench.sample = async () => Promise.all(all.map(async (tile) => {
    const q = tile.video.getVideoPlaybackQuality();
    const stats = await tile.player.getStats();
    return {
      totalVideoFrames: q.totalVideoFrames,
      droppedVideoFrames: q.droppedVideoFrames,
      framesDecoded: stats?.framesDecoded ?? null,
      framesDropped: stats?.framesDropped ?? null,
      freezeCount: stats?.freezeCount ?? null,
      packetsLost: stats?.packetsLost ?? null,
      width: tile.video.videoWidth,
      state: tile.player.state,
      reconnects: tile.reconnects,
    };
  }));
  return {
    count: all.length,
    liveAfterMs: Math.max(...all.map((tile) => tile.t.live)),
    reconnectsBeforeLive: reconnectsBefore.reduce((a, b) => a + b, 0),
    finish: () => all.forEach((tile) => tile.dispose()),
  };
}

/** Mean luma (0–255) of the presented frame, from an 8×8 downscale; undefined before the first drawable frame. */
function lumaReader() {
  const canvas = document.createElement('canvas');
  canvas.width = 8;
  canvas.height = 8;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  return (/** @type {HTMLVideoElement} */ video) => {
    ctx.clearRect(0, 0, 8, 8);
    ctx.drawImage(video, 0, 0, 8, 8);
    const data = ctx.getImageData(0, 0, 8, 8).data;
    if (data[3] === 0) return undefined;
    let sum = 0;
    for (let i = 0; i < data.length; i += 4) sum += 0.299 * data[i] + 0.587 * data[i + 1] + 0.114 * data[i + 2];
    return sum / 64;
  };
}

// Runs on the audio thread: the context time of each beep's first sample (|x| above a threshold after >= 200 ms of
// quiet), exact to the sample. Zero crossings inside a beep last a few samples, far below the quiet window.
const BEEP_DETECTOR = `
class BeepDetector extends AudioWorkletProcessor {
  constructor() { super(); this.quiet = 0; }
  process(inputs) {
    const channel = inputs[0]?.[0];
    if (!channel) return true;
    for (let i = 0; i < channel.length; i++) {
      if (Math.abs(channel[i]) > 0.05) {
        if (this.quiet >= 0.2 * sampleRate) this.port.postMessage(currentTime + i / sampleRate);
        this.quiet = 0;
      } else {
        this.quiet++;
      }
    }
    return true;
  }
}
registerProcessor('beep-detector', BeepDetector);
`;

/**
 * Lip sync (issue 15): the camera (rtsp-test-camera.py --pattern sync) turns the picture white and starts a beep at
 * the same media time. The page records when each flash is displayed (requestVideoFrameCallback's
 * expectedDisplayTime) and when each beep is played out: the received audio track feeds a Web Audio worklet whose
 * context time is mapped to performance.now() by getOutputTimestamp() (when that sample reaches the output). Both on
 * the page's one clock. Result: audio minus video per flash, positive when the sound comes late.
 */
async function sync() {
  const wanted = Number(params.get('edges') ?? 30);
  const luma = lumaReader();
  const flashes = [];
  const beeps = [];
  let white = null;
  let done = false;
  const tile = startTile(params.get('camera'), quality, (now, metadata) => {
    const y = luma(tile.video);
    if (y === undefined) return true;
    const isWhite = y > 128;
    if (isWhite && white === false) flashes.push(metadata.expectedDisplayTime);
    white = isWhite;
    return !done;
  }, { audio: true });
  await until('the first decoded frame', () => (tile.t.firstFrame !== null && tile.t.decoded !== null) || tile.error, 20_000);
  if (tile.error) throw new Error(tile.error);
  const stream = /** @type {MediaStream} */ (tile.video.srcObject);
  await until('an audio track', () => stream?.getAudioTracks().length > 0, 10_000);
  // Played like an unmuted tile (the bench browser allows autoplay with sound).
  tile.video.muted = false;
  await tile.video.play();
  const audio = new AudioContext();
  await audio.audioWorklet.addModule(URL.createObjectURL(new Blob([BEEP_DETECTOR], { type: 'text/javascript' })));
  const detector = new AudioWorkletNode(audio, 'beep-detector');
  const silent = audio.createGain();
  silent.gain.value = 0;
  audio.createMediaStreamSource(stream).connect(detector).connect(silent).connect(audio.destination);
  await audio.resume();
  detector.port.onmessage = ({ data: contextTime }) => {
    const stamp = audio.getOutputTimestamp();
    beeps.push(stamp.performanceTime + (contextTime - stamp.contextTime) * 1000);
  };
  // Flashes before the audio graph ran have no beep to pair with.
  const start = performance.now() + 500;
  const pairs = () => {
    const out = [];
    for (const v of flashes) {
      if (v < start) continue;
      let best = null;
      for (const a of beeps) if (best === null || Math.abs(a - v) < Math.abs(best - v)) best = a;
      if (best !== null && Math.abs(best - v) < 600) out.push({ video: v, audio: best, offset: best - v });
    }
    return out;
  };
  await until(`${wanted} flash/beep pairs`, () => pairs().length >= wanted || tile.error || tile.reconnects > 0,
    30_000 + wanted * 2_500);
  done = true;
  if (tile.error) throw new Error(tile.error);
  if (tile.reconnects > 0) throw new Error(`the player reconnected during the measurement: ${tile.lastProblem}`);
  let audioCodec = null;
  const pc = tile.pcs.at(-1);
  if (pc) {
    const report = await pc.getStats();
    for (const r of report.values()) {
      if (r.type === 'inbound-rtp' && r.kind === 'audio') audioCodec = report.get(r.codecId)?.mimeType ?? null;
    }
  }
  const result = {
    pairs: pairs(),
    flashes: flashes.length,
    beeps: beeps.length,
    audioCodec,
    outputLatencyMs: (audio.outputLatency ?? 0) * 1000,
    baseLatencyMs: audio.baseLatency * 1000,
    finish: () => tile.dispose(),
  };
  await audio.close();
  return result;
}

window.bench = {};
const run = { join, latency, tiles, sync }[mode];
(run ? run() : Promise.reject(new Error(`unknown mode ${mode}`)))
  .then((result) => {
    window.bench.finish = result.finish;
    delete result.finish;
    window.benchResult = result;
  })
  .catch((err) => {
    window.benchResult = { error: String(err?.stack ?? err) };
  });
