import assert from 'node:assert/strict';
import { test } from 'node:test';
import { start } from '../src/blazor-interop.js';
import { FakeTile, FakeVideo, flush, makeEnv } from './fakes.mjs';

function recordingRef() {
  const calls = [];
  return {
    calls,
    fullscreenReports: () => calls.filter((c) => c[0] === 'OnFullscreenChanged').map((c) => c[1]),
    invokeMethodAsync: async (method, ...args) => {
      calls.push([method, ...args]);
      return method === 'OfferAsync' ? { sdp: 'answer', sessionId: 'sess-1' } : undefined;
    },
  };
}

function startTile() {
  const { env, document } = makeEnv();
  const video = new FakeVideo();
  const tile = new FakeTile(video);
  const ref = recordingRef();
  const handle = start(video, ref, { cameraId: 'c', env });
  return { env, document, video, tile, ref, handle };
}

test('the fullscreen button asks the browser to put the whole tile fullscreen, and a second press leaves', async () => {
  const { document, tile, handle } = startTile();
  tile.clickAction('fullscreen');
  assert.equal(tile.requestFullscreenCalls, 1, 'requested in the click itself, while it still counts as a user gesture');
  document.setFullscreen(tile);
  tile.clickAction('fullscreen');
  assert.equal(document.exitFullscreenCalls, 1);
  assert.equal(tile.requestFullscreenCalls, 1);
  handle.dispose();
});

test('clicks elsewhere in the tile do not toggle fullscreen; a double-click on the picture does', async () => {
  const { video, tile, handle } = startTile();
  tile.clickAction('maximise');
  tile.dispatch('click', { target: null });
  assert.equal(tile.requestFullscreenCalls, 0);
  video.dispatch('dblclick');
  assert.equal(tile.requestFullscreenCalls, 1);
  handle.dispose();
});

test('.NET hears of every change of this tile being fullscreen, whoever made it, and nothing about other elements', async () => {
  const { document, tile, video, ref, handle } = startTile();
  document.setFullscreen(tile);
  document.setFullscreen(video); // still this tile: no second report
  document.setFullscreen(null); // Escape or the browser's own UI
  document.setFullscreen({ other: true }); // another tile went fullscreen
  await flush();
  assert.deepEqual(ref.fullscreenReports(), [true, false]);
  handle.dispose();
});

test('a refused fullscreen request (no user gesture) leaves the tile as it was without throwing', async () => {
  const { tile, ref, handle } = startTile();
  tile.fullscreenError = new Error('Permissions check failed');
  tile.clickAction('fullscreen');
  await flush();
  assert.deepEqual(ref.fullscreenReports(), []);
  handle.dispose();
});

test('dispose removes every fullscreen listener', async () => {
  const { document, tile, video, ref, handle } = startTile();
  handle.dispose();
  assert.equal(document.listenerCount('fullscreenchange'), 0);
  assert.equal(tile.listenerCount('click'), 0);
  assert.equal(video.listenerCount('dblclick'), 0);
  document.setFullscreen(tile);
  await flush();
  assert.deepEqual(ref.fullscreenReports(), []);
});
