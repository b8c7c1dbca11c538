// Browser-side metrics of issue 7 (time to first frame, glass-to-glass latency, 16 tiles), measured in headless
// Chromium through the production player. Entry point for bench/run.mjs: run(ctx) with the harness context
// (bench/lib/context.mjs). Each metric is also exported on its own (ttff.mjs, latency.mjs, tiles.mjs).
import { createCamera } from '../lib/api.mjs';
import { startTestCamera } from '../lib/camera.mjs';
import { round } from '../lib/stats.mjs';
import { launchChromium, newBenchContext } from './browser.mjs';
import { measureGlassToGlass } from './latency.mjs';
import { measureTiles } from './tiles.mjs';
import { measureColdStart, measureLateJoin, SPLIT_STEPS } from './ttff.mjs';
import { measureFallback } from './fallback.mjs';

export { measureColdStart, measureGlassToGlass, measureLateJoin, measureTiles };

/** How much of each metric a run does; smoke = CI's "cannot rot" version. */
export function browserPlan(smoke) {
  return smoke
    ? { lateJoins: 3, coldJoins: 1, latencyFrames: 100, tiles: 4, tileSeconds: 8, fallbackJoins: 1 }
    : { lateJoins: 24, coldJoins: 6, latencyFrames: 500, tiles: 16, tileSeconds: 30, fallbackJoins: 6 };
}

/**
 * Starts the stamped test camera (720p main / 360p sub, 25 fps, GOP 4 s, 2.5 Mbit/s), creates the camera entries,
 * measures, and reports into ctx.results (section 'browser' + markdown tables). A metric that fails is recorded
 * with ctx.results.fail and the others still run.
 * @param {object} ctx   bench/lib/context.mjs
 * @param {{ only?: Set<string>, joins?: number }} [options]  subset of 'late', 'cold', 'latency', 'fallback', 'tiles'; joins per
 *   time-to-first-frame case instead of the plan's
 */
