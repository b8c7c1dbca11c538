// The RTSP test camera (scripts/rtsp-test-camera.py) for bench/browser/test, Node built-ins only: started on a free
// port, its URL with the default credentials once it prints READY, stopped with SIGTERM (and awaited) by stop().
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** @param {string[]} args extra arguments of rtsp-test-camera.py @returns {Promise<{ url: string, stop(): Promise<void> }>} */
export async function startRtspCamera(args) {
  const camera = spawn('/usr/bin/python3', [path.join(repo, 'scripts/rtsp-test-camera.py'), '--port', '0', ...args],
    { stdio: ['ignore', 'pipe', 'inherit'] });
  const stop = async () => {
    if (camera.exitCode === null && camera.signalCode === null) {
      const exited = new Promise((r) => camera.once('exit', r));
      camera.kill('SIGTERM');
      await exited;
    }
  };
  try {
    const url = await new Promise((resolve, reject) => {
      let out = '';
      camera.stdout.on('data', (d) => {
        out += d;
        const m = /READY (rtsp:\/\/\S+)/.exec(out);
        if (m) resolve(m[1].replace('rtsp://', 'rtsp://admin:secret@'));
      });
      camera.once('exit', (code) => reject(new Error(`camera exited with ${code}`)));
      setTimeout(() => reject(new Error('camera not ready within 20 s')), 20_000).unref();
    });
    return { url, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
