// What a camera's audio costs (issue 15): CPU of the app's own FFmpeg and of CamStudio + FFmpeg with one WebRTC
// viewer, for a 720p H.264 test camera whose microphone sends AAC (16 kHz mono) and one that sends PCMA, each with
// the camera's Audio setting off (video only) and on (AAC -> Opus transcode; PCMA copied untouched).
//
// The FFmpeg measured is the one CamStudio starts, with the argument list CameraStreamArguments/FfmpegArguments
// build: nothing here builds FFmpeg arguments. Each trial reads the child's /proc/<pid>/cmdline and records it
// (password redacted), and checks it is the variant the condition names (-an only / libopus / -c:a copy).
//
// Side by side: the four conditions are measured one at a time in rounds, each round in a rotated order, so slow
// drifts of the shared machine's load hit every condition alike; the tables report the median over the rounds.
import { readFileSync } from 'node:fs';
import { createViewerPool } from './viewers.mjs';
import { camstudioTarget, openOrThrow, waitForStreamStopped } from './camstudio.mjs';
import { startTestCamera, CAMERA_PROFILES } from '../lib/camera.mjs';
import { cameraStatus } from '../lib/api.mjs';
import { processTree, startCpuSampler, loadAverage } from '../lib/proc.mjs';
import { waitFor, delay } from '../lib/process.mjs';
import { summarize, round } from '../lib/stats.mjs';

/** The conditions, in the order of round 1. `expect` is what the app's FFmpeg command line must contain. */
const CONDITIONS = [
  { key: 'aac.video', microphone: 'aac', audio: false, label: 'AAC camera, audio off (video only)', expect: { audio: false } },
  { key: 'aac.opus', microphone: 'aac', audio: true, label: 'AAC camera, audio on: AAC → Opus transcode', expect: { audio: true, codec: 'libopus' } },
  { key: 'pcma.video', microphone: 'pcma', audio: false, label: 'PCMA camera, audio off (video only)', expect: { audio: false } },
  { key: 'pcma.copy', microphone: 'pcma', audio: true, label: 'PCMA camera, audio on: G.711 copied', expect: { audio: true, codec: 'copy' } },
];

/**
 * @param {object} ctx the bench context
 * @param {{ rounds: number, windowMs: number, settleMs: number }} plan
 */
export async function runAudio(ctx, { rounds, windowMs, settleMs }) {
  // One test camera per microphone codec, at the 720p benchmark settings (25 fps, GOP 4 s, 2.5 Mbit/s).
  const cameras = {};
  for (const microphone of ['aac', 'pcma']) {
    cameras[microphone] = await startTestCamera({ ...CAMERA_PROFILES['720p'], name: `720p-${microphone}`, audio: microphone,
      repoRoot: ctx.repoRoot, logDir: ctx.logDir });
  }
  const created = [];
  try {
    const entries = {};
    for (const c of CONDITIONS) {
      const camera = cameras[c.microphone];
      const cameraId = await createAudioCamera(ctx, camera, c);
      created.push(cameraId);
      entries[c.key] = { ...c, camera: { ...camera, cameraId, name: `720p ${c.key}` } };
    }
    // CamStudio sends Opus on a camera's first run (it cannot know the codec before FFmpeg opened the camera) and
    // G.711 untouched from the next run on: one run of the PCMA camera first, so every measured run copies.
    await warmUp(ctx, entries['pcma.copy'].camera);

    const trials = Object.fromEntries(CONDITIONS.map((c) => [c.key, []]));
    for (let r = 0; r < rounds; r++) {
      const order = CONDITIONS.map((_, i) => CONDITIONS[(i + r) % CONDITIONS.length]);
      for (const c of order) {
        const t = await trial(ctx, entries[c.key], { windowMs, settleMs });
        t.round = r + 1;
        trials[c.key].push(t);
        ctx.log(`audio ${c.key} round ${r + 1}: FFmpeg ${t.ffmpegCpu.window} %, CamStudio + FFmpeg ${t.treeCpu.window} % of one core; ` +
          `viewer video ${t.viewer.videoPacketsPerSecond} pkt/s, audio ${t.viewer.audioPacketsPerSecond} pkt/s (${t.viewer.audioCodec ?? 'none'}), load ${t.loadAverage1m}`);
      }
    }
    const result = summarizeTrials(trials);
    ctx.results.set('audio', 'camstudio.720p', { rounds, windowMs, settleMs, conditions: result, trials });
    reportAudio(ctx, result, { rounds, windowMs });
    return result;
  } finally {
    for (const id of created) await ctx.api.request('DELETE', `/api/cameras/${id}`).catch(() => {});
    for (const camera of Object.values(cameras)) await camera.stop().catch(() => {});
  }
}

