import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  CONNECT_TIMEOUT_MS,
  RECONNECT_BASE_DELAY_MS,
  RECONNECT_JITTER_RATIO,
  STALL_TIMEOUT_MS,
  STATS_INTERVAL_MS,
  WEBRTC_FALLBACK_TIMEOUT_MS,
  WEBRTC_RETRY_INTERVAL_MS,
} from '../src/constants.js';
import { createPlayer } from '../src/player.js';
import { FakeHls, FakeVideo, fakeRtpReceiver, flush, makeEnv } from './fakes.mjs';

/** A started player whose signal adapter can open HLS sessions; `env` overrides members of the fake environment. */
async function setup({ env = {}, options = {}, video = new FakeVideo() } = {}) {
  const ctx = makeEnv({ hls: true });
  Object.assign(ctx.env, env);
  const states = [];
  const player = createPlayer(video, {
    cameraId: 'cam-1',
    signal: ctx.signal,
    env: ctx.env,
    onStateChange: (state, detail) => states.push({ state, ...detail }),
    ...options,
  });
  await flush();
  return { ...ctx, video, player, states, last: () => states.at(-1) };
}

/** The HLS session's first decoded frame in the tile element. */
async function hlsFirstFrame(ctx) {
  ctx.video.decodeFrame();
  await flush();
}

/** Lets `ms` pass in stats-interval steps while the picture moves on (the position advances, so no stall). */
async function playFor(ctx, ms) {
  for (let left = ms; left > 0; left -= STATS_INTERVAL_MS) {
    ctx.video.currentTime += STATS_INTERVAL_MS / 1000;
    ctx.timers.advance(Math.min(STATS_INTERVAL_MS, left));
    await flush();
  }
}

const firstDelay = Math.round(RECONNECT_BASE_DELAY_MS * (1 - RECONNECT_JITTER_RATIO * 0.5));

test('auto: WebRTC without ICE/DTLS "connected" after the fallback timeout → HLS through hls.js, then live with transport hls', async () => {
  const ctx = await setup();
  assert.equal(ctx.pcs.length, 1, 'WebRTC first');
  assert.equal(ctx.last().transport, 'webrtc');
  ctx.timers.advance(WEBRTC_FALLBACK_TIMEOUT_MS - 1);
  assert.equal(ctx.signal.hlsOpens.length, 0, 'not before the timeout');

  ctx.timers.advance(1);
  await flush();
  assert.equal(ctx.pcs[0].closed, true);
  assert.deepEqual(ctx.signal.hangups, ['s1'], 'the abandoned WebRTC session is hung up');
  assert.deepEqual(ctx.signal.hlsOpens, [{ cameraId: 'cam-1', quality: 'stream2' }]);
  assert.equal(ctx.player.state, 'connecting');
  assert.equal(ctx.last().transport, 'hls');
  assert.equal(ctx.last().reason, 'webrtc_timeout');
  assert.match(ctx.last().message, /WebRTC did not connect within 3 s: playing HLS/);

  const hls = ctx.hlsInstances[0];
  assert.equal(hls.source, '/hls/h1/index.m3u8');
  assert.equal(hls.media, ctx.video);
  assert.equal(hls.config.lowLatencyMode, true, 'LL-HLS parts, not whole segments');
  assert.ok(hls.config.backBufferLength <= 10, 'a camera is never rewound: small back buffer');
  assert.ok(hls.config.maxLiveSyncPlaybackRate > 1, 'catches up with the live edge');
  assert.equal(ctx.video.srcObject, null);
  assert.ok(ctx.video.playCalls >= 1);

  await hlsFirstFrame(ctx);
  assert.equal(ctx.player.state, 'live');
  assert.equal(ctx.last().transport, 'hls');
  assert.equal(ctx.player.transport, 'hls');
  ctx.player.dispose();
});

