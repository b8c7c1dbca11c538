// Tables for the fan-out and memory metrics (results.md and docs/benchmarks.md), with the ratios to the references.
import { marginalPerViewer } from './measure.mjs';
import { round } from '../lib/stats.mjs';

const MIB = 2 ** 20;
const mib = (bytes) => round(bytes / MIB, 1);
const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? round(a / b, 2) : null);

export function reportMemory(ctx, memory) {
  ctx.results.set('memory', 'camstudio', memory);
  const parts = (s) => [mib(s.parts?.anon), mib(s.parts?.file), mib(s.parts?.shmem), mib(s.managedHeapBytes)];
  const ffmpeg = (s) => [mib(s.children), mib(s.childrenPss)];
  ctx.results.table('Memory: CamStudio resident set (VmRSS)',
    ['<state', 'CamStudio RSS (MiB)', 'Δ CamStudio (MiB)', 'anonymous', 'file-backed', 'shmem (JIT code)', 'managed heap', 'FFmpeg RSS (MiB)', 'FFmpeg PSS (MiB)'],
    [['idle (no stream)', mib(memory.idle.roots), null, ...parts(memory.idle), ...ffmpeg(memory.idle)],
      ...memory.perCamera.map((c) => [`+ camera ${c.camera} streaming to 1 viewer`, mib(c.total.roots), mib(c.appDeltaBytes), ...parts(c.total), ...ffmpeg(c.total)]),
      ['all cameras stopped again', mib(memory.stopped.roots), mib(memory.stopped.roots - memory.idle.roots), ...parts(memory.stopped), ...ffmpeg(memory.stopped)],
      ...memory.rounds.flatMap(({ round, streaming, stopped }) => [
        [`round ${round}: the same ${memory.perCamera.length} cameras at once`, mib(streaming.roots), mib(streaming.roots - memory.idle.roots), ...parts(streaming), ...ffmpeg(streaming)],
        [`round ${round}: all stopped`, mib(stopped.roots), mib(stopped.roots - memory.idle.roots), ...parts(stopped), ...ffmpeg(stopped)]])],
    'Δ = growth of the CamStudio process when that camera starts (H.264 source, GOP cache of up to one GOP, one viewer session), '
    + 'and from "all cameras stopped again" on the difference to idle; '
    + `average per running camera ${mib(memory.perRunningCameraBytes)} MiB (goal ≤ 10 MB). `
    + 'FFmpeg = the camera pullers (separate processes, all cameras so far); PSS shares their common library pages out '
    + 'between them (the sum is what they occupy together; RSS counts shared pages once per process). File-backed = mapped images, clean page '
    + 'cache the kernel drops under memory pressure (scripts/footprint.sh measures the app inside a memory limit).');
}

