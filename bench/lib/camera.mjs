// RTSP test cameras for the benchmarks: scripts/rtsp-test-camera.py (GStreamer, x264) with the profile —
// 25 fps, GOP 4 s, 2–4 Mbit/s — in 1280x720 and 1920x1080. The encoder is shared between clients of a mount, so
// CamStudio and the Janus reference receive the same bytes.
import { join } from 'node:path';
import { startChild } from './process.mjs';
import { freeTcpPort } from './net.mjs';

export const CAMERA_PROFILES = {
  '720p': { width: 1280, height: 720, bitrateKbps: 2500 },
  '1080p': { width: 1920, height: 1080, bitrateKbps: 4000 },
};

/**
 * @param {{ name: keyof typeof CAMERA_PROFILES | string, repoRoot: string, logDir: string, host?: string,
 *           fps?: number, gopSeconds?: number, pattern?: 'clock'|'timestamp', width?: number, height?: number,
 *           bitrateKbps?: number, audio?: 'none'|'aac'|'pcma'|'pcmu', keyframeOnPlay?: boolean }} options
 * audio: the camera's microphone track (the test camera's 440 Hz tone: AAC-LC 16 kHz mono, or G.711 at 8 kHz).
 * keyframeOnPlay: every RTSP session starts with a key frame, as most real cameras do (else a new session joins the
 * shared encoder mid-GOP).
 */
export async function startTestCamera(options) {
  const profile = { ...(CAMERA_PROFILES[options.name] ?? {}), ...definedOnly(options) };
  const { name, repoRoot, logDir, host = '127.0.0.1', fps = 25, gopSeconds = 4, pattern = 'clock', audio = 'none' } = profile;
  const user = 'bench', password = 'bench-secret';
  const port = await freeTcpPort(host);
  // The camera stands in for a device on the network, so it must not be starved by what is measured on this
  // machine (2 cores, viewers included): it runs at a higher scheduling priority when we may raise it (root).
  const priority = process.getuid?.() === 0 ? ['nice', '-n', '-10'] : [];
  const command = [...priority, '/usr/bin/python3'];
  const proc = startChild(command[0], [...command.slice(1),
    join(repoRoot, 'scripts/rtsp-test-camera.py'), '--host', host, '--port', String(port), '--user', user,
    '--password', password, '--auth', 'digest', '--hd', `${profile.width}x${profile.height}`, '--fps', String(fps),
    '--gop-seconds', String(gopSeconds), '--bitrate', String(profile.bitrateKbps), '--pattern', pattern,
    ...(audio !== 'none' ? ['--audio', audio] : []),
    ...(profile.keyframeOnPlay ? ['--keyframe-on-play'] : []),
  ], { logFile: join(logDir, `camera-${name}.log`) });
  await proc.waitForLine(/^READY (rtsp:\/\/\S+)/m, 30000);
  return {
    name, host, port, user, password, fps, gopSeconds, width: profile.width, height: profile.height,
    bitrateKbps: profile.bitrateKbps, pattern, audio, keyframeOnPlay: Boolean(profile.keyframeOnPlay), proc,
    /** URL of the HD mount with credentials (for FFmpeg). */
    url: `rtsp://${user}:${password}@${host}:${port}/stream1`,
    stop: () => proc.stop(),
  };
}

function definedOnly(o) {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
