// One results sink for the whole run: metrics go into artifacts/bench/results.json (machine-readable, for
// run-to-run comparison) and tables into artifacts/bench/results.md (the same markdown as docs/benchmarks.md).
// A metric that could not be measured is recorded with fail(): the run then exits non-zero.
import { writeFileSync, mkdirSync, readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { execFileSync } from 'node:child_process';
import { dirname } from 'node:path';
import { loadAverage } from './proc.mjs';

export function createResults({ command, smoke, repoRoot }) {
  const started = new Date();
  const loadSamples = [{ at: started.toISOString(), load: loadAverage() }];
  const loadTimer = setInterval(() => loadSamples.push({ at: new Date().toISOString(), load: loadAverage() }), 15000);
  loadTimer.unref();
  const data = {
    schema: 1,
    command,
    smoke,
    started: started.toISOString(),
    finished: null,
    machine: machineInfo(repoRoot),
    load: { start: loadSamples[0].load, end: null, max1m: null, samples: loadSamples },
    metrics: {},
    failures: [],
  };
  /** @type {{ title: string, note?: string, columns: string[], rows: (string|number|null)[][] }[]} */
  const tables = [];
  return {
    data,
    /** Stores value under metrics[section][key] (sections are e.g. 'fanout', 'memory', 'browser'). */
    set(section, key, value) {
      (data.metrics[section] ??= {})[key] = value;
    },
    get(section, key) { return data.metrics[section]?.[key]; },
    /** A metric that could not be measured; the run fails. */
    fail(metric, reason) {
      data.failures.push({ metric, reason: String(reason?.message ?? reason) });
      console.error(`MEASUREMENT FAILED: ${metric}: ${reason?.message ?? reason}`);
    },
    table(title, columns, rows, note) { tables.push({ title, columns, rows, note }); },
    get tables() { return tables; },
    /** Writes results.json and results.md and returns the markdown. */
    write(outDir) {
      clearInterval(loadTimer);
      data.finished = new Date().toISOString();
      data.load.end = loadAverage();
      loadSamples.push({ at: data.finished, load: data.load.end });
      data.load.max1m = Math.max(...loadSamples.map((s) => s.load[0]));
      mkdirSync(outDir, { recursive: true });
      writeFileSync(`${outDir}/results.json`, JSON.stringify({ ...data, tables }, null, 2) + '\n');
      const md = renderMarkdown(data, tables);
      writeFileSync(`${outDir}/results.md`, md);
      return md;
    },
  };
}

export function markdownTable(columns, rows) {
  const cell = (v) => (v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v)) ? '—' : String(v));
  const align = columns.map((c) => (c.startsWith('<') ? '---' : '---:'));
  const names = columns.map((c) => c.replace(/^</, ''));
  return [`| ${names.join(' | ')} |`, `|${align.join('|')}|`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n');
}

function renderMarkdown(data, tables) {
  const m = data.machine;
  const lines = [
    `Run ${data.started} → ${data.finished}${data.smoke ? ' (smoke)' : ''}: \`${data.command}\``,
    '',
    `Machine: ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}; Node ${m.node}, git ${m.gitCommit}.`,
    `Load average (1/5/15 min): ${data.load.start.join(' / ')} at start, ${data.load.end.join(' / ')} at the end, ` +
      `highest 1-min ${data.load.max1m}.`,
    '',
  ];
  for (const t of tables) {
    lines.push(`### ${t.title}`, '', markdownTable(t.columns, t.rows), '');
    if (t.note) lines.push(t.note, '');
  }
  if (data.failures.length) {
    lines.push('### Not measured', '', ...data.failures.map((f) => `- ${f.metric}: ${f.reason}`), '');
  }
  return lines.join('\n');
}

function machineInfo(repoRoot) {
  const tryRun = (cmd, args) => { try { return execFileSync(cmd, args, { cwd: repoRoot }).toString().trim(); } catch { return null; } };
  let os = 'Linux';
  try { os = /^PRETTY_NAME="?([^"\n]*)/m.exec(readFileSync('/etc/os-release', 'utf8'))[1]; } catch { /* keep */ }
  return {
    cpuModel: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30 * 10) / 10,
    os,
    node: process.version,
    dotnet: tryRun('dotnet', ['--version']),
    ffmpeg: tryRun('ffmpeg', ['-version'])?.split('\n')[0] ?? null,
    janus: tryRun('dpkg-query', ['-W', '-f=${Version}', 'janus']),
    gitCommit: tryRun('git', ['rev-parse', '--short', 'HEAD']),
  };
}

export function ensureDir(path) { mkdirSync(dirname(path), { recursive: true }); }
