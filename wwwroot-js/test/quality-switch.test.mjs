import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CONNECT_TIMEOUT_MS } from '../src/constants.js';
import { createPlayer } from '../src/player.js';
import { FakeVideo, flush, makeEnv } from './fakes.mjs';

async function liveSdPlayer() {
  const ctx = makeEnv();
  const video = new FakeVideo();
  const states = [];
  const player = createPlayer(video, {
    cameraId: 'cam-1',
    signal: ctx.signal,
    env: ctx.env,
    onStateChange: (state, detail) => states.push({ state, ...detail }),
  });
  await flush();
  const sdPc = ctx.pcs[0];
  sdPc.setConnectionState('connected');
  const sdStream = sdPc.emitTrack();
  await flush();
  video.decodeFrame();
  assert.equal(player.state, 'live');
  return { ...ctx, video, player, states, sdPc, sdStream };
}

test('HD switch keeps SD on screen until HD decodes its first frame, then closes SD and hangs up its session', async () => {
  const ctx = await liveSdPlayer();
  ctx.player.setQuality('stream1');
  await flush();

  assert.equal(ctx.pcs.length, 2, 'a second pc for HD');
  const hdPc = ctx.pcs[1];
  assert.equal(ctx.signal.offers[1].quality, 'stream1');
  assert.equal(ctx.document.created.length, 1, 'a hidden helper element watches HD');
  const helper = ctx.document.created[0];
  assert.ok(ctx.document.body.children.includes(helper));
  assert.equal(helper.muted, true);

  hdPc.setConnectionState('connected');
  const hdStream = hdPc.emitTrack();
  await flush();
  assert.equal(helper.srcObject, hdStream);
  assert.equal(ctx.video.srcObject, ctx.sdStream, 'HD connected but not decoded: SD stays on screen');
  assert.equal(ctx.sdPc.closed, false);
  assert.deepEqual(ctx.signal.hangups, []);
  assert.equal(ctx.player.state, 'live');
  assert.equal(ctx.states.at(-1).quality, 'stream2', 'still showing SD');

  helper.decodeFrame(1920, 1080);
  await flush();
  assert.equal(ctx.video.srcObject, hdStream, 'element switched to HD');
  assert.equal(ctx.sdPc.closed, true);
  assert.ok(ctx.sdStream.getTracks().every((t) => t.stopped));
  assert.deepEqual(ctx.signal.hangups, ['s1'], 'SD session hung up');
  assert.equal(helper.srcObject, null);
  assert.equal(helper.removed, true);
  assert.ok(!ctx.document.body.children.includes(helper));
  assert.equal(ctx.player.state, 'live');
  assert.equal(ctx.states.at(-1).quality, 'stream1');
  assert.deepEqual(ctx.states.map((s) => s.state), ['connecting', 'live', 'live', 'live'], 'the tile never left live');

  // And back to SD the same way.
  ctx.player.setQuality('stream2');
  await flush();
  const sdAgain = ctx.pcs[2];
  assert.equal(ctx.signal.offers[2].quality, 'stream2');
  const sdAgainStream = sdAgain.emitTrack();
  await flush();
  assert.equal(ctx.video.srcObject, hdStream);
  ctx.document.created[1].decodeFrame();
  await flush();
  assert.equal(ctx.video.srcObject, sdAgainStream);
  assert.equal(hdPc.closed, true);
  assert.deepEqual(ctx.signal.hangups, ['s1', 's2']);

  // A failure of the new on-screen pc is handled as the primary.
  sdAgain.setConnectionState('failed');
  assert.equal(ctx.player.state, 'reconnecting');
  ctx.player.dispose();
});

test('HD switch failing (server error) keeps SD playing and reports why; the HD pc is closed', async () => {
  const ctx = await liveSdPlayer();
  ctx.signal.failWith = new Error('stream1 is H.265: no H.264');
  ctx.player.setQuality('stream1');
  await flush();
  assert.equal(ctx.player.state, 'live');
  assert.equal(ctx.video.srcObject, ctx.sdStream);
  assert.equal(ctx.sdPc.closed, false);
  assert.equal(ctx.pcs[1].closed, true);
  const detail = ctx.states.at(-1);
  assert.equal(detail.reason, 'quality_switch_failed');
  assert.match(detail.message, /no H\.264/);
  assert.equal(detail.quality, 'stream2');
  assert.equal(ctx.player.quality, 'stream2');
  assert.equal(ctx.document.created[0].removed, true);
  ctx.player.dispose();
});

