// The lip-sync test camera (scripts/rtsp-test-camera.py --pattern sync) as FFmpeg sees it: when each white flash and
// each beep starts on the timeline of the camera's RTSP session, and how far apart each pair is. Node built-ins and
// ffmpeg only (the pattern's own test runs it without the benchmark's npm packages).
import { spawn } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';

/** The camera's flash/beep period (SYNC_PERIOD_S in rtsp-test-camera.py). */
export const SYNC_PERIOD_MS = 1600;

/** A flash and a beep further apart than this are not the same event (they repeat every 1.6 s). */
export const PAIR_WINDOW_MS = 600;

/** Flashes this early in a run do not count (see flashBeepOffsets). */
export const REFERENCE_SETTLE_MS = 8_000;

/**
 * FFmpeg reads the camera at `url` (credentials in it) for `durationMs` and prints the mean luma of every frame and the
 * RMS level of every 10 ms of sound with their presentation times; returns audio minus video of each flash (ms) after
 * the first `settleMs`, with the times of every flash and beep FFmpeg saw.
 * @param {{ url: string, audio: 'aac'|'pcma'|'pcmu', durationMs: number, settleMs?: number, workDir: string }} options
 */
export async function flashBeepOffsets({ url, audio, durationMs, settleMs = REFERENCE_SETTLE_MS, workDir }) {
  const name = `sync-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  const videoLog = join(workDir, `${name}-video.txt`);
  const audioLog = join(workDir, `${name}-audio.txt`);
  const samples = audio === 'aac' ? 160 : 80; // 10 ms at 16 / 8 kHz
  // -t before -i: it bounds the input, so both outputs end (an output -t would end only the first).
  const args = ['-hide_banner', '-loglevel', 'error', '-rtsp_transport', 'tcp', '-t', String(durationMs / 1000),
    '-i', url, '-filter_complex',
    `[0:v]signalstats,metadata=print:key=lavfi.signalstats.YAVG:file=${videoLog}[v];`
    + `[0:a]asetnsamples=n=${samples},astats=metadata=1:reset=1,ametadata=print:key=lavfi.astats.Overall.RMS_level:file=${audioLog}[a]`,
    '-map', '[v]', '-f', 'null', '-', '-map', '[a]', '-f', 'null', '-'];
  const runFfmpeg = () => new Promise((resolve, reject) => {
    const child = spawn('ffmpeg', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', reject);
    // FFmpeg's messages never carry the URL's password here: -loglevel error and no input dump.
    child.on('exit', (code) => (code === 0 ? resolve() : reject(Object.assign(
      new Error(`reference FFmpeg exited ${code}: ${stderr.slice(-300)}`), { unavailable: /DESCRIBE failed: 503/.test(stderr) }))));
  });
  try {
    try {
      await runFfmpeg();
    } catch (err) {
      // GStreamer's RTSP server answers 503 to a DESCRIBE that arrives while the shared mount is still being torn down
      // after its last client left (the benchmark's warm-up run just ended): nothing was measured yet, ask once more.
      if (!err.unavailable) throw err;
      await runFfmpeg();
    }
    const rising = (entries, threshold) => entries.filter((e, i) => i > 0 && e.value > threshold && entries[i - 1].value <= threshold)
      .map((e) => e.time * 1000);
    const flashes = rising(parseMetadata(await readFile(videoLog, 'utf8'), 'lavfi.signalstats.YAVG'), 128);
    const beeps = rising(parseMetadata(await readFile(audioLog, 'utf8'), 'lavfi.astats.Overall.RMS_level'), -30);
    const offsets = [];
    // FFmpeg places the two tracks on one timeline only from the camera's first RTCP sender reports on (until then each
    // starts at its own first packet, and the audio's timestamps jump when they arrive): the first seconds do not count.
    for (const v of flashes.filter((t) => t - flashes[0] > settleMs)) {
      const a = beeps.reduce((best, b) => (best === null || Math.abs(b - v) < Math.abs(best - v) ? b : best), null);
      if (a !== null && Math.abs(a - v) < PAIR_WINDOW_MS) offsets.push(a - v);
    }
    return Object.assign(offsets, { flashes, beeps });
  } finally {
    await Promise.all([rm(videoLog, { force: true }), rm(audioLog, { force: true })]);
  }
}

/** FFmpeg's metadata=print output: "frame:N pts:P pts_time:T" lines, each followed by "key=value". */
function parseMetadata(text, key) {
  const entries = [];
  let time = null;
  for (const line of text.split('\n')) {
    const t = /pts_time:([-\d.]+)/.exec(line);
    if (t) time = Number(t[1]);
    else if (line.startsWith(`${key}=`) && time !== null) {
      const raw = line.slice(key.length + 1);
      entries.push({ time, value: raw === '-inf' ? -Infinity : Number(raw) });
    }
  }
  return entries;
}
