// The context every benchmark part receives (fan-out here, browser metrics in bench/browser/). Build it once per
// run with createContext(); parts read from it and report into ctx.results.
//
//   ctx.baseUrl, ctx.api          CamStudio under test; api.request() is the one HTTP entry point, api.headers()
//                                 the Authorization header to give WebSocket clients and browser contexts
//   ctx.camstudio                 { pid, udpPort, dataDir, proc } of the CamStudio child process
//   ctx.cameras                   [{ name: '720p'|'1080p', cameraId, url, host, port, user, password, width,
//                                    height, fps, gopSeconds, bitrateKbps }] — RTSP test cameras + CamStudio ids
//   ctx.address                   the namespace address WebRTC peers use (10.213.0.1)
//   ctx.cpu(pidsFn, opts)         startCpuSampler: per-interval CPU of a process tree; .stop() -> median/p95
//   ctx.serverCpu()               the same, for CamStudio + its FFmpeg children
//   ctx.rss(pids)                 resident bytes of a process tree { roots, children, total }
//   ctx.results                   set(section, key, value), table(title, columns, rows, note), fail(metric, reason)
//   ctx.smoke, ctx.log(msg), ctx.repoRoot, ctx.outDir, ctx.logDir
import { startCpuSampler, treeRss } from './proc.mjs';

export function createContext({ repoRoot, outDir, logDir, smoke, address, camstudio, cameras, results, windowMs, settleMs, viewerWorkers }) {
  const t0 = Date.now();
  return {
    repoRoot, outDir, logDir, smoke, address, cameras, results, windowMs, settleMs, viewerWorkers,
    camstudio,
    baseUrl: camstudio?.baseUrl,
    api: camstudio?.api,
    cpu: (pidsFn, opts) => startCpuSampler(pidsFn, opts),
    serverCpu: (opts) => startCpuSampler(() => [camstudio.pid], opts),
    rss: (pids) => treeRss(pids),
    log: (msg) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${msg}`),
  };
}
