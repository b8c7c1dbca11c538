import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createPlayer } from '../src/player.js';
import { summarizeStats } from '../src/stats.js';
import { FakeVideo, flush, makeEnv } from './fakes.mjs';

const report = (entries) => new Map(entries.map((e) => [e.id, e]));

function inbound(overrides) {
  return {
    id: 'IT01V', type: 'inbound-rtp', kind: 'video', codecId: 'CIT01_102', timestamp: 1000, bytesReceived: 0,
    frameWidth: 1280, frameHeight: 720, framesPerSecond: 25, packetsLost: 3, framesDecoded: 100, framesDropped: 2,
    freezeCount: 1, nackCount: 7, pliCount: 1, jitterBufferDelay: 2.0, jitterBufferEmittedCount: 100,
    ...overrides,
  };
}

test('first sample: no bitrate yet, jitter buffer is the cumulative average in ms, codec resolved', () => {
  const s = summarizeStats(
    report([
      { id: 'T01', type: 'transport', timestamp: 1000 },
      { id: 'IA', type: 'inbound-rtp', kind: 'audio', bytesReceived: 999999, timestamp: 1000 },
      inbound({ bytesReceived: 50_000 }),
      { id: 'CIT01_102', type: 'codec', mimeType: 'video/H264' },
    ]),
    null,
  );
  assert.deepEqual(
    { w: s.width, h: s.height, fps: s.fps, kbps: s.bitrateKbps, jb: s.jitterBufferMs, codec: s.codec },
    { w: 1280, h: 720, fps: 25, kbps: 0, jb: 20, codec: 'video/H264' },
  );
  assert.equal(s.bytesReceived, 50_000, 'video bytes, not the audio stream\'s');
  assert.deepEqual(
    [s.packetsLost, s.framesDropped, s.freezeCount, s.nackCount, s.pliCount, s.framesDecoded],
    [3, 2, 1, 7, 1, 100],
  );
});

test('bitrate from the bytesReceived delta over the timestamp delta; jitter buffer over the interval', () => {
  const first = summarizeStats(report([inbound({ timestamp: 1000, bytesReceived: 100_000 })]), null);
  // 250 000 bytes in 2 s = 1 000 000 bit/s; 50 frames emitted with 4.5 s of added delay = 90 ms each.
  const second = summarizeStats(
    report([inbound({ timestamp: 3000, bytesReceived: 350_000, jitterBufferDelay: 6.5, jitterBufferEmittedCount: 150 })]),
    first,
  );
  assert.equal(second.bitrateKbps, 1000);
  assert.equal(second.jitterBufferMs, 90);
});

test('the same report twice (concurrent callers, cached report) keeps the last measured rates instead of 0', () => {
  const first = summarizeStats(report([inbound({ timestamp: 1000, bytesReceived: 100_000 })]), null);
  const second = summarizeStats(report([inbound({ timestamp: 2000, bytesReceived: 225_000 })]), first);
  const again = summarizeStats(report([inbound({ timestamp: 2000, bytesReceived: 225_000 })]), second);
  assert.equal(second.bitrateKbps, 1000);
  assert.equal(again.bitrateKbps, 1000);
});

test('a counter reset (new connection) or missing fields never yields negative or NaN numbers', () => {
  const first = summarizeStats(report([inbound({ timestamp: 5000, bytesReceived: 900_000 })]), null);
  const afterReset = summarizeStats(report([inbound({ timestamp: 6000, bytesReceived: 1000 })]), first);
  assert.equal(afterReset.bitrateKbps, 0);
  const bare = summarizeStats(report([{ id: 'x', type: 'inbound-rtp', mediaType: 'video' }]), null);
  for (const [k, v] of Object.entries(bare)) {
    if (typeof v === 'number') assert.ok(Number.isFinite(v) && v >= 0, `${k} = ${v}`);
  }
  assert.equal(summarizeStats(report([{ id: 't', type: 'transport' }]), null), null);
});

test('player.getStats() samples the on-screen pc and computes bitrate between calls', async () => {
  const ctx = makeEnv();
  const video = new FakeVideo();
  const player = createPlayer(video, { cameraId: 'c', signal: ctx.signal, env: ctx.env });
  await flush();
  assert.equal(await player.getStats(), null, 'no inbound video yet');
  const pc = ctx.pcs[0];
  pc.statsEntries = [inbound({ timestamp: 0, bytesReceived: 0 })];
  await player.getStats();
  pc.statsEntries = [inbound({ timestamp: 1000, bytesReceived: 125_000 })];
  const s = await player.getStats();
  assert.equal(s.bitrateKbps, 1000);
  player.dispose();
  assert.equal(await player.getStats(), null);
});
