// Child processes of the harness (test camera, CamStudio, Janus, FFmpeg): output goes to a log file, every child is
// registered so a failing or interrupted run never leaves one behind, and stop() is SIGTERM, a deadline, then SIGKILL.
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

const live = new Set();

/**
 * @param {string} command
 * @param {string[]} args
 * @param {{ env?: Record<string,string>, cwd?: string, logFile: string, stdin?: string }} options
 */
export function startChild(command, args, { env, cwd, logFile, stdin } = {}) {
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(command, args, {
    cwd, env: { ...process.env, ...env }, stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  if (stdin !== undefined) child.stdin.end(stdin);
  // Always drain both pipes: a child blocked on a full pipe would distort its CPU numbers.
  child.stdout.pipe(log, { end: false });
  child.stderr.pipe(log, { end: false });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => {
    live.delete(handle);
    resolve({ code, signal });
  }));
  const handle = {
    child,
    pid: child.pid,
    logFile,
    exited,
    get running() { return child.exitCode === null && child.signalCode === null; },
    /** Waits for a line on stdout matching re; rejects on exit or after timeoutMs. */
    waitForLine(re, timeoutMs) {
      return new Promise((resolve, reject) => {
        let buffer = '';
        const onData = (chunk) => {
          buffer += chunk.toString();
          const m = re.exec(buffer);
          if (m) { cleanup(); resolve(m); }
        };
        const onExit = () => { cleanup(); reject(new Error(`${command} exited before printing ${re} (log: ${logFile})`)); };
        const timer = setTimeout(() => { cleanup(); reject(new Error(`${command} did not print ${re} within ${timeoutMs} ms (log: ${logFile})`)); }, timeoutMs);
        const cleanup = () => { clearTimeout(timer); child.stdout.off('data', onData); child.off('exit', onExit); };
        child.stdout.on('data', onData);
        child.once('exit', onExit);
      });
    },
    async stop(timeoutMs = 5000) {
      if (!handle.running) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => { if (handle.running) child.kill('SIGKILL'); }, timeoutMs);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };
  live.add(handle);
  return handle;
}

/** Stops every child still running (called on exit and on failure). */
export async function stopAllChildren() {
  await Promise.all([...live].map((c) => c.stop(3000)));
}

process.once('exit', () => { for (const c of live) { try { c.child.kill('SIGKILL'); } catch { /* gone */ } } });
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, async () => { await stopAllChildren(); process.exit(130); });
}

/** Polls check() until it returns a truthy value or the deadline passes. */
export async function waitFor(check, { timeoutMs, intervalMs = 200, what }) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value) return value;
    } catch (e) { lastError = e; }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${lastError.message}` : ''}`);
}

export const delay = (ms) => new Promise((r) => setTimeout(r, ms));
export { once };
