#!/usr/bin/env node
// CamStudio system benchmark (issue 7). Run it through scripts/bench.sh, which installs the parts, publishes
// CamStudio and enters the project's network namespace. Directly (inside the namespace):
//   node bench/run.mjs [--smoke] [--only memory,fanout,hls,browser,janus,jpeg,audio,sync,health,fixed,idlepages,failover] [--out artifacts/bench]
//                      [--app artifacts/publish/linux-x64]   (folder with CamStudio.Web: a publish or a build output)
//                      [--app-base ../wt-base/artifacts/publish/linux-x64[,DIR...]]   (more builds for the fixed part's A/B)
//                      [--memory-cameras 4,8,16] [--rounds 3]   (the memory part's FFmpeg levels and their rounds)
// Writes artifacts/bench/results.json and results.md; exits 1 if any metric could not be measured.
import { parseArgs } from 'node:util';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { resolve, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startTestCamera } from './lib/camera.mjs';
import { startCamStudio } from './lib/camstudio.mjs';
import { createCamera } from './lib/api.mjs';
import { createResults } from './lib/results.mjs';
import { createContext } from './lib/context.mjs';
import { stopAllChildren } from './lib/process.mjs';
import { runCamStudioFanout, measureMemory } from './fanout/camstudio.mjs';
import { reportFanout, reportMemory } from './fanout/report.mjs';
import { measureFfmpegScaling, reportFfmpegScaling } from './fanout/memory-scaling.mjs';

const repoRoot = resolve(fileURLToPath(new URL('..', import.meta.url)));
const { values: args } = parseArgs({
  options: {
    smoke: { type: 'boolean', default: false },
    only: { type: 'string' },
    out: { type: 'string', default: join(repoRoot, 'artifacts/bench') },
    app: { type: 'string', default: join(repoRoot, 'artifacts/publish/linux-x64') },
    address: { type: 'string', default: '10.213.0.1' },
    levels: { type: 'string' },
    cameras: { type: 'string' },
    workers: { type: 'string' },
    rounds: { type: 'string' },
    'memory-cameras': { type: 'string' },
    'app-base': { type: 'string' },
  },
});

// Smoke: one camera, few viewers, short windows (< 2 min in CI). Full: both cameras, 1/10/50 viewers.
const plan = args.smoke
  ? { cameras: ['720p'], fanout: [{ camera: '720p', levels: [1, 3] }], jpegLevels: [1], windowMs: 3000, settleMs: 500, viewerWorkers: 1 }
  : { cameras: ['720p', '1080p'], fanout: [{ camera: '720p', levels: [1, 10, 50] }, { camera: '1080p', levels: [1, 10] }],
      jpegLevels: [1, 10], windowMs: 20000, settleMs: 3000, viewerWorkers: 4 };
// Audio (issue 15): rounds of the four conditions (AAC / PCMA camera, audio off / on), interleaved.
plan.audio = args.smoke ? { rounds: 1, windowMs: 3000, settleMs: 500 } : { rounds: 5, windowMs: 15000, settleMs: 3000 };
if (args.rounds) plan.audio.rounds = Number(args.rounds);
// Lip sync (issue 15): flash/beep pairs per microphone codec, in Chromium.
plan.sync = { edges: args.smoke ? 5 : 40, rounds: args.smoke ? 1 : 3 };
if (args.rounds) plan.sync.rounds = Number(args.rounds);
// Health checks (issue 17): 30 idle cameras, checks off / every 60 s / every 5 s, each on a fresh CamStudio.
plan.health = args.smoke
  ? { cameras: 30, rounds: 1, settleMs: 5000, conditions: [{ key: 'off', intervalSeconds: null, windowMs: 5000 }, { key: '5s', intervalSeconds: 5, windowMs: 10000 }] }
  : { cameras: 30, rounds: 3, settleMs: 20000, conditions: [{ key: 'off', intervalSeconds: null, windowMs: 60000 },
      { key: '60s', intervalSeconds: 60, windowMs: 120000 }, { key: '5s', intervalSeconds: 5, windowMs: 60000 }] };