test('auto: the fallback clock starts when the answer is in (a slow server is not a blocked network)', async () => {
  const ctx = makeEnv({ hls: true });
  ctx.signal.hold = true;
  const player = createPlayer(new FakeVideo(), { cameraId: 'c', signal: ctx.signal, env: ctx.env });
  await flush();
  ctx.timers.advance(WEBRTC_FALLBACK_TIMEOUT_MS * 2);
  assert.equal(ctx.signal.hlsOpens.length, 0, 'still waiting for the answer');
  ctx.signal.resolveNext();
  await flush();
  ctx.timers.advance(WEBRTC_FALLBACK_TIMEOUT_MS - 1);
  assert.equal(ctx.signal.hlsOpens.length, 0);
  ctx.timers.advance(1);
  await flush();
  assert.equal(ctx.signal.hlsOpens.length, 1);
  player.dispose();
});

test('auto: a retryable HLS refusal (server busy, no HLS offered) → the next attempt tries WebRTC again', async () => {
  const c2 = await setup();
  c2.signal.hlsResult = () => ({ error: 'HLS is not available.', reason: 'unavailable', retryable: true });
  c2.timers.advance(WEBRTC_FALLBACK_TIMEOUT_MS);
  await flush();
  assert.equal(c2.player.state, 'reconnecting');
  assert.equal(c2.last().reason, 'unavailable');
  c2.timers.advance(firstDelay);
  await flush();
  assert.equal(c2.pcs.length, 2, 'WebRTC again');
  assert.equal(c2.last().transport, 'webrtc');
  c2.player.dispose();
});

test('auto: ICE connected in time stays on WebRTC (no HLS session ever opened)', async () => {
  const ctx = await setup();
  ctx.pcs[0].setConnectionState('connected');
  ctx.timers.advance(WEBRTC_FALLBACK_TIMEOUT_MS * 3);
  ctx.pcs[0].emitTrack();
  await flush();
  ctx.video.decodeFrame();
  assert.equal(ctx.player.state, 'live');
  assert.equal(ctx.last().transport, 'webrtc');
  assert.equal(ctx.signal.hlsOpens.length, 0);
  ctx.player.dispose();
});

test('auto: ICE "failed" before the first picture → HLS at once', async () => {
  const ctx = await setup();
  ctx.pcs[0].setConnectionState('failed');
  await flush();
  assert.equal(ctx.signal.hlsOpens.length, 1);
  assert.equal(ctx.last().reason, 'ice_failed');
  assert.equal(ctx.last().transport, 'hls');
  ctx.player.dispose();
});

test('auto: no RTCPeerConnection → straight to HLS, no peer connection attempted', async () => {
  const ctx = await setup({ env: { RTCPeerConnection: null } });
  assert.equal(ctx.pcs.length, 0);
  assert.equal(ctx.signal.offers.length, 0);
  assert.equal(ctx.signal.hlsOpens.length, 1);
  assert.deepEqual(ctx.states.map((s) => [s.state, s.transport, s.reason]), [['connecting', 'hls', 'webrtc_unsupported']]);
  await hlsFirstFrame(ctx);
  assert.equal(ctx.player.state, 'live');
  ctx.timers.advance(WEBRTC_RETRY_INTERVAL_MS * 3);
  assert.equal(ctx.pcs.length, 0, 'no background WebRTC retry in a browser without WebRTC');
  ctx.player.dispose();
});

test('auto: WebRTC without H.264 among the receive codecs → straight to HLS', async () => {
  const ctx = await setup({ env: { RTCRtpReceiver: fakeRtpReceiver(['video/VP8', 'video/VP9', 'video/AV1']) } });
  assert.equal(ctx.pcs.length, 0);
  assert.equal(ctx.signal.hlsOpens.length, 1);
  assert.equal(ctx.last().reason, 'no_h264');
  ctx.player.dispose();
});

