// Time to first decoded frame in Chromium through the production player (issue 4's goal: a late joiner sees a
// picture within 300 ms p95 with a 4 s GOP; issue 7 metric 3).
//   late join: a keeper viewer holds the camera's stream running; each join opens a fresh page (navigation), the
//              player offers, and the clock stops at the first requestVideoFrameCallback. Joins are spaced by
//              pseudo-random 0–4 s pauses so they land all over the camera's GOP.
//   cold start: the camera's stream is idle (no FFmpeg; the status says so) when the only viewer arrives.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { cameraStatus } from '../lib/api.mjs';
import { delay, waitFor } from '../lib/process.mjs';
import { summarize } from '../lib/stats.mjs';
import { openBenchPage } from './browser.mjs';
import { SPLIT_STEPS, splitJoin } from './ttff-split.mjs';

export { SPLIT_STEPS, splitJoin };

/** Saves a join's first frame when its stamp was unreadable (evidence of a damaged first picture). */
function keepFirstFrame(ctx, label, index, result) {
  if (!result.firstFrameImage) return null;
  const file = path.join(ctx.logDir, `first-frame-${label}-${index + 1}.png`);
  writeFileSync(file, Buffer.from(result.firstFrameImage.split(',')[1], 'base64'));
  return file;
}

/** b − a in ms, or null when either moment was not seen. */

/**
 * One join's timings in ms. `fromOffer` is the headline: offer created → first decoded frame presented.
 * `freshFromOffer`: offer → first presented frame the camera captured after the offer (needs the stamp pattern).
 * `split`: where the time went (splitJoin).
 */
function timings(r, fps) {
  return {
    split: splitJoin(r, fps),
    fromOffer: r.firstFrame - r.offer,
    fromCreate: r.firstFrame - r.created,
    fromNavigation: r.firstFrame,
    offerToAnswer: r.answer - r.offer,
    decodedFromOffer: r.decoded - r.offer,
    firstFrameAge: r.firstFrameAge,
    freshFromOffer: r.freshFrame === null ? null : r.freshFrame - r.offer,
    width: r.width,
    height: r.height,
  };
}

/** Summaries of every timing field over the joins (median, p95, n, …). */
export function summarizeJoins(joins) {
  const keys = ['fromOffer', 'fromCreate', 'fromNavigation', 'offerToAnswer', 'decodedFromOffer', 'firstFrameAge', 'freshFromOffer'];
  const pick = (values) => summarize(values.filter(Number.isFinite));
  return {
    ...Object.fromEntries(keys.map((k) => [k, pick(joins.map((j) => j[k]))])),
    split: Object.fromEntries([...SPLIT_STEPS, 'firstPacketPolled', 'replayFrames', 'replayReceivedAfterPacket',
      'framesReceivedAtFirstFrame', 'framesDecodedAtFirstFrame']
      .map((k) => [k, pick(joins.map((j) => j.split?.[k]))])),
  };
}

/**
 * @param {object} ctx         the bench context (baseUrl, log)
 * @param {import('playwright-core').BrowserContext} context
 * @param {{ cameraId: number, joins: number, quality?: string, gopSeconds?: number, fps?: number }} options
 */
export async function measureLateJoin(ctx, context, { cameraId, joins, quality = 'stream1', gopSeconds = 4, fps = 25 }) {
  const keeper = await openBenchPage(context, ctx.baseUrl, { mode: 'join', camera: cameraId, quality }, 60_000);
  const results = [];
  try {
    await delay(2000); // past the start-up: the stream runs and the server holds a complete GOP
    let seed = 12345;
    for (let i = 0; i < joins; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      await delay(Math.floor((seed / 2 ** 31) * gopSeconds * 1000));
      const join = await openBenchPage(context, ctx.baseUrl, { mode: 'join', camera: cameraId, quality }, 30_000);
      results.push({ ...timings(join.result, fps), unreadableFirstFrame: keepFirstFrame(ctx, 'late', i, join.result) });
      await join.close();
    }
  } finally {
    await keeper.close();
  }
  ctx.log(`late join: ${results.map((r) => Math.round(r.fromOffer)).join(' ')} ms (offer → first frame); first frame `
    + `${results.map((r) => Math.round(r.firstFrameAge)).join(' ')} ms old`);
  ctx.log(`late join split (${SPLIT_STEPS.join('/')}): ${results.map((r) => SPLIT_STEPS.map((k) => Math.round(r.split[k] ?? NaN)).join('/')).join('  ')}`);
  return { joins: results, summary: summarizeJoins(results) };
}

/**
 * @param {object} ctx
 * @param {import('playwright-core').BrowserContext} context
 * @param {{ cameraId: number, joins: number, quality?: string, fps?: number, keeperCameraId?: number }} options
 *   keeperCameraId: another CamStudio entry of the same RTSP mount, watched throughout, so the camera's shared encoder
 *   is running mid-GOP when the measured entry's FFmpeg opens its session (without it, the test camera builds a fresh
 *   encoder for the session, which always starts with a key frame)
 */
export async function measureColdStart(ctx, context, { cameraId, joins, quality = 'stream1', fps = 25, keeperCameraId }) {
  const results = [];
  const keeper = keeperCameraId === undefined ? null
    : await openBenchPage(context, ctx.baseUrl, { mode: 'join', camera: keeperCameraId, quality }, 60_000);
  try {
    for (let i = 0; i < joins; i++) {
      await waitFor(async () => (await cameraStatus(ctx.api, cameraId)).state === 'idle',
        { timeoutMs: 60_000, intervalMs: 250, what: `camera ${cameraId} idle` });
      const join = await openBenchPage(context, ctx.baseUrl, { mode: 'join', camera: cameraId, quality }, 30_000);
      results.push({ ...timings(join.result, fps), unreadableFirstFrame: keepFirstFrame(ctx, 'cold', i, join.result) });
      await join.close();
    }
  } finally {
    await keeper?.close();
  }
  ctx.log(`cold start: ${results.map((r) => Math.round(r.fromOffer)).join(' ')} ms (offer → first frame)`);
  return { joins: results, summary: summarizeJoins(results) };
}
