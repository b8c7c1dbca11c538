// Starts the published CamStudio (scripts/publish.sh linux-x64) as a child process: its own temporary data
// directory, a free HTTP port on loopback, a free WebRTC UDP port, and the namespace address (10.213.0.1 from
// scripts/netns-run.sh) as the only advertised ICE candidate. Runs with deploy/camstudio.service's GC and malloc
// tuning (scripts/service-env.sh; the references do not get it) so the numbers are the ones a Pi install would show.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startChild, waitFor } from './process.mjs';
import { freeTcpPort, freeUdpPort } from './net.mjs';
import { createApiClient } from './api.mjs';

/**
 * @param {{ publishDir: string (a publish or build output folder with CamStudio.Web), advertisedAddress: string, logDir: string, gracePeriod?: string, env?: Record<string, string> }} options
 * env: extra settings for this instance (e.g. Health__IntervalSeconds), over the defaults below.
 */
export async function startCamStudio({ publishDir, advertisedAddress, logDir, gracePeriod = '00:00:02', env: extraEnv = {} }) {
  // A self-contained publish has an app host; a plain build output (CI's smoke run reuses scripts/test.sh's
  // Release build) runs through the dotnet host, which loads the app into the same process.
  const appHost = join(publishDir, 'CamStudio.Web');
  const dll = join(publishDir, 'CamStudio.Web.dll');
  const launch = existsSync(appHost) ? [appHost] : existsSync(dll) ? ['dotnet', dll] : null;
  if (!launch) throw new Error(`no CamStudio.Web in ${publishDir}: run scripts/publish.sh linux-x64 first`);
  const dataDir = mkdtempSync(join(tmpdir(), 'camstudio-bench-'));
  const httpPort = await freeTcpPort('127.0.0.1');
  const udpPort = await freeUdpPort(advertisedAddress);
  const script = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'scripts', 'service-env.sh');
  const serviceEnv = Object.fromEntries(execFileSync('bash', [script, '--plain'], { encoding: 'utf8' })
    .trim().split('\n').map((line) => line.split('=', 2)));
  const env = {
    ...serviceEnv,
    CAMSTUDIO_DATA: dataDir,
    ASPNETCORE_URLS: `http://127.0.0.1:${httpPort}`,
    ASPNETCORE_ENVIRONMENT: 'Production',
    DOTNET_CLI_TELEMETRY_OPTOUT: '1',
    WebRtc__UdpPort: String(udpPort),
    WebRtc__AdvertisedAddresses__0: advertisedAddress,
    WebRtc__MaxSessions: '1000',
    // Short grace period: a reference measured after CamStudio must not share the machine with its idle FFmpeg.
    Streams__GracePeriod: gracePeriod,
    ...extraEnv,
  };
  // Production security: an admin and a token made with the app's own command line, sent on every request.
  const token = await provisionApiToken(launch, publishDir, env, logDir);
  const proc = startChild(launch[0], [...launch.slice(1), '--contentRoot', contentRootFor(publishDir)], { env, cwd: publishDir, logFile: join(logDir, 'camstudio.log') });
  const api = createApiClient(`http://127.0.0.1:${httpPort}`, { token });
  await waitFor(async () => {
    if (!proc.running) throw new Error(`CamStudio exited (log: ${proc.logFile})`);
    const r = await fetch(new URL('/health/ready', api.baseUrl), { signal: AbortSignal.timeout(2000) });
    return r.status === 200;
  }, { timeoutMs: 60000, what: 'CamStudio /health/ready' });
  return {
    pid: proc.pid, proc, api, baseUrl: api.baseUrl, udpPort, dataDir,
    async stop() {
      await proc.stop(10000);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * An admin user and an API token through CamStudio's command line (`users add --password-stdin` and
 * `tokens create`, which print and exit without serving).
 */
async function provisionApiToken(launch, publishDir, env, logDir) {
  const run = async (args, stdin) => {
    const child = startChild(launch[0], [...launch.slice(1), ...args], { env, cwd: publishDir, logFile: join(logDir, 'camstudio-cli.log'), stdin });
    let out = '';
    child.child.stdout.on('data', (d) => { out += d; });
    const { code } = await child.exited;
    if (code !== 0) throw new Error(`CamStudio.Web ${args.join(' ')} exited ${code} (log: ${child.logFile})`);
    return out.trim();
  };
  await run(['users', 'add', '--username', 'bench', '--role', 'Admin', '--password-stdin'], 'bench-password-1234\n');
  const token = await run(['tokens', 'create', '--username', 'bench', '--name', 'benchmark']);
  return token.split('\n').pop().trim();
}

/**
 * A publish carries its web root; a build output does not: run from one, the app's content root must be the project
 * folder (as `dotnet run` and scripts/run.sh have it), where wwwroot/ and ../wwwroot-js/src/ (the player) live.
 */
function contentRootFor(publishDir) {
  if (existsSync(join(publishDir, 'wwwroot'))) return publishDir;
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'CamStudio.Web');
}
