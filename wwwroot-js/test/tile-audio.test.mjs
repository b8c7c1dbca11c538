import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { start } from '../src/blazor-interop.js';
import { forgetAudioChoices } from '../src/tile-audio.js';
import { FakePeerConnection, FakeTile, FakeVideo, flush, makeEnv } from './fakes.mjs';

function recordingRef() {
  const calls = [];
  return {
    calls,
    audioReports: () => calls.filter((c) => c[0] === 'OnAudioChanged').map((c) => c[1]),
    invokeMethodAsync: async (method, ...args) => {
      calls.push([method, ...args]);
      return method === 'OfferAsync' ? { sdp: 'answer', sessionId: 'sess-1' } : undefined;
    },
  };
}

function startTile({ cameraId = 'c', audio = true } = {}) {
  const { env } = makeEnv();
  const video = new FakeVideo();
  const tile = new FakeTile(video);
  const ref = recordingRef();
  const handle = start(video, ref, { cameraId, env, audio, transport: 'webrtc' });
  return { video, tile, ref, handle };
}

beforeEach(() => forgetAudioChoices());

test('a camera with audio asks for it in the same offer, and its tile starts muted', async () => {
  const { video, ref, handle } = startTile();
  await flush();
  const pc = FakePeerConnection.instances[0];
  assert.deepEqual(pc.transceivers, [
    { kind: 'video', direction: 'recvonly' },
    { kind: 'audio', direction: 'recvonly' },
  ]);
  assert.equal(video.muted, true, 'browsers autoplay muted video only, and a wall of sound helps nobody');
  assert.deepEqual(ref.audioReports(), [true]);
  handle.dispose();
});

test('without audio the offer is video only and the speaker button does nothing', async () => {
  const { video, tile, ref, handle } = startTile({ audio: false });
  await flush();
  assert.deepEqual(FakePeerConnection.instances[0].transceivers.map((t) => t.kind), ['video']);
  tile.clickAction('audio');
  assert.equal(video.muted, true);
  assert.deepEqual(ref.audioReports(), []);
  handle.dispose();
});

test('the speaker button unmutes inside the click itself, where the user gesture still counts, and mutes again', async () => {
  const { video, tile, ref, handle } = startTile();
  const playsBefore = video.playCalls;
  tile.clickAction('audio');
  assert.equal(video.muted, false, 'changed synchronously, not after a trip over the circuit');
  assert.equal(video.playCalls, playsBefore + 1, 'play() in the same gesture, in case autoplay had been refused');
  tile.clickAction('audio');
  assert.equal(video.muted, true);
  await flush();
  assert.deepEqual(ref.audioReports(), [true, false, true]);
  tile.clickAction('maximise');
  assert.equal(video.muted, true, 'other buttons leave the sound alone');
  handle.dispose();
});

test('the choice is the camera\'s: its next tile (restored after maximise) keeps it, other cameras start muted', async () => {
  const first = startTile({ cameraId: '7' });
  first.tile.clickAction('audio');
  first.handle.dispose();

  const again = startTile({ cameraId: '7' });
  const other = startTile({ cameraId: '8' });
  assert.equal(again.video.muted, false);
  assert.equal(other.video.muted, true);
  again.handle.dispose();
  other.handle.dispose();
});

test('an audio track that arrives without the video\'s stream joins it, so the tile plays both', async () => {
  const { video, handle } = startTile();
  await flush();
  const pc = FakePeerConnection.instances[0];
  const stream = pc.emitTrack();
  const audio = pc.emitAudioTrack(null);
  await flush();
  assert.ok(stream.getTracks().includes(audio));
  assert.equal(video.srcObject, stream);

  pc.emitAudioTrack(stream); // the usual case: the answer gave audio the video's msid
  assert.equal(stream.getTracks().filter((t) => t.kind === 'audio').length, 2, 'not added a second time');
  handle.dispose();
});
