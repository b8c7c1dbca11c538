import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  CONNECT_TIMEOUT_MS,
  DISCONNECT_GRACE_MS,
  FIRST_FRAME_TIMEOUT_MS,
  HIDDEN_TEARDOWN_DELAY_MS,
  RECONNECT_BASE_DELAY_MS,
  RECONNECT_JITTER_RATIO,
  RECONNECT_MAX_DELAY_MS,
  STABLE_LIVE_MS,
  STALL_TIMEOUT_MS,
  STATS_INTERVAL_MS,
} from '../src/constants.js';
import { createPlayer } from '../src/player.js';
import { FakeIntersectionObserver, FakeVideo, flush, makeEnv } from './fakes.mjs';

/** Creates a started player on fresh fakes and lets the first offer/answer run. */
async function setup({ envOptions = {}, options = {}, video = new FakeVideo() } = {}) {
  const ctx = makeEnv(envOptions);
  const states = [];
  const stats = [];
  const player = createPlayer(video, {
    cameraId: 'cam-1',
    signal: ctx.signal,
    env: ctx.env,
    iceServers: [{ urls: 'stun:127.0.0.1:3478' }],
    onStateChange: (state, detail) => states.push({ state, ...detail }),
    onStats: (s) => stats.push(s),
    ...options,
  });
  await flush();
  return { ...ctx, video, player, states, stats, names: () => states.map((s) => s.state) };
}

/** Browser side of a successful connection on the latest pc: ICE connected, track, first frame. */
async function goLive(ctx, pc = ctx.pcs.at(-1)) {
  pc.setConnectionState('connected');
  pc.emitTrack();
  await flush();
  ctx.video.decodeFrame();
  await flush();
}

test('happy path: idle → connecting → live with a recvonly offer for the requested camera and SD quality', async () => {
  const ctx = await setup({ options: { autoStart: false } });
  assert.equal(ctx.player.state, 'idle');
  ctx.player.start();
  await flush();

  assert.equal(ctx.player.state, 'connecting');
  assert.equal(ctx.pcs.length, 1);
  const pc = ctx.pcs[0];
  assert.deepEqual(pc.transceivers, [{ kind: 'video', direction: 'recvonly' }]);
  assert.deepEqual(pc.config.iceServers, [{ urls: 'stun:127.0.0.1:3478' }]);
  assert.equal(ctx.signal.offers.length, 1);
  assert.equal(ctx.signal.offers[0].cameraId, 'cam-1');
  assert.equal(ctx.signal.offers[0].quality, 'stream2');
  assert.equal(ctx.signal.offers[0].sdp, pc.localDescription.sdp);
  assert.deepEqual(pc.remoteDescription, { type: 'answer', sdp: 'answer-for-s1' });

  pc.setConnectionState('connected');
  pc.emitTrack();
  await flush();
  assert.equal(ctx.player.state, 'connecting', 'a track alone is not live: no frame decoded yet');
  assert.deepEqual(ctx.video.srcObject.getTracks(), pc.receivedTracks);
  assert.ok(ctx.video.playCalls >= 1);

  ctx.video.decodeFrame();
  assert.equal(ctx.player.state, 'live');
  assert.deepEqual(ctx.names(), ['connecting', 'live']);
  assert.equal(ctx.states[0].attempt, undefined, 'a fresh start is not a reconnect attempt');
  assert.equal(ctx.states[1].quality, 'stream2');
  assert.equal(ctx.video.muted, true);
  assert.equal(ctx.video.playsInline, true);
  assert.equal(ctx.video.autoplay, true);
  ctx.player.dispose();
});

test('first frame falls back to loadeddata/playing with videoWidth > 0 when requestVideoFrameCallback is missing', async () => {
  const ctx = await setup({ video: new FakeVideo({ rvfc: false }) });
  const pc = ctx.pcs[0];
  pc.emitTrack({ withStream: false }); // answer without a=msid: the player wraps the track in its own stream
  await flush();
  ctx.video.dispatch('playing'); // videoWidth is still 0: not a decoded frame
  assert.equal(ctx.player.state, 'connecting');
  ctx.video.decodeFrame();
  assert.equal(ctx.player.state, 'live');
  assert.deepEqual(ctx.video.srcObject.getTracks(), pc.receivedTracks);
  ctx.player.dispose();
});