async function createAudioCamera(ctx, camera, condition) {
  const { json } = await ctx.api.request('POST', '/api/cameras/create', {
    json: {
      name: `bench 720p ${condition.key}`, source: 'rtsp', ip_address: camera.host, rtsp_port: camera.port, brand: 'custom',
      hd_path: 'stream1', sd_path: 'stream2', username: camera.user, password: camera.password, stream_quality: 'stream1',
      audio: condition.audio,
      description: `benchmark camera ${camera.width}x${camera.height} ${camera.fps} fps ${camera.bitrateKbps} kbit/s, ${condition.microphone} microphone`,
    },
    expect: [201],
  });
  return json.camera_id;
}

async function warmUp(ctx, camera) {
  const pool = createViewerPool({ workers: 1, address: ctx.address });
  try {
    await openOrThrow(pool, 1, { ...camstudioTarget(ctx, camera), audio: true });
    await waitFor(async () => (await pool.counters()).every((v) => v.packets > 0 && v.audioPackets > 0),
      { timeoutMs: 30000, intervalMs: 500, what: `audio and video of ${camera.name} (first run)` });
  } finally {
    await pool.closeViewers().catch(() => {});
    await pool.dispose();
  }
  await waitForStreamStopped(ctx, camera);
}

/** One condition once: one viewer (with an audio section when the camera's audio is on), a fixed CPU window. */
async function trial(ctx, entry, { windowMs, settleMs }) {
  const { camera } = entry;
  const pool = createViewerPool({ workers: 1, address: ctx.address });
  try {
    await openOrThrow(pool, 1, { ...camstudioTarget(ctx, camera), audio: entry.audio });
    await waitFor(async () => (await pool.counters()).every((v) => v.packets > 0 && (!entry.audio || v.audioPackets > 0)),
      { timeoutMs: 30000, intervalMs: 500, what: `${entry.audio ? 'audio and video' : 'video'} of ${camera.name}` });
    const ffmpeg = ffmpegChildren(ctx.camstudio.pid);
    if (ffmpeg.length !== 1) throw new Error(`${camera.name}: expected one FFmpeg under CamStudio, found ${ffmpeg.length}`);
    const [pid] = ffmpeg;
    const args = commandLine(pid, camera.password);
    checkArguments(entry, args);
    await delay(settleMs);
    const before = (await pool.counters())[0];
    const status0 = await cameraStatus(ctx.api, camera.cameraId).catch(() => undefined);
    // The same window, two samplers: the FFmpeg process alone, and CamStudio with every child (the FFmpeg included).
    const ffmpegSampler = startCpuSampler(() => [pid], { intervalMs: 1000, tree: false });
    const treeSampler = startCpuSampler(() => [ctx.camstudio.pid], { intervalMs: 1000 });
    await delay(windowMs);
    const ffmpegCpu = ffmpegSampler.stop();
    const treeCpu = treeSampler.stop();
    const after = (await pool.counters())[0];
    const status1 = await cameraStatus(ctx.api, camera.cameraId).catch(() => undefined);
    const seconds = windowMs / 1000;
    const viewer = {
      videoPacketsPerSecond: round((after.packets - before.packets) / seconds),
      videoKbps: round(((after.bytes - before.bytes) * 8) / 1000 / seconds),
      audioPacketsPerSecond: round((after.audioPackets - before.audioPackets) / seconds),
      audioKbps: round(((after.audioBytes - before.audioBytes) * 8) / 1000 / seconds, 2),
      audioCodec: after.audioCodec,
    };
    if (viewer.videoPacketsPerSecond <= 0) throw new Error(`${camera.name}: the viewer received no video in the window`);
    if (entry.audio && viewer.audioPacketsPerSecond <= 0) throw new Error(`${camera.name}: the viewer received no audio in the window`);
    const stillOne = ffmpegChildren(ctx.camstudio.pid);
    if (stillOne.length !== 1 || stillOne[0] !== pid) throw new Error(`${camera.name}: FFmpeg restarted during the window`);
    return {
      ffmpegPid: pid, ffmpegArgs: args,
      // window: the CPU of the whole window (mean of the 1 s samples = ticks over wall time). At 100 ticks/s a 1 s
      // sample of a process using 2 % of a core is 1, 2 or 3 ticks, so the per-second median is too coarse here.
      ffmpegCpu: { window: round(ffmpegCpu.mean, 2), median: round(ffmpegCpu.median, 2), samples: ffmpegCpu.samples.map((s) => round(s, 2)) },
      treeCpu: { window: round(treeCpu.mean, 2), median: round(treeCpu.median, 2), samples: treeCpu.samples.map((s) => round(s, 2)) },
      viewer,
      source: { fps: status1?.fps ?? status0?.fps, bitrateKbps: status1?.bitrate_kbps ?? status0?.bitrate_kbps },
      loadAverage1m: loadAverage()[0],
    };
  } finally {
    await pool.closeViewers().catch(() => {});
    await pool.dispose();
    await waitForStreamStopped(ctx, camera);
  }
}