test('an HD session the server ends once connected is offered once more; that offer\'s refusal is what the viewer reads', async () => {
  // The first run of an H.265 main stream: answered H.264 before FFmpeg said otherwise, then ended by the server.
  const ctx = await liveSdPlayer();
  ctx.player.setQuality('stream1');
  await flush();
  ctx.pcs[1].setConnectionState('connected');
  ctx.signal.failWith = new Error('This camera sends H.265, which this browser cannot play.');
  ctx.pcs[1].setConnectionState('closed');
  await flush();
  assert.equal(ctx.pcs.length, 3, 'one more offer');
  assert.equal(ctx.player.state, 'live');
  assert.equal(ctx.video.srcObject, ctx.sdStream, 'SD never left the screen');
  const detail = ctx.states.at(-1);
  assert.equal(detail.reason, 'quality_switch_failed');
  assert.match(detail.message, /H\.265/);

  ctx.signal.failWith = null;
  ctx.player.setQuality('stream2');
  ctx.player.setQuality('stream1');
  await flush();
  ctx.pcs.at(-1).setConnectionState('closed');
  await flush();
  const offers = ctx.pcs.length;
  assert.equal(offers, 5, 'a new request for HD may again be tried twice');
  ctx.pcs.at(-1).setConnectionState('closed');
  await flush();
  assert.equal(ctx.pcs.length, offers, 'but not a third time');
  assert.equal(ctx.states.at(-1).reason, 'quality_switch_failed');
  ctx.player.dispose();
});

test('HD switch that never decodes times out and keeps SD', async () => {
  const ctx = await liveSdPlayer();
  ctx.player.setQuality('stream1');
  await flush();
  ctx.timers.advance(CONNECT_TIMEOUT_MS);
  assert.equal(ctx.pcs[1].closed, true);
  assert.deepEqual(ctx.signal.hangups, ['s2']);
  assert.equal(ctx.sdPc.closed, false);
  assert.equal(ctx.states.at(-1).reason, 'quality_switch_failed');
  ctx.player.dispose();
});

test('switching back to SD before HD decoded cancels the HD attempt', async () => {
  const ctx = await liveSdPlayer();
  ctx.player.setQuality('stream1');
  await flush();
  ctx.player.setQuality('stream2');
  await flush();
  assert.equal(ctx.pcs.length, 2);
  assert.equal(ctx.pcs[1].closed, true);
  assert.deepEqual(ctx.signal.hangups, ['s2']);
  assert.equal(ctx.video.srcObject, ctx.sdStream);
  assert.equal(ctx.sdPc.closed, false);
  ctx.player.dispose();
});

test('SD failing during an HD switch abandons the switch and reconnects directly in HD', async () => {
  const ctx = await liveSdPlayer();
  ctx.player.setQuality('stream1');
  await flush();
  ctx.sdPc.setConnectionState('failed');
  assert.equal(ctx.player.state, 'reconnecting');
  assert.equal(ctx.pcs[1].closed, true);
  assert.deepEqual([...ctx.signal.hangups].sort(), ['s1', 's2']);
  ctx.timers.advance(10_000);
  await flush();
  assert.equal(ctx.signal.offers.at(-1).quality, 'stream1');
  ctx.player.dispose();
});

test('dispose during an HD switch closes and hangs up both sessions and removes the helper element', async () => {
  const ctx = await liveSdPlayer();
  ctx.player.setQuality('stream1');
  await flush();
  ctx.pcs[1].emitTrack();
  await flush();
  ctx.player.dispose();
  assert.ok(ctx.pcs.every((pc) => pc.closed));
  assert.deepEqual([...ctx.signal.hangups].sort(), ['s1', 's2']);
  assert.equal(ctx.document.created[0].removed, true);
  assert.equal(ctx.timers.pendingCount, 0);
  assert.equal(ctx.video.srcObject, null);
});

test('setQuality before live restarts the attempt in the new quality; unknown quality throws', async () => {
  const ctx = makeEnv();
  ctx.signal.hold = true;
  const player = createPlayer(new FakeVideo(), { cameraId: 'c', signal: ctx.signal, env: ctx.env });
  await flush();
  player.setQuality('stream1');
  await flush();
  assert.equal(ctx.pcs[0].closed, true);
  assert.equal(ctx.pcs.length, 2);
  assert.deepEqual(ctx.signal.offers.map((o) => o.quality), ['stream2', 'stream1']);
  assert.throws(() => player.setQuality('4k'), TypeError);
  player.dispose();
});

test('the switch freezes the old frame as the poster and clears it once the new stream paints', async () => {
  const ctx = await liveSdPlayer();
  ctx.document.canvasSupport = true;
  ctx.player.setQuality('stream1');
  await flush();
  ctx.pcs[1].emitTrack();
  await flush();
  ctx.document.created[0].decodeFrame(1280, 720);
  await flush();
  assert.equal(ctx.video.poster, 'data:image/jpeg;base64,FRAME', 'old picture kept while srcObject changes');
  ctx.video.decodeFrame(1280, 720);
  assert.equal(ctx.video.poster, '', 'poster cleared after the first HD frame in the element');
  ctx.player.dispose();
});