test('non-retryable signalling error → failed with the server message verbatim; retry() reconnects', async () => {
  const serverMessage = 'auth_failed: wrong password for camera "Gate"';
  const ctx2 = makeEnv();
  ctx2.signal.failWith = new Error(serverMessage);
  const states = [];
  const video = new FakeVideo();
  const player = createPlayer(video, {
    cameraId: 'cam-1', signal: ctx2.signal, env: ctx2.env, onStateChange: (s, d) => states.push({ state: s, ...d }),
  });
  await flush();
  assert.equal(player.state, 'failed');
  const failed = states.at(-1);
  assert.equal(failed.message, serverMessage);
  assert.equal(failed.reason, 'auth_failed');
  assert.equal(ctx2.pcs[0].closed, true, 'the failed attempt\'s pc is closed');
  ctx2.timers.advance(60_000);
  assert.equal(ctx2.signal.offers.length, 1, 'failed never retries on its own');

  ctx2.signal.failWith = null;
  player.retry();
  await flush();
  assert.equal(player.state, 'connecting');
  assert.equal(ctx2.signal.offers.length, 2);
  ctx2.pcs[1].emitTrack();
  await flush();
  video.decodeFrame();
  assert.equal(player.state, 'live');
  player.dispose();
});

test('"no H.264" answer error is non-retryable and keeps the server text', async () => {
  const ctx = makeEnv();
  ctx.signal.offer = async () => ({ error: 'offer has no H.264 payload type', sessionId: '' });
  const states = [];
  const player = createPlayer(new FakeVideo(), {
    cameraId: 'c', signal: ctx.signal, env: ctx.env, onStateChange: (s, d) => states.push({ state: s, ...d }),
  });
  await flush();
  assert.equal(player.state, 'failed');
  assert.equal(states.at(-1).message, 'offer has no H.264 payload type');
  assert.equal(states.at(-1).reason, 'unsupported_codec');
  player.dispose();
});

test('retryable signalling error (camera offline) → reconnecting, then a new attempt after the backoff delay', async () => {
  const ctx = makeEnv({ random: () => 0 });
  ctx.signal.failWith = new Error('camera is offline (connection refused)');
  const states = [];
  const player = createPlayer(new FakeVideo(), {
    cameraId: 'c', signal: ctx.signal, env: ctx.env, onStateChange: (s, d) => states.push({ state: s, ...d }),
  });
  await flush();
  assert.equal(player.state, 'reconnecting');
  assert.equal(states.at(-1).message, 'camera is offline (connection refused)');
  assert.equal(states.at(-1).delayMs, RECONNECT_BASE_DELAY_MS);
  ctx.timers.advance(RECONNECT_BASE_DELAY_MS - 1);
  assert.equal(ctx.signal.offers.length, 1);
  ctx.timers.advance(1);
  await flush();
  assert.equal(ctx.signal.offers.length, 2);
  player.dispose();
});

test('pc failed → reconnecting with delays doubling from the base and capped, each within the jitter bounds', async () => {
  const randoms = [0.3, 0.9, 0.0, 0.5, 0.99, 0.1, 0.7, 0.2];
  let i = 0;
  const ctx = await setup({ envOptions: { random: () => randoms[i++ % randoms.length] } });
  await goLive(ctx);

  const delays = [];
  for (let attempt = 0; attempt < 8; attempt++) {
    ctx.pcs.at(-1).setConnectionState('failed');
    const detail = ctx.states.at(-1);
    assert.equal(detail.state, 'reconnecting');
    assert.equal(detail.reason, 'ice_failed');
    assert.equal(detail.attempt, attempt + 1);
    delays.push(detail.delayMs);
    ctx.timers.advance(detail.delayMs);
    await flush();
    assert.equal(ctx.player.state, 'connecting');
    assert.equal(ctx.states.at(-1).attempt, attempt + 1, 'connecting names the reconnect attempt it makes');
  }
  for (const [n, delay] of delays.entries()) {
    const ceiling = Math.min(RECONNECT_MAX_DELAY_MS, RECONNECT_BASE_DELAY_MS * 2 ** n);
    const expected = Math.round(ceiling * (1 - RECONNECT_JITTER_RATIO * randoms[n]));
    assert.equal(delay, expected, `delay #${n}`);
    assert.ok(delay <= ceiling && delay >= ceiling * (1 - RECONNECT_JITTER_RATIO), `delay #${n} within jitter bounds`);
  }
  assert.ok(delays.slice(5).every((d) => d <= RECONNECT_MAX_DELAY_MS), 'capped');
  assert.equal(Math.min(RECONNECT_MAX_DELAY_MS, RECONNECT_BASE_DELAY_MS * 2 ** 7), RECONNECT_MAX_DELAY_MS);
  ctx.player.dispose();
});

