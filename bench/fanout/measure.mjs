// One fan-out measurement, the same for CamStudio and both references: add viewers up to each level, wait until
// every viewer receives media, then sample the server's process tree CPU for a fixed window while counting what
// each viewer received in that window. A level where any viewer got nothing is a failed measurement.
import { startCpuSampler, treeRss, loadAverage } from '../lib/proc.mjs';
import { waitFor, delay } from '../lib/process.mjs';
import { summarize, round } from '../lib/stats.mjs';

/**
 * @param {{ label: string, levels: number[], windowMs: number, settleMs: number,
 *           serverPids: () => number[], clientPids?: () => number[],
 *           addViewers: (count: number) => Promise<void>,
 *           counters: () => Promise<{ packets: number, bytes: number }[]>,
 *           log: (msg: string) => void }} options
 * @returns {Promise<object[]>} one entry per level
 */
export async function measureLevels({ label, levels, windowMs, settleMs, serverPids, clientPids = () => [], addViewers, counters, log }) {
  const out = [];
  let current = 0;
  for (const level of levels) {
    await addViewers(level - current);
    current = level;
    // Every viewer must be receiving before the clock starts (a late joiner waits for the GOP cache / next IDR).
    await waitFor(async () => {
      const c = await counters();
      return c.length >= level && c.every((v) => v.packets > 0);
    }, { timeoutMs: 30000, intervalMs: 500, what: `${label}: media at all ${level} viewers` });
    await delay(settleMs);
    const before = await counters();
    const sampler = startCpuSampler(serverPids, { intervalMs: 1000 });
    // The viewers' own CPU is sampled apart: it shares the machine but is never counted for the server.
    const clientSampler = startCpuSampler(clientPids, { intervalMs: 1000, tree: false });
    await delay(windowMs);
    const cpu = sampler.stop();
    const clientCpu = clientSampler.stop();
    const after = await counters();
    const rss = treeRss(serverPids());
    const seconds = windowMs / 1000;
    const perViewer = after.map((v, i) => ({
      packets: v.packets - (before[i]?.packets ?? 0),
      kbps: ((v.bytes - (before[i]?.bytes ?? 0)) * 8) / 1000 / seconds,
    }));
    const starved = perViewer.filter((v) => v.packets === 0).length;
    const kbps = summarize(perViewer.map((v) => v.kbps));
    const entry = {
      viewers: level,
      cpuPercent: { median: round(cpu.median), p95: round(cpu.p95), mean: round(cpu.mean), samples: cpu.samples.map((s) => round(s, 2)) },
      processes: cpu.maxProcesses,
      viewerClientsCpuPercent: { median: round(clientCpu.median), p95: round(clientCpu.p95) },
      loadAverage1m: loadAverage()[0],
      rssBytes: rss,
      viewerKbps: { median: round(kbps.median), min: round(kbps.min) },
      viewerPacketsPerSecond: round(summarize(perViewer.map((v) => v.packets / seconds)).median),
      viewersWithoutMedia: starved,
    };
    log(`${label} ${level} viewers: CPU median ${entry.cpuPercent.median} % p95 ${entry.cpuPercent.p95} % of one core, ` +
      `viewer rate median ${entry.viewerKbps.median} kbit/s (min ${entry.viewerKbps.min}), RSS ${Math.round(rss.total / 2 ** 20)} MiB, ` +
      `viewers' own CPU ${entry.viewerClientsCpuPercent.median} %, load ${entry.loadAverage1m}, ` +
      `${starved} viewers without media`);
    if (starved > 0) throw new Error(`${label}: ${starved} of ${level} viewers received no RTP in the ${seconds} s window`);
    out.push(entry);
  }
  return out;
}

/** Marginal CPU per added viewer between the first and each later level (percent of one core per viewer). */
export function marginalPerViewer(levels, key = 'median') {
  if (levels.length < 2) return [];
  const base = levels[0];
  return levels.slice(1).map((l) => ({
    from: base.viewers, to: l.viewers,
    cpuPercentPerViewer: round((l.cpuPercent[key] - base.cpuPercent[key]) / (l.viewers - base.viewers), 3),
  }));
}