test('auth_failed from the offer does not fall back: failed with the server text, and no HLS later either', async () => {
  const ctx = makeEnv({ hls: true });
  ctx.signal.failWith = { message: 'Wrong username or password.', reason: 'auth_failed', retryable: false };
  const states = [];
  const player = createPlayer(new FakeVideo(), {
    cameraId: 'cam-1', signal: ctx.signal, env: ctx.env, onStateChange: (s, d) => states.push({ state: s, ...d }),
  });
  await flush();
  ctx.timers.advance(WEBRTC_FALLBACK_TIMEOUT_MS * 10);
  await flush();
  assert.equal(player.state, 'failed');
  assert.equal(states.at(-1).reason, 'auth_failed');
  assert.equal(states.at(-1).message, 'Wrong username or password.');
  assert.equal(ctx.signal.hlsOpens.length, 0);
  player.dispose();
});

test('forced webrtc: no fallback on timeout (the usual reconnect instead); without RTCPeerConnection it fails', async () => {
  const ctx = await setup({ options: { transport: 'webrtc' } });
  ctx.timers.advance(CONNECT_TIMEOUT_MS);
  await flush();
  assert.equal(ctx.signal.hlsOpens.length, 0);
  assert.equal(ctx.player.state, 'reconnecting');
  assert.equal(ctx.last().reason, 'timeout');
  assert.equal(ctx.last().transport, 'webrtc');
  ctx.player.dispose();

  const bare = await setup({ options: { transport: 'webrtc' }, env: { RTCPeerConnection: undefined } });
  assert.equal(bare.player.state, 'failed');
  assert.equal(bare.last().reason, 'webrtc_unsupported');
  assert.equal(bare.signal.hlsOpens.length, 0);
  bare.player.dispose();
});

test('forced hls: no peer connection, HLS at once, and no background WebRTC retry', async () => {
  const ctx = await setup({ options: { transport: 'hls' } });
  assert.equal(ctx.pcs.length, 0);
  assert.equal(ctx.signal.hlsOpens.length, 1);
  assert.equal(ctx.last().reason, undefined, 'nothing failed: the operator chose HLS');
  await hlsFirstFrame(ctx);
  ctx.timers.advance(WEBRTC_RETRY_INTERVAL_MS * 2);
  assert.equal(ctx.pcs.length, 0);
  assert.equal(ctx.player.state, 'live');
  ctx.player.dispose();
});

test('forced hls needs an adapter that can open HLS sessions', () => {
  const ctx = makeEnv();
  assert.throws(() => createPlayer(new FakeVideo(), { cameraId: 'c', signal: ctx.signal, env: ctx.env, transport: 'hls' }), TypeError);
  assert.throws(() => createPlayer(new FakeVideo(), { cameraId: 'c', signal: ctx.signal, env: ctx.env, transport: 'udp' }), TypeError);
});

test('an adapter without hls() keeps auto on WebRTC (older hosts): the usual timeout, no fallback', async () => {
  const ctx = makeEnv();
  const player = createPlayer(new FakeVideo(), { cameraId: 'c', signal: ctx.signal, env: ctx.env });
  await flush();
  ctx.timers.advance(WEBRTC_FALLBACK_TIMEOUT_MS * 2);
  assert.equal(player.state, 'connecting');
  player.dispose();
});