if (args.rounds) plan.health.rounds = Number(args.rounds);
// Glass-to-glass vs Janus (issue 16): per round, alternating late joiners in Chromium, the p95 of each, median of the repetitions.
plan.g2g = args.smoke ? { rounds: 1, repetitions: 1, frames: 50 } : { rounds: 1, repetitions: 5, frames: 250 };
if (args.rounds) plan.g2g.rounds = Number(args.rounds);
// FFmpeg memory (issue 16): PSS and RSS of the pullers with 4, 8 and 16 running cameras, interleaved rounds.
plan.memory = args.smoke ? { levels: [2], rounds: 1 } : { levels: [4, 8, 16], rounds: 3 };
if (args['memory-cameras']) plan.memory.levels = args['memory-cameras'].split(',').map(Number);
if (args.rounds) plan.memory.rounds = Number(args.rounds);
// Fixed cost per camera (issue 16): idle / running / one viewer per CamStudio build, and Janus, in rotated rounds.
plan.fixed = args.smoke ? { rounds: 1, windowMs: 3000, settleMs: 1000 } : { rounds: 3, windowMs: 20000, settleMs: 3000 };
if (args.rounds) plan.fixed.rounds = Number(args.rounds);
// The image-page release at idle (issue 16): on/off on the same build, rotated rounds (not in the default set: opt in).
plan.idlePages = args.smoke ? { rounds: 1, settleSeconds: 5 } : { rounds: 3, settleSeconds: 10 };
if (args.rounds) plan.idlePages.rounds = Number(args.rounds);
// Cluster failover (issue 18): rounds of the two-node scenario (not in the default set: opt in; ~2 min per round).
plan.failover = { rounds: args.smoke ? 1 : 5 };
if (args.rounds) plan.failover.rounds = Number(args.rounds);
// Narrowing for investigations: --cameras 720p --levels 1,50 --workers 4.
if (args.cameras) {
  plan.cameras = args.cameras.split(',');
  plan.fanout = plan.fanout.filter((f) => plan.cameras.includes(f.camera));
}
if (args.levels) for (const f of plan.fanout) f.levels = args.levels.split(',').map(Number);
if (args.workers) plan.viewerWorkers = Number(args.workers);
// The smoke leaves the audio, health and fixed parts out (more test cameras and app instances would break its CI budget);
// `--smoke --only audio` (or sync, health, fixed) runs the short variant on its own.
const parts = new Set((args.only ?? (args.smoke ? 'memory,fanout,hls,browser,janus,g2g,jpeg' : 'memory,fanout,hls,browser,janus,g2g,jpeg,audio,sync,health,fixed')).split(','));

const outDir = resolve(args.out);
const logDir = join(outDir, 'logs');
// Child logs are appended within a run (a reference started twice keeps both phases); a new run starts clean.
rmSync(logDir, { recursive: true, force: true });
mkdirSync(logDir, { recursive: true });
const command = ['scripts/bench.sh', args.smoke && '--smoke', ...['only', 'cameras', 'levels', 'workers', 'rounds', 'memory-cameras', 'app-base']
  .filter((k) => args[k]).map((k) => `--${k} ${args[k]}`)].filter(Boolean).join(' ');
const results = createResults({ command, smoke: args.smoke, repoRoot });
results.set('plan', 'config', plan);

