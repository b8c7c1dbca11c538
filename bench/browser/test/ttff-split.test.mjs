// The split of a join's time to first frame (issue 16): the steps must add up to offer → first frame, so the table
// says where the time went rather than a set of overlapping intervals; unseen moments stay null instead of becoming
// a misleading 0. Pure: no browser, no camera.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SPLIT_STEPS, splitJoin } from '../ttff-split.mjs';

// One late join as the page reports it (performance.now() ms): offer at 100, the first picture at 260, 1.5 s old.
const join = {
  offer: 100, answer: 160, iceConnected: 175, dtlsConnected: 205, firstPacket: 230, firstFrameReceived: 230,
  firstFrame: 260, firstFrameAge: 1500,
  firstFrameMeta: { receiveTime: 228, processingMs: 12 },
  countersAtFirstFrame: { framesReceived: 20, framesDecoded: 1, nackCount: 0, pliCount: 0 },
  received: [[230, 1, 0], [240, 20, 1], [290, 36, 10], [300, 40, 30]],
};

test('the steps add up to offer → first frame', () => {
  const split = splitJoin(join, 25);
  const total = SPLIT_STEPS.reduce((sum, k) => sum + split[k], 0);
  assert.equal(total, join.firstFrame - join.offer);
  assert.deepEqual(SPLIT_STEPS.map((k) => split[k]), [60, 15, 30, 23, 12, 20]);
});

test('replayed frames come from the first picture\'s age at the offer, and the replay ends when that many arrived', () => {
  const split = splitJoin(join, 25);
  // 1500 ms old at 260, so 1340 ms old at the offer: frames of 40 ms → 33 whole frames + the key frame itself.
  assert.equal(split.replayFrames, 34);
  assert.equal(split.replayReceivedAfterPacket, 290 - 230);
  assert.equal(split.framesReceivedAtFirstFrame, 20);
});

test('a moment Chromium never reported stays null', () => {
  const split = splitJoin({ ...join, iceConnected: null, firstFrameMeta: null, firstFrameReceived: null, firstFrameAge: null });
  assert.equal(split.ice, null);
  assert.equal(split.dtls, null);
  assert.equal(split.media, null);
  assert.equal(split.decode, null);
  assert.equal(split.replayFrames, null);
});