test('native HLS on Safari: the playlist URL goes into video.src, hls.js is never loaded', async () => {
  const video = new FakeVideo();
  video.nativeHls = true;
  let loads = 0;
  const ctx = await setup({
    video,
    options: { transport: 'hls' },
    env: {
      navigator: { userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15', vendor: 'Apple Computer, Inc.' },
      loadHls: async () => {
        loads++;
        return FakeHls;
      },
    },
  });
  assert.equal(video.src, '/hls/h1/index.m3u8');
  assert.equal(loads, 0);
  assert.equal(ctx.hlsInstances.length, 0);
  await hlsFirstFrame(ctx);
  assert.equal(ctx.player.state, 'live');

  // A media error of the native player → a new session after the backoff delay.
  video.error = { message: 'MEDIA_ERR_NETWORK' };
  video.dispatch('error');
  assert.equal(ctx.player.state, 'reconnecting');
  assert.equal(video.src, '', 'the old session is unloaded');
  ctx.timers.advance(firstDelay);
  await flush();
  assert.equal(video.src, '/hls/h2/index.m3u8');
  assert.deepEqual(ctx.signal.hangups, ['h1']);
  ctx.player.dispose();
  assert.equal(video.listenerCount('error'), 0);
});

test('Android Chrome says "maybe" to the HLS type but has MSE: hls.js, not the native path', async () => {
  const video = new FakeVideo();
  video.nativeHls = true;
  const ctx = await setup({
    video,
    options: { transport: 'hls' },
    env: { navigator: { userAgent: 'Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36', vendor: 'Google Inc.' } },
  });
  assert.equal(ctx.hlsInstances.length, 1);
  assert.equal(ctx.hlsInstances[0].source, '/hls/h1/index.m3u8');
  ctx.player.dispose();
});

test('a codec hls.js finds no decoder for (H.265 without one) fails once, in words, instead of reconnecting forever', async () => {
  const ctx = await setup({ options: { transport: 'hls' } });
  ctx.hlsInstances[0].emitError({ fatal: true, type: 'mediaError', details: 'manifestIncompatibleCodecsError' });
  assert.equal(ctx.player.state, 'failed');
  assert.equal(ctx.last().reason, 'codec_unsupported');
  assert.match(ctx.last().message, /cannot play this camera's video codec/);
  assert.match(ctx.last().message, /SD stream/);
  assert.equal(ctx.hlsInstances[0].destroyed, true);
  assert.deepEqual(ctx.signal.hangups, ['h1'], 'the server session is hung up');
  ctx.timers.advance(60_000);
  await flush();
  assert.equal(ctx.signal.hlsOpens.length, 1, 'no retry');
  ctx.player.dispose();
});

test('an hls.js fatal error → reconnecting with the backoff, then a new session (old one destroyed and hung up)', async () => {
  const ctx = await setup({ options: { transport: 'hls' } });
  await hlsFirstFrame(ctx);
  const first = ctx.hlsInstances[0];
  first.emitError({ fatal: false, details: 'fragLoadTimeOut' });
  assert.equal(ctx.player.state, 'live', 'hls.js recovers from non-fatal errors by itself');

  first.emitError({ fatal: true, type: 'mediaError', details: 'bufferAppendError' });
  assert.equal(ctx.player.state, 'reconnecting');
  assert.equal(ctx.last().reason, 'hls_error');
  assert.equal(ctx.last().delayMs, firstDelay);
  assert.equal(ctx.last().transport, 'hls');
  assert.equal(first.destroyed, true);
  assert.deepEqual(ctx.signal.hangups, ['h1']);

  ctx.timers.advance(firstDelay);
  await flush();
  assert.equal(ctx.signal.hlsOpens.length, 2);
  assert.equal(ctx.hlsInstances[1].source, '/hls/h2/index.m3u8');
  assert.equal(ctx.player.state, 'connecting');
  assert.equal(ctx.last().attempt, 1);
  assert.equal(ctx.pcs.length, 0);
  ctx.player.dispose();
});

test('a 404 for a part (the preload-hinted part was never made, §6.2.6) is not an ended session: no reconnect', async () => {
  const ctx = await setup({ options: { transport: 'hls' } });
  await hlsFirstFrame(ctx);
  ctx.hlsInstances[0].emitError({ fatal: false, details: 'fragLoadError', response: { code: 404, text: 'Not Found' } });
  assert.equal(ctx.player.state, 'live');
  assert.equal(ctx.signal.hlsOpens.length, 1);
  ctx.player.dispose();
});

test('hls.js started a GOP behind: once buffered up to the live sync position the player jumps there, not before', async () => {
  const ctx = await setup({ options: { transport: 'hls' } });
  await hlsFirstFrame(ctx);
  const hls = ctx.hlsInstances[0];
  ctx.video.currentTime = 10;
  hls.liveSyncPosition = 13.5;
  ctx.video.bufferedRanges = [[9.8, 12]];
  hls.emitFragBuffered();
  assert.equal(ctx.video.currentTime, 10, 'the data up to the sync position is not there yet');
  ctx.video.bufferedRanges = [[9.8, 13.9]];
  hls.emitFragBuffered();
  assert.equal(ctx.video.currentTime, 13.5, 'jumped within the buffer');
  ctx.video.currentTime = 13.2;
  hls.liveSyncPosition = 13.8;
  ctx.video.bufferedRanges = [[9.8, 14.2]];
  hls.emitFragBuffered();
  assert.equal(ctx.video.currentTime, 13.2, 'less than the threshold behind: left to the playback rate');
  ctx.player.dispose();
});

test('a 404 (the server ended the session) → session_expired and a new session, even when hls.js calls it non-fatal', async () => {
  const ctx = await setup({ options: { transport: 'hls' } });
  await hlsFirstFrame(ctx);
  ctx.hlsInstances[0].emitError({ fatal: false, details: 'levelLoadError', response: { code: 404, text: 'Not Found' } });
  assert.equal(ctx.player.state, 'reconnecting');
  assert.equal(ctx.last().reason, 'session_expired');
  ctx.timers.advance(firstDelay);
  await flush();
  assert.equal(ctx.signal.hlsOpens.length, 2);
  ctx.player.dispose();
});

test('an HLS refusal maps like an offer refusal: forbidden → failed with the server text; unavailable → reconnecting', async () => {
  const ctx = makeEnv({ hls: true });
  ctx.signal.hlsResult = () => ({ error: 'You may not watch this camera.', reason: 'forbidden', retryable: false, sessionId: null, url: null });
  const states = [];
  const player = createPlayer(new FakeVideo(), {
    cameraId: 'c', signal: ctx.signal, env: ctx.env, transport: 'hls', onStateChange: (s, d) => states.push({ state: s, ...d }),
  });
  await flush();
  assert.equal(player.state, 'failed');
  assert.equal(states.at(-1).reason, 'forbidden');
  assert.equal(states.at(-1).message, 'You may not watch this camera.');
  player.dispose();

  ctx.signal.hlsResult = () => ({ error: 'The camera is starting.', reason: 'unavailable', retryable: true });
  const again = createPlayer(new FakeVideo(), { cameraId: 'c', signal: ctx.signal, env: ctx.env, transport: 'hls' });
  await flush();
  assert.equal(again.state, 'reconnecting');
  again.dispose();
});

test('HLS stall: live but currentTime not advancing → reconnect (new session)', async () => {
  const ctx = await setup({ options: { transport: 'hls' } });
  await hlsFirstFrame(ctx);
  for (let t = 0; t < 3; t++) {
    ctx.video.currentTime += 1;
    ctx.timers.advance(STATS_INTERVAL_MS);
    await flush();
  }
  assert.equal(ctx.player.state, 'live', 'a moving position is no stall');
  const frozenAt = ctx.timers.now();
  while (ctx.player.state === 'live' && ctx.timers.now() - frozenAt <= STALL_TIMEOUT_MS + STATS_INTERVAL_MS) {
    ctx.timers.advance(STATS_INTERVAL_MS);
    await flush();
  }
  assert.equal(ctx.player.state, 'reconnecting');
  assert.ok(ctx.timers.now() - frozenAt >= STALL_TIMEOUT_MS);
  assert.equal(ctx.last().reason, 'stalled');
  assert.equal(ctx.hlsInstances[0].destroyed, true);
  ctx.player.dispose();
});

test('HLS stats: size, decoded and dropped frames from the element, latency from hls.js', async () => {
  const ctx = await setup({ options: { transport: 'hls' } });
  await hlsFirstFrame(ctx);
  ctx.video.playbackQuality = { totalVideoFrames: 250, droppedVideoFrames: 2 };
  const s = await ctx.player.getStats();
  assert.equal(s.transport, 'hls');
  assert.equal(s.width, 640);
  assert.equal(s.framesDecoded, 250);
  assert.equal(s.framesDropped, 2);
  assert.equal(s.latencyMs, 1200);
  ctx.player.dispose();
});

/** Live on HLS after a WebRTC timeout, in auto. */
async function liveOnHlsAfterFallback() {
  const ctx = await setup();
  ctx.timers.advance(WEBRTC_FALLBACK_TIMEOUT_MS);
  await flush();
  await hlsFirstFrame(ctx);
  assert.equal(ctx.player.state, 'live');
  assert.equal(ctx.last().transport, 'hls');
  return ctx;
}

test('background WebRTC retry: swaps to WebRTC only after its first decoded frame, then ends the HLS session', async () => {
  const ctx = await liveOnHlsAfterFallback();
  const statesBefore = ctx.states.length;
  await playFor(ctx, WEBRTC_RETRY_INTERVAL_MS - STATS_INTERVAL_MS);
  assert.equal(ctx.pcs.length, 1, 'not before the interval');
  await playFor(ctx, STATS_INTERVAL_MS);
  assert.equal(ctx.pcs.length, 2, 'a new peer connection in the background');
  assert.equal(ctx.states.length, statesBefore, 'the tile is not told: nothing changed for the viewer');

  const pc = ctx.pcs[1];
  pc.setConnectionState('connected');
  pc.emitTrack();
  await flush();
  const helper = ctx.document.created.at(-1);
  assert.equal(ctx.hlsInstances[0].destroyed, false, 'connected is not enough: HLS plays on until a WebRTC frame decoded');
  assert.equal(ctx.video.srcObject, null);

  helper.decodeFrame();
  await flush();
  assert.equal(ctx.hlsInstances[0].destroyed, true);
  assert.ok(ctx.signal.hangups.includes('h1'), 'the HLS session is hung up');
  assert.deepEqual(ctx.video.srcObject.getTracks(), pc.receivedTracks);
  assert.equal(ctx.player.state, 'live');
  assert.equal(ctx.last().transport, 'webrtc');
  assert.equal(helper.removed, true);
  ctx.timers.advance(WEBRTC_RETRY_INTERVAL_MS * 2);
  assert.equal(ctx.pcs.length, 2, 'back on WebRTC: no more retries');
  assert.equal(ctx.signal.hlsOpens.length, 1);
  ctx.player.dispose();
});

test('background WebRTC retry that fails keeps HLS quietly and tries again after another interval', async () => {
  const ctx = await liveOnHlsAfterFallback();
  const statesBefore = ctx.states.length;
  await playFor(ctx, WEBRTC_RETRY_INTERVAL_MS);
  ctx.pcs[1].setConnectionState('failed');
  await flush();
  assert.equal(ctx.pcs[1].closed, true);
  assert.ok(ctx.signal.hangups.includes('s2'), 'the retry\'s WebRTC session is hung up');
  assert.equal(ctx.hlsInstances[0].destroyed, false);
  assert.equal(ctx.player.state, 'live');
  assert.equal(ctx.states.length, statesBefore, 'no state report for a quiet failure');

  // A retry that never connects ends with the switch timeout, also quietly.
  await playFor(ctx, WEBRTC_RETRY_INTERVAL_MS);
  assert.equal(ctx.pcs.length, 3);
  await playFor(ctx, CONNECT_TIMEOUT_MS);
  assert.equal(ctx.pcs[2].closed, true);
  assert.equal(ctx.player.state, 'live');
  assert.equal(ctx.last().transport, 'hls');
  assert.equal(ctx.states.length, statesBefore);
  ctx.player.dispose();
});

test('quality switch on HLS: the other quality\'s session replaces the old one, frozen frame as poster until it shows', async () => {
  const ctx = await setup({ options: { transport: 'hls' } });
  ctx.document.canvasSupport = true;
  await hlsFirstFrame(ctx);
  ctx.player.setQuality('stream1');
  await flush();
  assert.equal(ctx.hlsInstances[0].destroyed, true);
  assert.deepEqual(ctx.signal.hangups, ['h1']);
  assert.deepEqual(ctx.signal.hlsOpens.map((o) => o.quality), ['stream2', 'stream1']);
  assert.equal(ctx.hlsInstances[1].source, '/hls/h2/index.m3u8');
  assert.match(ctx.video.poster, /^data:image\/jpeg/, 'the last SD frame stays on screen');
  assert.equal(ctx.last().quality, 'stream1');
  assert.equal(ctx.last().message, 'switching to HD');

  ctx.video.decodeFrame(1920, 1080);
  await flush();
  assert.equal(ctx.video.poster, '');
  assert.equal(ctx.player.state, 'live');
  assert.equal(ctx.last().message, undefined);
  ctx.player.dispose();
});

test('setTransportMode: forcing WebRTC while live on HLS reconnects over WebRTC; forcing HLS while on WebRTC goes to HLS', async () => {
  const ctx = await liveOnHlsAfterFallback();
  ctx.player.setTransportMode('webrtc');
  await flush();
  assert.equal(ctx.hlsInstances[0].destroyed, true);
  assert.equal(ctx.player.state, 'connecting');
  assert.equal(ctx.last().transport, 'webrtc');
  assert.equal(ctx.pcs.length, 2);
  ctx.timers.advance(WEBRTC_FALLBACK_TIMEOUT_MS * 2);
  assert.equal(ctx.signal.hlsOpens.length, 1, 'forced WebRTC does not fall back');

  ctx.player.setTransportMode('hls');
  await flush();
  assert.equal(ctx.pcs[1].closed, true);
  assert.equal(ctx.signal.hlsOpens.length, 2);
  assert.equal(ctx.last().transport, 'hls');
  ctx.player.dispose();
});

test('dispose while on HLS: hls.js destroyed, element emptied, session hung up, nothing left running', async () => {
  const ctx = await liveOnHlsAfterFallback();
  await playFor(ctx, WEBRTC_RETRY_INTERVAL_MS); // a background WebRTC retry is in flight too
  assert.equal(ctx.pcs.length, 2);
  const hls = ctx.hlsInstances[0];
  const loadsBefore = ctx.video.loadCalls;
  ctx.player.dispose();
  assert.equal(hls.destroyed, true);
  assert.equal(ctx.video.src, '');
  assert.equal(ctx.video.getAttribute('src'), null);
  assert.ok(ctx.video.loadCalls > loadsBefore, 'load() makes the element let go of the stream');
  assert.ok(ctx.signal.hangups.includes('h1'));
  assert.ok(ctx.signal.hangups.includes('s2'), 'the background retry is hung up too');
  assert.equal(ctx.pcs[1].closed, true);
  assert.equal(ctx.timers.pendingCount, 0);
  assert.equal(ctx.player.state, 'stopped');
  assert.equal(ctx.last().transport, 'hls');
});

test('an HLS session opened after dispose (slow server) is hung up at once and never attached', async () => {
  const ctx = makeEnv({ hls: true });
  let answer;
  ctx.signal.hlsResult = () => new Promise((resolve) => { answer = resolve; });
  const video = new FakeVideo();
  const player = createPlayer(video, { cameraId: 'c', signal: ctx.signal, env: ctx.env, transport: 'hls' });
  await flush();
  player.dispose();
  answer({ url: '/hls/late/index.m3u8', sessionId: 'late' });
  await flush();
  assert.deepEqual(ctx.signal.hangups, ['late']);
  assert.equal(ctx.hlsInstances.length, 0);
  assert.equal(video.src, '');
});
