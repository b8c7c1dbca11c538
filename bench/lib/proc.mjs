// CPU and memory of a process tree from /proc (Linux). CPU is utime+stime of every process in the tree (all
// threads), over wall time, per sample interval, as percent of ONE core (100 = one core busy). Children such as
// CamStudio's FFmpeg processes are found through their parent pid at every sample, so processes started during
// the measurement are counted from their first tick.
import { readFileSync, readdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { summarize } from './stats.mjs';

const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/** @returns {{pid:number, ppid:number, comm:string, ticks:number} | null} */
export function readStat(pid) {
  let text;
  try { text = readFileSync(`/proc/${pid}/stat`, 'utf8'); } catch { return null; }
  // comm may contain spaces and parentheses: the fields after it start after the LAST ')'.
  const close = text.lastIndexOf(')');
  const comm = text.slice(text.indexOf('(') + 1, close);
  const fields = text.slice(close + 2).split(' ');
  // fields[0] = state (field 3); ppid = field 4; utime = field 14; stime = field 15.
  return { pid, ppid: Number(fields[1]), comm, ticks: Number(fields[11]) + Number(fields[12]) };
}

/** Every live process whose ancestry reaches one of rootPids (including the roots). */
export function processTree(rootPids) {
  const stats = [];
  for (const name of readdirSync('/proc')) {
    if (name.charCodeAt(0) < 48 || name.charCodeAt(0) > 57) continue;
    const s = readStat(Number(name));
    if (s) stats.push(s);
  }
  const children = new Map();
  for (const s of stats) {
    if (!children.has(s.ppid)) children.set(s.ppid, []);
    children.get(s.ppid).push(s);
  }
  const byPid = new Map(stats.map((s) => [s.pid, s]));
  const result = [];
  const queue = rootPids.map((p) => byPid.get(p)).filter(Boolean);
  const seen = new Set();
  while (queue.length > 0) {
    const s = queue.shift();
    if (seen.has(s.pid)) continue;
    seen.add(s.pid);
    result.push(s);
    for (const c of children.get(s.pid) ?? []) queue.push(c);
  }
  return result;
}

/** Resident set of one process in bytes (VmRSS), or NaN if it is gone. */
export function rssBytes(pid) {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : NaN;
  } catch { return NaN; }
}

/**
 * What one process's resident set is made of, in bytes (/proc/<pid>/status): anonymous (heaps, stacks), file-backed
 * (mapped images: clean page cache the kernel can drop and re-read under pressure) and shared memory (the .NET JIT's
 * double-mapped code). Null if the process is gone.
 */
export function rssParts(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kB = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
    return { rss: kB('VmRSS'), anon: kB('RssAnon'), file: kB('RssFile'), shmem: kB('RssShmem') };
  } catch { return null; }
}

/** Resident sets of a process tree: the roots themselves and everything below them, in bytes. */
export function treeRss(rootPids) {
  const tree = processTree(rootPids);
  let roots = 0, children = 0;
  const rootSet = new Set(rootPids);
  for (const s of tree) {
    const rss = rssBytes(s.pid);
    if (!Number.isFinite(rss)) continue;
    if (rootSet.has(s.pid)) roots += rss; else children += rss;
  }
  return { roots, children, total: roots + children, processes: tree.length };
}

/**
 * Samples the CPU of the trees under rootPids every intervalMs until stop(). Each sample is the CPU used in that
 * interval in percent of one core; stop() returns median/p95/mean over the samples.
 * @param {() => number[]} rootPids evaluated at every sample (a reference may start processes mid-run)
 * @param {{ intervalMs?: number, tree?: boolean }} [options] tree: false samples only the listed processes
 */
export function startCpuSampler(rootPids, { intervalMs = 1000, tree = true } = {}) {
  const last = new Map();
  const samples = [];
  let lastTime = process.hrtime.bigint();
  const snapshot = () => {
    const now = new Map();
    const stats = tree ? processTree(rootPids()) : rootPids().map(readStat).filter(Boolean);
    for (const s of stats) now.set(s.pid, s.ticks);
    return now;
  };
  for (const [pid, ticks] of snapshot()) last.set(pid, ticks);
  let maxProcesses = last.size;
  const timer = setInterval(() => {
    const now = snapshot();
    const time = process.hrtime.bigint();
    let delta = 0;
    for (const [pid, ticks] of now) {
      // A process born during the interval spent all its ticks in it.
      delta += ticks - (last.get(pid) ?? 0);
    }
    const seconds = Number(time - lastTime) / 1e9;
    samples.push((delta / CLOCK_TICKS) / seconds * 100);
    last.clear();
    for (const [pid, ticks] of now) last.set(pid, ticks);
    lastTime = time;
    maxProcesses = Math.max(maxProcesses, now.size);
  }, intervalMs);
  return {
    samples,
    stop() {
      clearInterval(timer);
      return { ...summarize(samples), samples: [...samples], intervalMs, maxProcesses };
    },
  };
}

/** The 1-, 5- and 15-minute load averages. */
export function loadAverage() {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);
}

/**
 * UDP counters of the current network namespace (/proc/net/snmp): inside the benchmark's private namespace they
 * cover exactly the benchmark's traffic, so RcvbufErrors > 0 means some receiver (a viewer, or the server's input
 * socket) could not keep up and the kernel dropped datagrams.
 */
export function udpCounters() {
  const lines = readFileSync('/proc/net/snmp', 'utf8').split('\n').filter((l) => l.startsWith('Udp:'));
  const names = lines[0].split(/\s+/).slice(1);
  const values = lines[1].split(/\s+/).slice(1).map(Number);
  return Object.fromEntries(names.map((n, i) => [n, values[i]]));
}

/**
 * CPU ticks of every thread of one process, by thread id: Map tid -> { name, ticks }. Digits in thread names are
 * dropped so numbered threads of one kind (".NET TP Worker" has none, "ffmpeg" workers and "camstudio-rtp-12" do)
 * group together. Empty if the process is gone.
 */
export function threadTicks(pid) {
  const out = new Map();
  let tids;
  try { tids = readdirSync(`/proc/${pid}/task`); } catch { return out; }
  for (const tid of tids) {
    const s = readStat(`${pid}/task/${tid}`);
    if (s) out.set(tid, { name: s.comm.replace(/[\d]+/g, '#').trim(), ticks: s.ticks });
  }
  return out;
}
threadTicks.clockTicks = CLOCK_TICKS;