test('camera moved to another node: the server ends the session (SourceMoved), owner_unavailable is retried, then live again', async () => {
  const ctx = await setup({ envOptions: { random: () => 0 } });
  await goLive(ctx);
  ctx.signal.failWith = Object.assign(new Error('This camera is moving to another server; try again in a moment.'),
    { reason: 'owner_unavailable', retryable: true });

  ctx.pcs.at(-1).setConnectionState('closed'); // the server's DTLS close_notify
  assert.equal(ctx.player.state, 'reconnecting');
  ctx.timers.advance(ctx.states.at(-1).delayMs);
  await flush();
  assert.equal(ctx.player.state, 'reconnecting', 'a camera on its way to another node is not a failure');
  assert.equal(ctx.states.at(-1).reason, 'owner_unavailable');

  ctx.signal.failWith = null; // the new owner took it
  ctx.timers.advance(ctx.states.at(-1).delayMs);
  await flush();
  await goLive(ctx);
  assert.equal(ctx.player.state, 'live');
  assert.equal(ctx.signal.offers.length, 3);
  ctx.player.dispose();
});

test('backoff resets after being live for STABLE_LIVE_MS, but not after a short live period', async () => {
  const ctx = await setup({ envOptions: { random: () => 0 } });
  await goLive(ctx);
  ctx.pcs.at(-1).setConnectionState('failed');
  assert.equal(ctx.states.at(-1).delayMs, RECONNECT_BASE_DELAY_MS);
  ctx.timers.advance(RECONNECT_BASE_DELAY_MS);
  await flush();
  await goLive(ctx);
  ctx.timers.advance(1000); // live, but only briefly
  ctx.pcs.at(-1).setConnectionState('failed');
  assert.equal(ctx.states.at(-1).delayMs, RECONNECT_BASE_DELAY_MS * 2);
  ctx.timers.advance(RECONNECT_BASE_DELAY_MS * 2);
  await flush();
  await goLive(ctx);
  ctx.pcs.at(-1).statsEntries = []; // keep the stall detector out of this test
  ctx.timers.advance(STABLE_LIVE_MS);
  await flush();
  ctx.pcs.at(-1).setConnectionState('failed');
  assert.equal(ctx.states.at(-1).delayMs, RECONNECT_BASE_DELAY_MS);
  ctx.player.dispose();
});

test('no concurrent attempts: repeated failure events schedule one reconnect, and each attempt closes the previous pc', async () => {
  const ctx = await setup({ envOptions: { random: () => 0 } });
  await goLive(ctx);
  const first = ctx.pcs[0];
  first.setConnectionState('disconnected');
  first.setConnectionState('failed');
  first.setConnectionState('failed');
  assert.equal(ctx.names().filter((s) => s === 'reconnecting').length, 1);
  assert.equal(ctx.timers.pendingCount, 1, 'only the reconnect timer is pending');
  assert.equal(first.closed, true);
  assert.deepEqual(ctx.signal.hangups, ['s1']);

  // Hold the answer: while the attempt is in flight, a retry() click or a stale event must not start another one.
  ctx.signal.hold = true;
  ctx.timers.advance(RECONNECT_BASE_DELAY_MS);
  await flush();
  assert.equal(ctx.pcs.length, 2);
  ctx.player.retry(); // not failed/reconnecting: ignored
  first.setConnectionState('failed'); // stale pc: ignored
  await flush();
  assert.equal(ctx.pcs.length, 2);
  assert.equal(ctx.signal.offers.length, 2);
  assert.equal(ctx.pcs.filter((pc) => !pc.closed).length, 1);
  ctx.signal.resolveNext();
  await flush();
  await goLive(ctx);
  assert.equal(ctx.player.state, 'live');
  ctx.player.dispose();
});

test('a late answer for an abandoned attempt is hung up at once', async () => {
  const ctx = makeEnv();
  ctx.signal.hold = true;
  const player = createPlayer(new FakeVideo(), { cameraId: 'c', signal: ctx.signal, env: ctx.env });
  await flush();
  player.dispose();
  const late = ctx.signal.resolveNext();
  await flush();
  assert.deepEqual(ctx.signal.hangups, [late]);
});