function ffmpegChildren(rootPid) {
  return processTree([rootPid]).filter((s) => s.pid !== rootPid && s.comm === 'ffmpeg').map((s) => s.pid);
}

/** The process's argument list as the kernel holds it, with the camera password replaced. */
function commandLine(pid, password) {
  const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((a, i, all) => i < all.length - 1 || a !== '');
  return args.map((a) => (password ? a.split(password).join('***') : a));
}

function checkArguments(entry, args) {
  const joined = args.join(' ');
  const hasAudio = joined.includes('-map 0:a:0?');
  const problem = entry.expect.audio !== hasAudio ? `audio output ${hasAudio ? 'present' : 'missing'}`
    : entry.expect.codec === 'libopus' && !joined.includes('-c:a libopus') ? 'no Opus transcode'
      : entry.expect.codec === 'copy' && !joined.includes('-c:a copy') ? 'audio not copied'
        : null;
  if (problem) throw new Error(`${entry.key}: the app's FFmpeg is not the measured variant (${problem}): ${joined}`);
}

/** Per condition: median and range over the rounds; for audio on, also the median of the per-round differences to the
 *  same camera's video-only trial of that round (paired: both ran within the same two minutes). */
export function summarizeTrials(trials) {
  const out = {};
  for (const c of CONDITIONS) {
    const list = trials[c.key];
    const base = trials[`${c.microphone}.video`];
    const paired = (f) => (c.audio ? spread(list.map((t, i) => f(t) - f(base[i])).filter(Number.isFinite)) : null);
    const med = (f) => round(summarize(list.map(f).filter(Number.isFinite)).median, 2);
    out[c.key] = {
      label: c.label, trials: list.length,
      ffmpegCpuPercent: spread(list.map((t) => t.ffmpegCpu.window)),
      treeCpuPercent: spread(list.map((t) => t.treeCpu.window)),
      pairedDeltaFfmpeg: paired((t) => t.ffmpegCpu.window),
      pairedDeltaTree: paired((t) => t.treeCpu.window),
      viewerAudioPacketsPerSecond: med((t) => t.viewer.audioPacketsPerSecond),
      viewerAudioKbps: med((t) => t.viewer.audioKbps),
      viewerVideoKbps: med((t) => t.viewer.videoKbps),
      audioCodec: list.find((t) => t.viewer.audioCodec)?.viewer.audioCodec ?? null,
      loadAverage1m: med((t) => t.loadAverage1m),
      ffmpegArgs: list[0]?.ffmpegArgs,
    };
  }
  return out;
}

/** Median and range over the rounds of one condition's window CPU. */
function spread(values) {
  return { median: round(summarize(values).median, 2), min: round(Math.min(...values), 2), max: round(Math.max(...values), 2) };
}

export function reportAudio(ctx, result, { rounds, windowMs }) {
  const delta = (d) => (d ? `${d.median} (${d.min} to ${d.max})` : null);
  const rows = CONDITIONS.map((c) => {
    const r = result[c.key];
    return [r.label, r.ffmpegCpuPercent.median, `${r.ffmpegCpuPercent.min}–${r.ffmpegCpuPercent.max}`, delta(r.pairedDeltaFfmpeg),
      r.treeCpuPercent.median, `${r.treeCpuPercent.min}–${r.treeCpuPercent.max}`, delta(r.pairedDeltaTree),
      r.audioCodec ?? '–', r.viewerAudioPacketsPerSecond, r.viewerVideoKbps, r.loadAverage1m];
  });
  ctx.results.table('Audio per camera (720p H.264, 25 fps, 2500 kbit/s, GOP 4 s; issue 15), % of one core',
    ['<condition', 'FFmpeg (median)', 'FFmpeg (range of rounds)', 'Δ FFmpeg vs video only, paired (range)',
      'CamStudio + FFmpeg, 1 viewer (median)', 'range', 'Δ vs video only, paired (range)', 'viewer audio codec', 'viewer audio pkt/s', 'viewer video kbit/s', 'load 1 min'],
    rows,
    `${rounds} rounds, each condition once per round in a rotated order, ${windowMs / 1000} s window per trial; median over the `
    + 'rounds of each window\'s CPU (utime+stime from /proc over the window\'s wall time); Δ paired = median of the '
    + 'per-round differences to the same camera with audio off. FFmpeg = the app\'s own FFmpeg child with the argument list '
    + 'the app built (recorded per trial in results.json); CamStudio + FFmpeg = the whole process tree with one werift viewer '
    + 'whose offer carries an audio section when the camera\'s audio is on.');
}
