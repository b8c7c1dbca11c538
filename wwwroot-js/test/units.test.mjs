import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Backoff } from '../src/backoff.js';
import { getLayout, LAYOUTS, setLayout } from '../src/layout.js';
import { classifySignalError } from '../src/signal-error.js';
import { STALL_TIMEOUT_MS } from '../src/constants.js';
import { StallWatch } from '../src/stall-watch.js';
import { PlayerState, StateMachine } from '../src/state-machine.js';
import { NamedTimers } from '../src/timers.js';
import { VisibilityWatcher } from '../src/visibility.js';
import { FakeDocument, FakeIntersectionObserver, FakeTimers, FakeVideo } from './fakes.mjs';

test('Backoff: 500, 1000, 2000, 4000, 8000, then capped at 10000 without jitter; reset starts over', () => {
  const b = new Backoff({ random: () => 0 });
  assert.deepEqual(Array.from({ length: 8 }, () => b.next()), [500, 1000, 2000, 4000, 8000, 10000, 10000, 10000]);
  b.reset();
  assert.equal(b.next(), 500);
});

test('Backoff: jitter only shortens, by at most the jitter ratio, and never exceeds the cap', () => {
  const max = new Backoff({ random: () => 0.999999 });
  const delays = Array.from({ length: 10 }, () => max.next());
  assert.deepEqual(delays.slice(0, 3), [400, 800, 1600]);
  assert.ok(delays.every((d) => d <= 10000));
  assert.equal(delays.at(-1), 8000);
  const b = new Backoff({ random: () => 0.5 });
  for (let n = 0; n < 40; n++) assert.ok(Number.isFinite(b.next()));
});

test('StateMachine: rejects invalid transitions and stopped is terminal', () => {
  const seen = [];
  const m = new StateMachine((s) => seen.push(s));
  assert.equal(m.transition(PlayerState.Live, { quality: 'stream2' }), false, 'idle cannot jump to live');
  assert.equal(m.transition(PlayerState.Connecting, { quality: 'stream2' }), true);
  assert.equal(m.transition(PlayerState.Live, { quality: 'stream2' }), true);
  assert.equal(m.transition(PlayerState.Stopped, { quality: 'stream2' }), true);
  for (const s of Object.values(PlayerState)) assert.equal(m.transition(s, { quality: 'stream2' }), false);
  assert.deepEqual(seen, ['connecting', 'live', 'stopped']);
});

test('StateMachine: a throwing onStateChange does not break the transition', (t) => {
  t.mock.method(console, 'error', () => {});
  const m = new StateMachine(() => {
    throw new Error('ui bug');
  });
  assert.equal(m.transition(PlayerState.Connecting, { quality: 'stream2' }), true);
  assert.equal(m.state, 'connecting');
});

test('classifySignalError: credentials, codec, unknown camera are final; the rest is retryable; message kept', () => {
  const cases = [
    ['auth_failed', 'auth_failed', false],
    ['Camera rejected the login: wrong password', 'auth_failed', false],
    ['RTSP 401 Unauthorized', 'auth_failed', false],
    ['The offer has no H.264 codec', 'unsupported_codec', false],
    ['stream1 is H.265 (HEVC); browsers cannot play it', 'unsupported_codec', false],
    ['Unknown camera 42', 'camera_not_found', false],
    ['Malformed offer: missing m=video', 'invalid_offer', false],
    ['camera offline: connection refused', 'signal_error', true],
    ['Invocation canceled due to the underlying connection being closed.', 'signal_error', true],
  ];
  for (const [message, reason, retryable] of cases) {
    const e = classifySignalError(new Error(message));
    assert.deepEqual([e.message, e.reason, e.retryable], [message, reason, retryable], message);
  }
  const explicit = classifySignalError({ message: 'wrong password', retryable: true, reason: 'custom' });
  assert.deepEqual([explicit.reason, explicit.retryable], ['custom', true], 'explicit server flags win');
  assert.equal(classifySignalError('plain string').message, 'plain string');
});