let failed = false;
let camstudio;
try {
  // The failover part brings its own rig (two nodes, databases, cameras): alone, it needs none of the shared ones.
  const needsApp = [...parts].some((p) => p !== 'failover');
  const cameras = [];
  if (needsApp) {
    for (const name of plan.cameras) cameras.push(await startTestCamera({ name, repoRoot, logDir }));
    camstudio = await startCamStudio({ publishDir: resolve(args.app), advertisedAddress: args.address, logDir });
    for (const camera of cameras) camera.cameraId = await createCamera(camstudio.api, camera);
  }
  const ctx = createContext({ repoRoot, outDir, logDir, smoke: args.smoke, address: args.address, camstudio, cameras,
    results, windowMs: plan.windowMs, settleMs: plan.settleMs, viewerWorkers: plan.viewerWorkers });
  if (needsApp) ctx.log(`CamStudio pid ${camstudio.pid} at ${camstudio.baseUrl}, media ${args.address}:${camstudio.udpPort}; cameras ${cameras.map((c) => `${c.name} (#${c.cameraId})`).join(', ')}`);
  const byName = (name) => cameras.find((c) => c.name === name);

  const step = async (metric, fn) => {
    try { await fn(); } catch (e) {
      if (e.levels) results.set(metric.split('.')[0], metric.split('.').slice(1).join('.'), e.levels);
      results.fail(metric, e);
      if (process.env.BENCH_DEBUG) console.error(e);
    }
  };

  if (parts.has('memory')) {
    await step('memory', async () => reportMemory(ctx, await measureMemory(ctx, cameras)));
    await step('memory.ffmpegScaling', async () => reportFfmpegScaling(ctx, await measureFfmpegScaling(ctx, cameras, plan.memory)));
  }
  if (parts.has('fanout')) {
    for (const { camera, levels } of plan.fanout) {
      await step(`fanout.camstudio.${camera}`, async () => {
        results.set('fanout', `camstudio.${camera}`, await runCamStudioFanout(ctx, byName(camera), levels));
      });
    }
  }
  if (parts.has('hls')) {
    // The same camera and levels as the WebRTC fan-out, served to LL-HLS clients instead (issue 14).
    for (const { camera, levels } of plan.fanout) {
      await step(`fanout.hls.${camera}`, async () => {
        results.set('fanout', `hls.${camera}`, await runCamStudioFanout(ctx, byName(camera), levels, 'hls'));
      });
    }
  }
  if (parts.has('browser')) {
    const browser = join(repoRoot, 'bench/browser/index.mjs');
    if (existsSync(browser)) {
      await step('browser', async () => (await import(pathToFileURL(browser).href)).run(ctx));
    } else {
      ctx.log('browser metrics: bench/browser/index.mjs not present, skipped');
    }
  }
  if (parts.has('janus')) {
    const { runJanusFanout } = await import('./fanout/janus.mjs');
    for (const { camera, levels } of plan.fanout) {
      await step(`fanout.janus.${camera}`, async () => {
        results.set('fanout', `janus.${camera}`, await runJanusFanout(ctx, byName(camera), levels));
      });
    }
  }
  if (parts.has('g2g')) {
    const { runGlassToGlassVsJanus } = await import('./browser/g2g-janus.mjs');
    await step('browser.glassToGlassVsJanus', async () => { await runGlassToGlassVsJanus(ctx, plan.g2g); });
  }
  if (parts.has('jpeg')) {
    const { runJpegFanout } = await import('./fanout/jpeg.mjs');
    const camera = plan.fanout[0].camera;
    await step(`fanout.jpeg.${camera}`, async () => {
      results.set('fanout', `jpeg.${camera}`, await runJpegFanout(ctx, byName(camera), plan.jpegLevels));
    });
  }
  if (parts.has('audio')) {
    const { runAudio } = await import('./fanout/audio.mjs');
    await step('audio.camstudio.720p', async () => { await runAudio(ctx, plan.audio); });
  }
  if (parts.has('sync')) {
    const { runLipSync } = await import('./browser/sync.mjs');
    await step('lipsync.camstudio.720p', async () => { await runLipSync(ctx, plan.sync); });
  }
  if (parts.has('health')) {
    const { runHealth } = await import('./fanout/health.mjs');
    await step('health.camstudio.30', async () => { await runHealth({ ...ctx, appDir: resolve(args.app) }, plan.health); });
  }
  if (parts.has('fixed')) {
    const { runFixedCost } = await import('./fanout/fixed.mjs');
    const apps = [{ label: 'CamStudio', dir: resolve(args.app) }];
    // --app-base DIR[,DIR...]: more builds (or the same build behind a wrapper that sets runtime knobs) in the same rounds.
    for (const dir of (args['app-base'] ?? '').split(',').filter(Boolean)) {
      const name = resolve(dir).replace(/\/artifacts\/publish\/[^/]+\/?$/, '').split('/').pop();
      apps.push({ label: `CamStudio (${name})`, dir: resolve(dir) });
    }
    await step('fixed.720p', async () => { await runFixedCost(ctx, { ...plan.fixed, apps }); });
  }
  if (parts.has('idlepages')) {
    const { runIdlePages } = await import('./fanout/idle-pages.mjs');
    await step('idlePages.720p', async () => { await runIdlePages(ctx, { ...plan.idlePages, appDir: resolve(args.app) }); });
  }
  if (parts.has('failover')) {
    const { runFailover } = await import('./cluster/failover.mjs');
    await step('cluster.failover', async () => { await runFailover(ctx, plan.failover); });
  }
  if (needsApp) reportFanout(ctx);
} catch (e) {
  results.fail('harness', e);
  console.error(e);
} finally {
  await camstudio?.stop().catch(() => {});
  await stopAllChildren();
  const md = results.write(outDir);
  console.log(`\n${md}`);
  console.log(`Results: ${join(outDir, 'results.json')} and results.md; logs in ${logDir}`);
  failed = results.data.failures.length > 0;
}
process.exit(failed ? 1 : 0);
