// Serves wwwroot-js on 127.0.0.1, opens smoke.html in headless Chromium and prints the page's verdict.
// WebRTC needs a non-loopback interface: run through run-smoke.sh (a private network namespace), not directly.
import { spawn } from 'node:child_process';
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const types = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript' };
let resolveResult;
const result = new Promise((r) => (resolveResult = r));

const server = createServer(async (req, res) => {
  if (req.method === 'POST' && req.url === '/result') {
    let body = '';
    for await (const chunk of req) body += chunk;
    res.end('ok');
    resolveResult(JSON.parse(body));
    return;
  }
  const file = path.join(root, path.normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)));
  if (!file.startsWith(root)) return void res.writeHead(403).end();
  try {
    const data = await readFile(file);
    res.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream' }).end(data);
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${server.address().port}/smoke/smoke.html`;
const profile = await mkdtemp(path.join(tmpdir(), 'cs-smoke-'));
const chromium = spawn('chromium', [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-features=WebRtcHideLocalIpsWithMdns',
  `--user-data-dir=${profile}`, '--window-size=800,600', url,
], { stdio: ['ignore', 'ignore', 'pipe'] });
let stderr = '';
chromium.stderr.on('data', (d) => (stderr += d));

const timeout = new Promise((r) => setTimeout(() => r({ ok: false, error: 'no result within 90 s' }), 90_000));
const verdict = await Promise.race([result, timeout]);
const exited = new Promise((r) => chromium.once('exit', r));
chromium.kill();
await exited;
server.close();
await rm(profile, { recursive: true, force: true, maxRetries: 3 }).catch(() => {});
console.log(JSON.stringify(verdict, null, 2));
if (!verdict.ok) {
  console.error(stderr.split('\n').slice(-20).join('\n'));
  process.exit(1);
}