export async function run(ctx, { only, joins } = {}) {
  const plan = browserPlan(ctx.smoke);
  if (joins) Object.assign(plan, { lateJoins: joins, coldJoins: joins });
  const want = (m) => !only || only.has(m);
  ctx.results.set('browser', 'plan', plan);
  const camera = await startTestCamera({
    name: 'stamp', repoRoot: ctx.repoRoot, logDir: ctx.logDir, pattern: 'stamp', width: 1280, height: 720,
    bitrateKbps: 2500, gopSeconds: 4,
  });
  const entry = async (label, quality, cam = camera) => createCamera(ctx.api, { ...cam, name: `stamp ${label}` }, { quality });
  const mainId = await entry('main', 'stream1');
  const coldId = await entry('cold', 'stream1');
  // The same camera, set to start every RTSP session with a key frame (as most real cameras do): the cold start
  // issue 16 asks ≤ 1 s for. Its own process, so the plain camera above still joins mid-GOP for the other case.
  const keyCamera = want('cold')
    ? await startTestCamera({
      name: 'stamp-keyframe-on-play', repoRoot: ctx.repoRoot, logDir: ctx.logDir, pattern: 'stamp', width: 1280, height: 720,
      bitrateKbps: 2500, gopSeconds: 4, keyframeOnPlay: true,
    })
    : null;
  const coldKeyId = keyCamera ? await entry('cold, key frame on play', 'stream1', keyCamera) : null;
  // Watched during that camera's cold starts, so its shared encoder runs mid-GOP when the measured session opens.
  const keyKeeperId = keyCamera ? await entry('keeper, key frame on play', 'stream1', keyCamera) : null;
  // Never started before its one measurement: no GOP cache from an earlier run can be replayed to it.
  const freshId = await entry('fresh', 'stream1');
  const browser = await launchChromium();
  ctx.results.set('browser', 'chromium', browser.version());
  const step = async (metric, fn) => {
    try { await fn(); } catch (e) { ctx.results.fail(`browser.${metric}`, e); }
  };
  try {
    const context = await newBenchContext(browser, ctx);
    const ttffRows = [];
    const splitRows = [];
    const ttffRow = (label, r) => {
      const s = r.summary;
      const sp = s.split;
      const both = (x) => `${round(x.median, 0)} / ${round(x.p95, 0)}`;
      splitRows.push([label, s.fromOffer.n, ...SPLIT_STEPS.map((k) => both(sp[k])), both(sp.firstPacketPolled),
        round(sp.replayFrames.median, 0), both(sp.replayReceivedAfterPacket),
        round(sp.framesReceivedAtFirstFrame.median, 0), round(sp.framesDecodedAtFirstFrame.median, 0)]);
      ttffRows.push([label, s.fromOffer.n, round(s.fromOffer.median, 0), round(s.fromOffer.p95, 0), round(s.fromOffer.max, 0),
        round(s.fromNavigation.median, 0), round(s.fromNavigation.p95, 0), round(s.offerToAnswer.median, 0),
        round(s.decodedFromOffer.median, 0), `${round(s.firstFrameAge.min, 0)}–${round(s.firstFrameAge.max, 0)}`,
        round(s.freshFromOffer.median, 0), round(s.freshFromOffer.p95, 0)]);
    };
    if (want('late')) {
      await step('ttff.late', async () => {
        const r = await measureLateJoin(ctx, context, { cameraId: mainId, joins: plan.lateJoins, gopSeconds: camera.gopSeconds, fps: camera.fps });
        ctx.results.set('browser', 'ttffLateJoin', r);
        ttffRow('late join (stream running, GOP 4 s)', r);
      });
    }
    if (want('cold')) {
      await step('ttff.cold', async () => {
        // The camera entry 'main' keeps the plain camera's encoder running: the measured session joins it mid-GOP.
        const r = await measureColdStart(ctx, context, { cameraId: coldId, joins: plan.coldJoins, fps: camera.fps, keeperCameraId: mainId });
        ctx.results.set('browser', 'ttffColdStart', r);
        ttffRow('cold start (stream idle; the camera\'s session joins its running encoder mid-GOP)', r);
      });
      await step('ttff.coldKeyframe', async () => {
        const r = await measureColdStart(ctx, context, { cameraId: coldKeyId, joins: plan.coldJoins, fps: keyCamera.fps, keeperCameraId: keyKeeperId });
        ctx.results.set('browser', 'ttffColdStartKeyframeOnPlay', r);
        ttffRow('cold start (stream idle; the camera starts each session with a key frame, encoder running)', r);
      });
    }
    if (ttffRows.length) {
      ctx.results.table('Time to first decoded frame (Chromium, production player, 1280x720 H.264)',
        ['<case', 'n', 'offer → frame median ms', 'p95 ms', 'max ms', 'navigation → frame median ms', 'p95 ms',
          'offer → answer median ms', 'offer → framesDecoded>0 median ms', 'age of first frame ms (GOP phase)',
          'offer → first frame captured after the offer median ms', 'p95 ms'],
        ttffRows,
        'Clock from the moment the player hands its created offer to signalling (and, separately, from page navigation) '
        + 'to the first requestVideoFrameCallback; offer via POST /api/cameras/{id}/webrtc/offer. Goal (issue 4): late join p95 ≤ 300 ms. '
        + 'Age of first frame = its camera stamp vs the clock when shown: how far into the 4 s GOP each join landed '
        + '(for a cold start, anything older than the join is a previous run\'s picture).');
      ctx.results.table('Where the first frame\'s time goes (median / p95 ms of each step; each step starts where the previous ended)',
        ['<case', 'n', 'offer → answer', 'answer → ICE connected', 'ICE → DTLS connected',
          'DTLS → first frame received', 'received → decoded', 'decoded → presented (rVFC)', '(DTLS → first RTP packet, polled)',
          'replayed frames median', 'first packet → whole replay assembled (polled)',
          'frames received at first picture', 'frames decoded at first picture'],
        splitRows,
        'Steps add up to offer → first frame: the peer connection\'s iceconnectionstatechange / connectionstatechange, then '
        + 'the first requestVideoFrameCallback\'s receiveTime (last packet of that frame) and processingDuration (decode). '
        + 'Polled columns: Chromium\'s getStats every 10 ms (coarse under load). Replayed frames = the first picture\'s '
        + 'stamp age at the offer × fps + 1. For a cold start "DTLS → first frame received" includes FFmpeg\'s start and '
        + 'the camera\'s key frame.');
    }
    if (want('latency')) {
      await step('latency', async () => {
        const rows = [];
        const notes = [];
        const row = (label, s) => [label, s.n, round(s.median, 0), round(s.p95, 0), round(s.max, 0)];
        for (const [key, cameraId, start, label] of [
          ['glassToGlass', mainId, 'running', 'late joiner (stream running, joined mid-GOP)'],
          ['glassToGlassFresh', freshId, 'idle', 'first viewer (stream never started, begins at a fresh key frame)']]) {
          const r = await measureGlassToGlass(ctx, context, { cameraId, frames: plan.latencyFrames, start });
          ctx.results.set('browser', key, r);
          rows.push(row(`${label}: presented (rVFC)`, r.presented), row(`${label}: last packet received`, r.received),
            row(`${label}: expected display time`, r.expectedDisplay));
          notes.push(`${label}: ${r.unreadableFrames} unreadable, ${r.replayedFramesSkipped} replayed frames skipped, `
            + `${r.droppedVideoFrames} of ${r.totalVideoFrames} dropped; camera ${round(r.camera.fps, 1)} fps, key frame every `
            + `${round(r.camera.keyframeIntervalS, 1)} s; Chromium per frame: jitter buffer ${round(r.receiver?.jitterBufferMs, 0)} ms `
            + `(target ${round(r.receiver?.jitterBufferTargetMs, 0)} ms), decode ${round(r.receiver?.decodeMs, 1)} ms, `
            + `receive → decoded ${round(r.receiver?.processingMs, 0)} ms.`);
        }
        ctx.results.table('Glass-to-glass latency (stamp in the frame vs Chromium Date.now(), 1280x720)',
          ['<viewer: measured at', 'n', 'median ms', 'p95 ms', 'max ms'], rows,
          `${notes.join(' ')} Goal: p95 well under 500 ms.`);
        // The same late joiner over LL-HLS (hls.js in low-latency mode, the tile's fallback): issue 14 asks p95 ≤ 1.5 s.
        const hls = await measureGlassToGlass(ctx, context, { cameraId: mainId, frames: plan.latencyFrames, start: 'running', transport: 'hls' });
        ctx.results.set('browser', 'glassToGlassHls', hls);
        ctx.results.table('Glass-to-glass latency over LL-HLS (hls.js, same camera and stamp), 1280x720',
          ['<viewer: measured at', 'n', 'median ms', 'p95 ms', 'max ms'],
          [row('late joiner over HLS: presented (rVFC)', hls.presented), row('late joiner over HLS: expected display time', hls.expectedDisplay)],
          `${hls.unreadableFrames} unreadable, ${hls.replayedFramesSkipped} frames older than the join skipped, ${hls.droppedVideoFrames} of `
          + `${hls.totalVideoFrames} dropped; parts of 0.2 s (Streams:Hls:PartTargetMilliseconds), hls.js plays about three parts behind the live edge. Goal (issue 14): p95 ≤ 1.5 s.`);
      });
    }
    if (want('fallback')) {
      await step('fallback', async () => {
        const r = await measureFallback(ctx, context, { cameraId: await entry('fallback', 'stream2'), joins: plan.fallbackJoins });
        ctx.results.set('browser', 'fallback', r);
        const s = r.fromNavigation;
        ctx.results.table('UDP to the media port dropped: WebRTC given up, LL-HLS plays (Chromium, production player, transport auto, 640x360)',
          ['<case', 'n', 'navigation → first frame median ms', 'p95 ms', 'max ms'],
          [['stream running (another viewer on HLS)', s.n, round(s.median, 0), round(s.p95, 0), round(s.max, 0)]],
          'nftables drops UDP to CamStudio\'s media port inside the bench\'s network namespace; the player tries WebRTC, '
          + 'gives it up 3 s after the answer (WEBRTC_FALLBACK_TIMEOUT_MS) and plays LL-HLS. Goal (issue 14 §4a): a picture within 6 s.');
      });
    }
    await context.close();
    if (want('tiles')) {
      await step('tiles', async () => {
        const ids = [];
        for (let i = 0; i < plan.tiles; i++) ids.push(await entry(`tile ${i + 1}`, 'stream2'));
        const cols = Math.ceil(Math.sqrt(plan.tiles));
        // 320x180 per tile: the whole grid is in the viewport (off-screen tiles would pause by design).
        const tilesContext = await newBenchContext(browser, ctx, { width: cols * 320, height: cols * 180 });
        try {
          const r = await measureTiles(ctx, tilesContext, { cameraIds: ids, seconds: plan.tileSeconds });
          ctx.results.set('browser', 'tiles', r);
          ctx.results.table(`${plan.tiles} tiles in one Chromium page (each its own camera entry, 640x360 sub stream, ${r.seconds} s)`,
            ['<all live', 'live after ms', 'reconnects before live / during', 'decoded fps per tile median', 'min', 'CamStudio-measured camera fps median',
              'dropped (getVideoPlaybackQuality)',
              'framesDropped (getStats)', 'freezes', 'frames', 'server CPU median % of a core', 'p95 %'],
            [[r.allLive ? 'yes' : 'NO', r.allLiveAfterMs, `${r.reconnectsBeforeLive} / ${r.reconnectsDuringWindow}`, round(r.decodedFps.median, 1), round(r.decodedFps.min, 1),
              round(r.serverFps.median, 1),
              r.droppedVideoFrames, r.framesDropped, r.freezes, r.totalFrames, round(r.serverCpu.median, 1), round(r.serverCpu.p95, 1)]],
            'Server CPU = CamStudio + its FFmpeg processes (/proc), percent of one core.');
          if (!r.allLive) throw new Error('not every tile decoded during the window');
        } finally {
          await tilesContext.close();
        }
      });
    }
  } finally {
    await browser.close();
    await camera.stop();
    await keyCamera?.stop();
  }
}