test('VisibilityWatcher: hidden is reported only after the delay, visible at once; dispose removes everything', () => {
  FakeIntersectionObserver.reset();
  const timers = new FakeTimers();
  const doc = new FakeDocument();
  const el = new FakeVideo();
  const events = [];
  const w = new VisibilityWatcher(el, {
    document: doc, IntersectionObserver: FakeIntersectionObserver, setTimeout: timers.setTimeout,
    clearTimeout: timers.clearTimeout, delayMs: 2000,
    onHidden: () => events.push('hidden'), onVisible: () => events.push('visible'),
  });
  const io = FakeIntersectionObserver.instances[0];
  io.trigger(true); // the initial callback
  doc.setHidden(true);
  io.trigger(false); // both hidden: still one pending timer
  assert.equal(timers.pendingCount, 1);
  timers.advance(2000);
  assert.deepEqual(events, ['hidden']);
  doc.setHidden(false);
  assert.deepEqual(events, ['hidden'], 'tab visible but tile still off-screen');
  io.trigger(true);
  assert.deepEqual(events, ['hidden', 'visible']);
  assert.equal(w.visible, true);
  doc.setHidden(true);
  w.dispose();
  assert.equal(timers.pendingCount, 0);
  assert.equal(doc.listenerCount(), 0);
  assert.equal(io.disconnected, true);
  timers.advance(10_000);
  assert.deepEqual(events, ['hidden', 'visible']);
});

test('layout: remembers a valid layout per browser; unknown or broken storage falls back to auto', () => {
  const store = new Map();
  const storage = { getItem: (k) => store.get(k) ?? null, setItem: (k, v) => store.set(k, v) };
  assert.equal(getLayout(storage), 'auto');
  assert.equal(setLayout('3x3', storage), true);
  assert.equal(getLayout(storage), '3x3');
  assert.equal(setLayout('5x5', storage), false);
  assert.equal(getLayout(storage), '3x3');
  store.set('camstudio.live.layout', 'garbage');
  assert.equal(getLayout(storage), 'auto');
  const broken = { getItem: () => { throw new Error('SecurityError'); }, setItem: () => { throw new Error('QuotaExceeded'); } };
  assert.equal(getLayout(broken), 'auto');
  assert.equal(setLayout('1', broken), false);
  assert.deepEqual(LAYOUTS, ['auto', '1', '2x2', '3x3', '4x4']);
});

test('NamedTimers: setting a name replaces its pending timer, clear cancels, and nothing runs once the owner is inactive', () => {
  const clock = new FakeTimers();
  let active = true;
  const timers = new NamedTimers(clock, () => active);
  const fired = [];
  timers.set('connect', 100, () => fired.push('first'));
  timers.set('connect', 200, () => fired.push('second'));
  timers.set('grace', 50, () => fired.push('grace'));
  timers.set('stats', 50, () => fired.push('stats'));
  timers.clear('grace', 'unknown');
  assert.equal(timers.has('grace'), false);
  assert.equal(timers.has('connect'), true);
  clock.advance(250);
  assert.deepEqual(fired, ['stats', 'second']);
  assert.equal(timers.has('connect'), false, 'a timer that ran is gone');
  timers.set('reconnect', 10, () => fired.push('reconnect'));
  active = false;
  clock.advance(20);
  assert.deepEqual(fired, ['stats', 'second'], 'a disposed player runs no callback');
});

test('StallWatch: growing progress never stalls; no growth for STALL_TIMEOUT_MS does; reset starts the count again', () => {
  const watch = new StallWatch();
  watch.reset(0);
  assert.equal(watch.stalled(0, 0), false, 'the first sample is progress');
  assert.equal(watch.stalled(10, STALL_TIMEOUT_MS), false);
  assert.equal(watch.stalled(10, 2 * STALL_TIMEOUT_MS - 1), false, 'just under the timeout');
  assert.equal(watch.stalled(10, 2 * STALL_TIMEOUT_MS), true, 'frozen for the whole timeout');
  watch.reset(2 * STALL_TIMEOUT_MS);
  assert.equal(watch.stalled(3, 2 * STALL_TIMEOUT_MS + 1), false, 'a new source counts from its own start');
  assert.equal(watch.stalled(3, 3 * STALL_TIMEOUT_MS + 1), true);
});
