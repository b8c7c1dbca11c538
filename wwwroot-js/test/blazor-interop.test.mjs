import assert from 'node:assert/strict';
import { test } from 'node:test';
import { start, stop } from '../src/blazor-interop.js';
import { STATS_INTERVAL_MS } from '../src/constants.js';
import { FakeVideo, flush, makeEnv } from './fakes.mjs';

/** A DotNetObjectReference stand-in that records calls and answers OfferAsync like the component would. */
function fakeDotNetRef({ offerResult } = {}) {
  const calls = [];
  let n = 0;
  return {
    calls,
    invokeMethodAsync: async (method, ...args) => {
      calls.push([method, ...args]);
      if (method === 'OfferAsync') {
        if (offerResult) return offerResult(...args);
        n++;
        return { sdp: `answer-${n}`, sessionId: `sess-${n}` };
      }
      return undefined;
    },
  };
}

test('start(): offers through OfferAsync, reports states through OnPlayerStateChanged, hangs up through HangupAsync', async () => {
  const { env, pcs } = makeEnv();
  const ref = fakeDotNetRef();
  const video = new FakeVideo();
  const handle = start(video, ref, { cameraId: 'cam-7', quality: 'stream2', env });
  await flush();
  const offer = ref.calls.find((c) => c[0] === 'OfferAsync');
  assert.deepEqual(offer, ['OfferAsync', 'stream2', pcs[0].localDescription.sdp]);
  pcs[0].emitTrack();
  await flush();
  video.decodeFrame();
  await flush();
  const states = ref.calls.filter((c) => c[0] === 'OnPlayerStateChanged').map((c) => c[1]);
  assert.deepEqual(states, ['connecting', 'live']);
  assert.equal(handle.getState(), 'live');

  stop(handle);
  await flush();
  assert.deepEqual(ref.calls.filter((c) => c[0] === 'HangupAsync'), [['HangupAsync', 'sess-1']]);
  assert.ok(ref.calls.some((c) => c[0] === 'OnPlayerStateChanged' && c[1] === 'stopped'));
  stop(handle);
  stop(null);
});

test('an OfferAsync error result reaches the tile as failed with the server text', async () => {
  const { env } = makeEnv();
  const ref = fakeDotNetRef({ offerResult: () => ({ error: 'auth_failed: wrong password', sessionId: null, sdp: null }) });
  const handle = start(new FakeVideo(), ref, { cameraId: 'c', env });
  await flush();
  const last = ref.calls.filter((c) => c[0] === 'OnPlayerStateChanged').at(-1);
  assert.equal(last[1], 'failed');
  assert.equal(last[2].message, 'auth_failed: wrong password');
  assert.equal(last[2].reason, 'auth_failed');
  handle.dispose();
});

test('stats go to OnPlayerStats only when enabled', async () => {
  const { env, pcs, timers } = makeEnv();
  const ref = fakeDotNetRef();
  const video = new FakeVideo();
  const handle = start(video, ref, { cameraId: 'c', env });
  await flush();
  pcs[0].statsEntries = [{ id: 'v', type: 'inbound-rtp', kind: 'video', timestamp: 0, framesDecoded: 1 }];
  pcs[0].emitTrack();
  await flush();
  video.decodeFrame();
  timers.advance(STATS_INTERVAL_MS);
  await flush();
  assert.equal(ref.calls.filter((c) => c[0] === 'OnPlayerStats').length, 0);
  handle.setStatsEnabled(true);
  pcs[0].statsEntries = [{ id: 'v', type: 'inbound-rtp', kind: 'video', timestamp: 1000, framesDecoded: 30 }];
  timers.advance(STATS_INTERVAL_MS);
  await flush();
  const sent = ref.calls.filter((c) => c[0] === 'OnPlayerStats');
  assert.equal(sent.length, 1);
  assert.equal(sent[0][1].framesDecoded, 30);
  handle.dispose();
});

test('a dead circuit (rejecting invokeMethodAsync) does not throw out of the player', async (t) => {
  t.mock.method(console, 'debug', () => {});
  const { env } = makeEnv();
  const ref = { invokeMethodAsync: async () => { throw new Error('circuit disconnected'); } };
  const handle = start(new FakeVideo(), ref, { cameraId: 'c', env });
  await flush();
  assert.equal(handle.getState(), 'reconnecting', 'a failed invocation is retryable');
  handle.dispose();
  await flush();
});