export function reportFanout(ctx) {
  const fanout = ctx.results.data.metrics.fanout ?? {};
  const cameras = [...new Set(Object.keys(fanout).map((k) => k.split('.')[1]))];
  for (const camera of cameras) {
    const cs = fanout[`camstudio.${camera}`] ?? [];
    const janus = fanout[`janus.${camera}`] ?? [];
    const jpeg = fanout[`jpeg.${camera}`] ?? [];
    const hls = fanout[`hls.${camera}`] ?? [];
    const levels = [...new Set([...cs, ...janus, ...jpeg, ...hls].map((l) => l.viewers))].sort((a, b) => a - b);
    const at = (list, n) => list.find((l) => l.viewers === n);
    const rows = levels.map((n) => {
      const c = at(cs, n), j = at(janus, n), p = at(jpeg, n), h = at(hls, n);
      return [n, c?.cpuPercent.median, c?.cpuPercent.p95, h?.cpuPercent.median, h?.cpuPercent.p95, j?.cpuPercent.median, j?.cpuPercent.p95,
        p?.cpuPercent.median, p?.cpuPercent.p95,
        ratio(c?.cpuPercent.median, j?.cpuPercent.median), ratio(h?.cpuPercent.median, j?.cpuPercent.median), ratio(c?.cpuPercent.median, p?.cpuPercent.median)];
    });
    const cam = ctx.cameras.find((c) => c.name === camera);
    const what = cam ? `${cam.width}×${cam.height}, ${cam.fps} fps, ${cam.bitrateKbps} kbit/s, GOP ${cam.gopSeconds} s` : camera;
    ctx.results.table(`CPU per camera (${what}), % of one core`,
      ['viewers', 'CamStudio median', 'p95', 'CamStudio HLS median', 'p95', 'Janus median', 'p95', 'JPEG WS median', 'p95', 'CamStudio/Janus', 'HLS/Janus', 'CamStudio/JPEG'],
      rows,
      'Server side only: CamStudio = the CamStudio process + its FFmpeg (WebRTC viewers over WHEP); CamStudio HLS = the same '
      + 'with LL-HLS clients (blocking reload + preload-hinted parts, as hls.js at the live edge) instead; Janus = janus + the FFmpeg feeding it RTP; '
      + 'JPEG WS = CamStudio + one decoding/encoding FFmpeg per WebSocket client (10 fps JPEG). Ratios of medians.');
    const marginal = (list) => Object.fromEntries(marginalPerViewer(list).map((m) => [m.to, m.cpuPercentPerViewer]));
    const mc = marginal(cs), mj = marginal(janus), mp = marginal(jpeg), mh = marginal(hls);
    const to = [...new Set([...Object.keys(mc), ...Object.keys(mj), ...Object.keys(mp), ...Object.keys(mh)])].sort((a, b) => a - b);
    if (to.length > 0) {
      ctx.results.table(`Marginal CPU per added viewer (${camera}), % of one core`,
        ['<between', 'CamStudio', 'CamStudio HLS', 'Janus', 'JPEG WS', 'CamStudio/Janus'],
        to.map((n) => [`1 → ${n} viewers`, mc[n], mh[n], mj[n], mp[n], ratio(mc[n], mj[n])]),
        '(median CPU at n viewers − median CPU at 1 viewer) / (n − 1).');
    }
    // The shared test camera slows down when the machine is overloaded, and CPU follows the bytes relayed:
    // CPU per delivered Mbit/s compares levels and runs whose input rate differed.
    const perMbit = (l) => (l?.viewerKbps.total > 0 ? round(l.cpuPercent.median / (l.viewerKbps.total / 1000), 2) : null);
    ctx.results.table(`CPU per delivered Mbit/s (${camera}), % of one core per Mbit/s received by all viewers together`,
      ['viewers', 'CamStudio', 'Janus', 'JPEG WS', 'CamStudio/Janus'],
      levels.map((n) => [n, perMbit(at(cs, n)), perMbit(at(janus, n)), perMbit(at(jpeg, n)), ratio(perMbit(at(cs, n)), perMbit(at(janus, n)))]));
    const rate = (l) => (l ? `${l.viewerKbps.median} (min ${l.viewerKbps.min})${l.source?.bitrateKbps !== undefined ? ` of ${l.source.bitrateKbps} in` : ''}` : null);
    const jpegRate = (l) => (l ? `${l.viewerKbps.median} (min ${l.viewerKbps.min}), ${l.viewerPacketsPerSecond} JPEG/s` : null);
    ctx.results.table(`What each viewer received (${camera}), kbit/s of payload in the window`,
      ['viewers', '<CamStudio', '<Janus', '<JPEG WS'], levels.map((n) => [n, rate(at(cs, n)), rate(at(janus, n)), jpegRate(at(jpeg, n))]),
      'Median over viewers (slowest in brackets), and what the server got from the camera in the same window ("of … in"). '
      + 'UDP receive-buffer drops in the namespace: ' + [...cs, ...janus].map((l) => l.udpReceiveBufferDrops).reduce((a, b) => a + b, 0) + '.');
    if (hls.length > 0) {
      ctx.results.table(`What each HLS viewer received (${camera}), kbit/s of fMP4 parts in the window`,
        ['viewers', '<CamStudio HLS', 'parts/s'], hls.map((l) => [l.viewers, rate(l), l.viewerPacketsPerSecond]),
        'Median over viewers (slowest in brackets) and what the server got from the camera in the same window.');
    }
    const perViewerMem = (list) => {
      const a = list[0], b = list[list.length - 1];
      return a && b && b.viewers > a.viewers ? round((b.rssBytes.roots - a.rssBytes.roots) / (b.viewers - a.viewers) / 1024, 0) : null;
    };
    ctx.results.table(`Memory per viewer (${camera}), KiB of server RSS per added viewer`,
      ['<server', 'KiB/viewer', '<levels'],
      [['CamStudio', perViewerMem(cs), cs.map((l) => `${l.viewers}: ${mib(l.rssBytes.roots)} MiB`).join(', ')],
        ['CamStudio HLS', perViewerMem(hls), hls.map((l) => `${l.viewers}: ${mib(l.rssBytes.roots)} MiB`).join(', ')],
        ['Janus', perViewerMem(janus), janus.map((l) => `${l.viewers}: ${mib(l.rssBytes.roots)} MiB`).join(', ')]]);
  }
}