test('disconnected shorter than the grace period is tolerated; longer → reconnecting', async () => {
  const ctx = await setup();
  await goLive(ctx);
  const pc = ctx.pcs[0];
  pc.setConnectionState('disconnected');
  ctx.timers.advance(DISCONNECT_GRACE_MS - 1);
  pc.setConnectionState('connected');
  ctx.timers.advance(DISCONNECT_GRACE_MS);
  assert.equal(ctx.player.state, 'live');

  pc.setConnectionState('disconnected');
  ctx.timers.advance(DISCONNECT_GRACE_MS);
  assert.equal(ctx.player.state, 'reconnecting');
  assert.equal(ctx.states.at(-1).reason, 'ice_disconnected');
  ctx.player.dispose();
});

test('connect timeout moves a stuck connecting to reconnecting', async () => {
  const ctx = await setup();
  assert.equal(ctx.player.state, 'connecting');
  ctx.timers.advance(CONNECT_TIMEOUT_MS - 1);
  assert.equal(ctx.player.state, 'connecting');
  ctx.timers.advance(1);
  assert.equal(ctx.player.state, 'reconnecting');
  assert.equal(ctx.states.at(-1).reason, 'timeout');
  assert.equal(ctx.pcs[0].closed, true);
  assert.deepEqual(ctx.signal.hangups, ['s1']);
  ctx.player.dispose();
});

test('once connected, the player waits for the camera\'s first frame instead of starting over at the connect timeout', async () => {
  const ctx = await setup();
  ctx.timers.advance(CONNECT_TIMEOUT_MS - 1000);
  ctx.pcs[0].setConnectionState('connected'); // a camera starting cold: connected, no frame yet
  ctx.pcs[0].emitTrack();
  await flush();
  ctx.timers.advance(CONNECT_TIMEOUT_MS);
  assert.equal(ctx.player.state, 'connecting', 'the session is kept past the connect timeout');
  assert.equal(ctx.pcs.length, 1, 'no second attempt');
  ctx.video.decodeFrame(); // the camera's first keyframe, 16 s after connecting
  await flush();
  assert.equal(ctx.player.state, 'live');
  ctx.player.dispose();
});

test('connected but still no video after FIRST_FRAME_TIMEOUT_MS → reconnecting (timeout); a connection flap does not extend it', async () => {
  const ctx = await setup();
  ctx.pcs[0].setConnectionState('connected');
  ctx.timers.advance(FIRST_FRAME_TIMEOUT_MS / 2);
  ctx.pcs[0].setConnectionState('disconnected');
  ctx.pcs[0].setConnectionState('connected');
  ctx.timers.advance(FIRST_FRAME_TIMEOUT_MS / 2 - 1);
  assert.equal(ctx.player.state, 'connecting');
  ctx.timers.advance(1);
  assert.equal(ctx.player.state, 'reconnecting');
  assert.equal(ctx.states.at(-1).reason, 'timeout');
  assert.deepEqual(ctx.signal.hangups, ['s1']);
  ctx.player.dispose();
});

test('live without new frames for STALL_TIMEOUT_MS → reconnecting (stalled); onStats gets summaries meanwhile', async () => {
  const ctx = await setup();
  await goLive(ctx);
  const pc = ctx.pcs[0];
  pc.statsEntries = [{ id: 'in', type: 'inbound-rtp', kind: 'video', timestamp: 0, bytesReceived: 0, framesDecoded: 10 }];
  for (let t = 0; t < STALL_TIMEOUT_MS + 2 * STATS_INTERVAL_MS && ctx.player.state === 'live'; t += STATS_INTERVAL_MS) {
    ctx.timers.advance(STATS_INTERVAL_MS);
    await flush();
  }
  assert.equal(ctx.player.state, 'reconnecting');
  assert.equal(ctx.states.at(-1).reason, 'stalled');
  assert.ok(ctx.stats.length >= 1);
  assert.equal(ctx.stats[0].framesDecoded, 10);
  ctx.player.dispose();
});

test('hidden tab → after HIDDEN_TEARDOWN_DELAY_MS the pc is closed and hung up (paused); visible → reconnects', async () => {
  const ctx = await setup();
  await goLive(ctx);
  ctx.document.setHidden(true);
  ctx.timers.advance(HIDDEN_TEARDOWN_DELAY_MS - 1);
  assert.equal(ctx.player.state, 'live');
  assert.equal(ctx.pcs[0].closed, false);
  ctx.timers.advance(1);
  assert.equal(ctx.player.state, 'paused');
  assert.equal(ctx.pcs[0].closed, true);
  assert.deepEqual(ctx.signal.hangups, ['s1']);
  assert.equal(ctx.timers.pendingCount, 0, 'a paused tile keeps no timers');

  ctx.document.setHidden(false);
  await flush();
  assert.equal(ctx.player.state, 'connecting');
  assert.equal(ctx.pcs.length, 2);
  await goLive(ctx);
  assert.equal(ctx.player.state, 'live');
  ctx.player.dispose();
});

