#!/usr/bin/env node
// Runs only the browser metrics, without the fan-out cameras and references of bench/run.mjs (less load on the
// machine while latency is measured). Inside the project's network namespace, as root:
//   unshare -n scripts/netns-run.sh node bench/browser/run-browser.mjs [--smoke] [--only late,cold,latency,fallback,tiles]
//       [--joins N] [--app artifacts/publish/linux-x64] [--out artifacts/bench-browser]
// --joins: late joins and cold starts per case instead of the plan's (for A/B runs of one step).
// The full harness (scripts/bench.sh) runs the same code through bench/run.mjs --only browser.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startCamStudio } from '../lib/camstudio.mjs';
import { createContext } from '../lib/context.mjs';
import { stopAllChildren } from '../lib/process.mjs';
import { createResults } from '../lib/results.mjs';
import { run } from './index.mjs';

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const { values: args } = parseArgs({
  options: {
    smoke: { type: 'boolean', default: false },
    only: { type: 'string' },
    joins: { type: 'string' },
    out: { type: 'string', default: join(repoRoot, 'artifacts/bench-browser') },
    app: { type: 'string', default: join(repoRoot, 'artifacts/publish/linux-x64') },
    address: { type: 'string', default: '10.213.0.1' },
  },
});
const outDir = resolve(args.out);
const logDir = join(outDir, 'logs');
mkdirSync(logDir, { recursive: true });
const command = `unshare -n scripts/netns-run.sh node bench/browser/run-browser.mjs${args.smoke ? ' --smoke' : ''}${args.only ? ` --only ${args.only}` : ''}`
  + `${args.joins ? ` --joins ${args.joins}` : ''}`;
const results = createResults({ command, smoke: args.smoke, repoRoot });
let camstudio;
try {
  camstudio = await startCamStudio({ publishDir: resolve(args.app), advertisedAddress: args.address, logDir });
  const ctx = createContext({ repoRoot, outDir, logDir, smoke: args.smoke, address: args.address, camstudio, cameras: [], results });
  ctx.log(`CamStudio pid ${camstudio.pid} at ${camstudio.baseUrl}, media ${args.address}:${camstudio.udpPort}`);
  await run(ctx, { only: args.only ? new Set(args.only.split(',')) : undefined, joins: args.joins ? Number(args.joins) : undefined });
} catch (e) {
  results.fail('browser.harness', e);
  console.error(e);
} finally {
  await camstudio?.stop().catch(() => {});
  await stopAllChildren();
  console.log(`\n${results.write(outDir)}`);
  console.log(`Results: ${join(outDir, 'results.json')} and results.md; logs in ${logDir}`);
}
process.exit(results.data.failures.length > 0 ? 1 : 0);