test('quick hide/show within the delay (tab flip or scroll jitter) tears nothing down', async () => {
  const ctx = await setup();
  await goLive(ctx);
  const io = FakeIntersectionObserver.instances[0];
  io.trigger(false);
  ctx.timers.advance(HIDDEN_TEARDOWN_DELAY_MS / 2);
  io.trigger(true);
  ctx.document.setHidden(true);
  ctx.timers.advance(HIDDEN_TEARDOWN_DELAY_MS - 1);
  ctx.document.setHidden(false);
  ctx.timers.advance(HIDDEN_TEARDOWN_DELAY_MS * 3);
  await flush();
  assert.equal(ctx.player.state, 'live');
  assert.equal(ctx.pcs.length, 1);
  assert.equal(ctx.pcs[0].closed, false);
  assert.deepEqual(ctx.signal.hangups, []);
  ctx.player.dispose();
});

test('scrolled out of view (IntersectionObserver) pauses; back in view resumes', async () => {
  const ctx = await setup();
  await goLive(ctx);
  const io = FakeIntersectionObserver.instances[0];
  assert.ok(io.observed.has(ctx.video));
  io.trigger(false);
  ctx.timers.advance(HIDDEN_TEARDOWN_DELAY_MS);
  assert.equal(ctx.player.state, 'paused');
  assert.deepEqual(ctx.signal.hangups, ['s1']);
  io.trigger(true);
  await flush();
  assert.equal(ctx.player.state, 'connecting');
  ctx.player.dispose();
});

test('starting in a hidden tab goes straight to paused without any offer', async () => {
  const ctx = await setup({ envOptions: { hidden: true } });
  assert.equal(ctx.player.state, 'paused');
  assert.equal(ctx.signal.offers.length, 0);
  ctx.document.setHidden(false);
  await flush();
  assert.equal(ctx.player.state, 'connecting');
  ctx.player.dispose();
});

test('a blocked play() is reported on the tile as a state detail', async () => {
  const video = new FakeVideo();
  video.playError = Object.assign(new Error('play() failed because the user didn\'t interact'), { name: 'NotAllowedError' });
  const ctx = await setup({ video });
  ctx.pcs[0].emitTrack();
  await flush();
  const detail = ctx.states.at(-1);
  assert.equal(detail.state, 'connecting');
  assert.equal(detail.reason, 'autoplay_blocked');
  assert.match(detail.message, /user didn't interact/);
  // The tile says "click the video to play": a click (user gesture) retries play().
  video.playError = null;
  const calls = video.playCalls;
  video.dispatch('click');
  assert.equal(video.playCalls, calls + 1);
  assert.equal(video.listenerCount('click'), 0);
  ctx.player.dispose();
});

test('dispose cleans everything: tracks stopped, pc closed, srcObject null, timers and listeners gone, hangup, events ignored', async () => {
  const ctx = await setup();
  await goLive(ctx);
  const pc = ctx.pcs[0];
  const tracks = ctx.video.srcObject.getTracks();
  ctx.document.setHidden(true); // a pending deferred teardown must be cleared too
  assert.ok(ctx.timers.pendingCount > 0);

  ctx.player.dispose();
  assert.equal(ctx.player.state, 'stopped');
  assert.ok(tracks.every((t) => t.stopped));
  assert.equal(pc.closed, true);
  assert.equal(ctx.video.srcObject, null);
  assert.equal(ctx.timers.pendingCount, 0);
  assert.deepEqual(ctx.signal.hangups, ['s1']);
  assert.equal(ctx.document.listenerCount(), 0);
  assert.equal(ctx.window.listenerCount(), 0);
  assert.equal(pc.listenerCount(), 0);
  assert.equal(ctx.video.listenerCount(), 0);
  assert.equal(FakeIntersectionObserver.instances[0].disconnected, true);

  const before = ctx.states.length;
  pc.setConnectionState('failed');
  ctx.document.setHidden(false);
  ctx.timers.advance(60_000);
  ctx.player.retry();
  ctx.player.setQuality('stream1');
  ctx.player.dispose();
  await flush();
  assert.equal(ctx.states.length, before, 'no state changes after dispose');
  assert.deepEqual(ctx.signal.hangups, ['s1'], 'idempotent: one hangup');
  assert.equal(ctx.pcs.length, 1);
});

test('pagehide disposes the player (the server sees the viewer leave)', async () => {
  const ctx = await setup();
  await goLive(ctx);
  ctx.window.dispatch('pagehide');
  assert.equal(ctx.player.state, 'stopped');
  assert.deepEqual(ctx.signal.hangups, ['s1']);
});

test('retry() on a tile that cannot be seen pauses instead of connecting; it connects once shown', async () => {
  const ctx = makeEnv();
  ctx.signal.failWith = new Error('wrong password');
  const player = createPlayer(new FakeVideo(), { cameraId: 'c', signal: ctx.signal, env: ctx.env });
  await flush();
  assert.equal(player.state, 'failed');
  ctx.document.setHidden(true);
  ctx.timers.advance(HIDDEN_TEARDOWN_DELAY_MS);
  assert.equal(player.state, 'failed', 'hiding does not hide the error');
  ctx.signal.failWith = null;
  player.retry();
  assert.equal(player.state, 'paused');
  assert.equal(ctx.signal.offers.length, 1);
  ctx.document.setHidden(false);
  await flush();
  assert.equal(player.state, 'connecting');
  assert.equal(ctx.signal.offers.length, 2);
  player.dispose();
});

test('a tile below the fold never opens a session: idle until the first intersection report, then paused', async () => {
  const ctx = makeEnv();
  FakeIntersectionObserver.initiallyIntersecting = false;
  const states = [];
  const player = createPlayer(new FakeVideo(), {
    cameraId: 'c', signal: ctx.signal, env: ctx.env, onStateChange: (s) => states.push(s),
  });
  assert.equal(player.state, 'idle', 'waits for the observer instead of connecting blindly');
  assert.equal(ctx.pcs.length, 0);
  await flush();
  assert.equal(player.state, 'paused');
  assert.equal(ctx.signal.offers.length, 0);
  assert.equal(ctx.pcs.length, 0);
  FakeIntersectionObserver.instances[0].trigger(true);
  await flush();
  assert.equal(player.state, 'connecting');
  assert.deepEqual(states, ['paused', 'connecting']);
  player.dispose();
});

test('without IntersectionObserver the player starts at once and only watches the tab', async () => {
  const ctx = makeEnv({ intersection: false });
  const player = createPlayer(new FakeVideo(), { cameraId: 'c', signal: ctx.signal, env: ctx.env });
  assert.equal(player.state, 'connecting');
  player.dispose();
});

test('every new peer connection asks the signal adapter for fresh ICE servers (minted TURN credentials expire); a failed fetch falls back to the known ones', async () => {
  let minted = 0;
  let failNext = false;
  const ctx = makeEnv();
  ctx.signal.iceServers = async () => {
    if (failNext) throw new Error('circuit busy');
    minted++;
    return [{ urls: 'turn:10.213.0.2:3478', username: `${1000 + minted}:user`, credential: `c${minted}` }];
  };
  createPlayer(new FakeVideo(), {
    cameraId: 'cam-1',
    signal: ctx.signal,
    env: ctx.env,
    iceServers: [{ urls: 'stun:127.0.0.1:3478' }],
  });
  await flush();
  assert.equal(ctx.pcs.length, 1);
  assert.deepEqual(ctx.pcs[0].config.iceServers, [{ urls: 'turn:10.213.0.2:3478', username: '1001:user', credential: 'c1' }]);

  ctx.pcs[0].setConnectionState('failed');
  ctx.timers.advance(RECONNECT_MAX_DELAY_MS);
  await flush();
  assert.equal(ctx.pcs.length, 2);
  assert.deepEqual(ctx.pcs[1].config.iceServers[0].username, '1002:user', 'the reconnect minted new credentials');

  failNext = true;
  ctx.pcs[1].setConnectionState('failed');
  ctx.timers.advance(RECONNECT_MAX_DELAY_MS);
  await flush();
  assert.equal(ctx.pcs.length, 3, 'a failed fetch does not stop the attempt');
  assert.deepEqual(ctx.pcs[2].config.iceServers, [{ urls: 'stun:127.0.0.1:3478' }]);
});
