import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import * as interop from '../src/blazor-interop.js';
import { WEBRTC_FALLBACK_TIMEOUT_MS } from '../src/constants.js';
import { HLS_JS_MODULE, resolveEnv } from '../src/env.js';
import { chooseHlsEngine, HlsEngine, webRtcUnsupported } from '../src/transport.js';
import { DEFAULT_TRANSPORT_MODE, getTransportMode, setTransportMode, TRANSPORT_MODES } from '../src/transport-mode.js';
import { HLS_JS_CONFIG } from '../src/hls-session.js';
import { FakeVideo, fakeRtpReceiver, flush, makeEnv } from './fakes.mjs';

const UA = {
  safariMac: { userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15', vendor: 'Apple Computer, Inc.' },
  chromeIos: { userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 16_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/120.0 Mobile/15E148 Safari/604.1', vendor: 'Apple Computer, Inc.' },
  chromeAndroid: { userAgent: 'Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36', vendor: 'Google Inc.' },
  chromeDesktop: { userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36', vendor: 'Google Inc.' },
  firefox: { userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0', vendor: '' },
};
const mse = { isTypeSupported: (/** @type {string} */ t) => /avc1/.test(t) };

/** @param {boolean} nativeHls */
function video(nativeHls) {
  const v = new FakeVideo();
  v.nativeHls = nativeHls;
  return v;
}

test('chooseHlsEngine: native on Apple WebKit or without MSE, hls.js wherever MSE plays H.264, null when neither', () => {
  const cases = [
    ['Safari (native and MSE)', video(true), { MediaSource: mse, navigator: UA.safariMac }, HlsEngine.Native],
    ['iPhone before iOS 17.1 (no MSE)', video(true), { MediaSource: null, navigator: UA.chromeIos }, HlsEngine.Native],
    ['iPhone with ManagedMediaSource', video(true), { MediaSource: mse, navigator: UA.chromeIos }, HlsEngine.Native],
    ['Android Chrome ("maybe", but MSE)', video(true), { MediaSource: mse, navigator: UA.chromeAndroid }, HlsEngine.HlsJs],
    ['desktop Chrome', video(false), { MediaSource: mse, navigator: UA.chromeDesktop }, HlsEngine.HlsJs],
    ['Firefox', video(false), { MediaSource: mse, navigator: UA.firefox }, HlsEngine.HlsJs],
    ['a browser with native HLS only', video(true), { MediaSource: null, navigator: UA.chromeAndroid }, HlsEngine.Native],
    ['MSE without H.264', video(false), { MediaSource: { isTypeSupported: () => false }, navigator: UA.firefox }, null],
    ['nothing', video(false), { MediaSource: null, navigator: null }, null],
  ];
  for (const [name, v, env, expected] of cases) assert.equal(chooseHlsEngine(v, env), expected, name);
});

test('webRtcUnsupported: no RTCPeerConnection, or capabilities without H.264; a missing capability API is no proof', () => {
  class Pc {}
  assert.equal(webRtcUnsupported({ RTCPeerConnection: Pc, RTCRtpReceiver: fakeRtpReceiver() }), null);
  assert.equal(webRtcUnsupported({ RTCPeerConnection: Pc, RTCRtpReceiver: null }), null);
  assert.equal(webRtcUnsupported({ RTCPeerConnection: Pc, RTCRtpReceiver: { getCapabilities: () => null } }), null);
  assert.equal(webRtcUnsupported({ RTCPeerConnection: undefined })?.reason, 'webrtc_unsupported');
  assert.equal(webRtcUnsupported({ RTCPeerConnection: Pc, RTCRtpReceiver: fakeRtpReceiver(['video/VP8']) })?.reason, 'no_h264');
  const throwing = { getCapabilities: () => { throw new Error('nope'); } };
  assert.equal(webRtcUnsupported({ RTCPeerConnection: Pc, RTCRtpReceiver: throwing }), null);
});

test('a browser that can play neither WebRTC nor HLS fails with a message instead of reconnecting forever', async () => {
  const ctx = makeEnv({ hls: true });
  Object.assign(ctx.env, { RTCPeerConnection: null, MediaSource: null });
  const states = [];
  const player = (await import('../src/player.js')).createPlayer(new FakeVideo(), {
    cameraId: 'c', signal: ctx.signal, env: ctx.env, onStateChange: (s, d) => states.push({ state: s, ...d }),
  });
  await flush();
  assert.equal(player.state, 'failed');
  assert.equal(states.at(-1).reason, 'hls_unsupported');
  assert.deepEqual(ctx.signal.hangups, ['h1'], 'the opened HLS session is not left counted');
  player.dispose();
});

test('transport mode: remembered per browser; unknown or broken storage falls back to auto', () => {
  const store = new Map();
  const storage = { getItem: (k) => store.get(k) ?? null, setItem: (k, v) => store.set(k, v) };
  assert.deepEqual(TRANSPORT_MODES, ['auto', 'webrtc', 'hls']);
  assert.equal(getTransportMode(storage), DEFAULT_TRANSPORT_MODE);
  assert.equal(setTransportMode('hls', storage), true);
  assert.equal(getTransportMode(storage), 'hls');
  assert.equal(setTransportMode('udp', storage), false);
  assert.equal(getTransportMode(storage), 'hls');
  store.set('camstudio.live.transport', 'garbage');
  assert.equal(getTransportMode(storage), 'auto');
  const broken = { getItem: () => { throw new Error('denied'); }, setItem: () => { throw new Error('quota'); } };
  assert.equal(getTransportMode(broken), 'auto');
  assert.equal(setTransportMode('webrtc', broken), false);
  assert.equal(interop.getTransportMode, getTransportMode, 'exported to Blazor like getLayout');
  assert.equal(interop.setTransportMode, setTransportMode);
});

test('blazor-interop: HLS sessions through OpenHlsAsync, errors classified like offers, setTransportMode on the handle', async () => {
  const { env, timers, hlsInstances } = makeEnv();
  const calls = [];
  let hlsAnswer = { url: '/hls/abc/index.m3u8', sessionId: 'abc' };
  const ref = {
    invokeMethodAsync: async (method, ...args) => {
      calls.push([method, ...args]);
      if (method === 'OfferAsync') return { sdp: 'answer', sessionId: 'rtc-1' };
      if (method === 'OpenHlsAsync') return hlsAnswer;
      return undefined;
    },
  };
  const handle = interop.start(new FakeVideo(), ref, { cameraId: 'c', quality: 'stream2', env, transport: 'auto' });
  await flush();
  timers.advance(WEBRTC_FALLBACK_TIMEOUT_MS);
  await flush();
  assert.deepEqual(calls.filter((c) => c[0] === 'OpenHlsAsync'), [['OpenHlsAsync', 'stream2']]);
  assert.equal(hlsInstances[0].source, '/hls/abc/index.m3u8');
  const reported = calls.filter((c) => c[0] === 'OnPlayerStateChanged').at(-1);
  assert.equal(reported[2].transport, 'hls');

  hlsAnswer = { url: null, sessionId: null, error: 'Too many viewers on this camera.', reason: 'viewer_limit', retryable: false };
  handle.setTransportMode('webrtc');
  handle.setTransportMode('hls');
  await flush();
  const failed = calls.filter((c) => c[0] === 'OnPlayerStateChanged').at(-1);
  assert.equal(failed[1], 'failed');
  assert.equal(failed[2].reason, 'viewer_limit');
  assert.equal(failed[2].message, 'Too many viewers on this camera.');
  handle.dispose();
  await flush();
  assert.ok(calls.some((c) => c[0] === 'HangupAsync' && c[1] === 'abc'));
  assert.ok(calls.some((c) => c[0] === 'HangupAsync' && c[1] === 'rtc-1'));
});

test('the vendored hls.js 1.7.4 sits where the player imports it from once served (/js/ + HLS_JS_MODULE) and loads', async () => {
  // Served layout: wwwroot-js/src → /js/, wwwroot-js/vendor → /js/vendor/ (CamStudio.Web.csproj).
  const csproj = await readFile(new URL('../../CamStudio.Web/CamStudio.Web.csproj', import.meta.url), 'utf8');
  assert.match(csproj, /Include="\.\.\\wwwroot-js\\vendor\\\*\*\\\*\.js[^"]*" LinkBase="wwwroot\\js\\vendor"/);
  assert.match(HLS_JS_MODULE, /^\.\/vendor\//);
  const url = new URL(`../${HLS_JS_MODULE.slice(2)}`, import.meta.url);
  const Hls = (await import(url.href)).default;
  assert.equal(Hls.version, '1.7.4');
  assert.equal(Hls.Events.ERROR, 'hlsError');
  // The real hls.js validates its configuration in the constructor (the fakes do not): ours must pass.
  const hls = new Hls({ ...HLS_JS_CONFIG });
  // Any liveSync… or liveMaxLatency… key in the user config makes hls.js ignore PART-HOLD-BACK (latency 12 s, not ~1 s).
  assert.deepEqual(Object.keys(hls.userConfig).filter((k) => /^live(Sync|MaxLatency)/.test(k)), []);
  assert.equal(hls.config.lowLatencyMode, true);
  hls.destroy();
  const licence = await readFile(new URL('../vendor/hls.js/LICENSE', import.meta.url), 'utf8');
  assert.match(licence, /Apache License/);
  assert.equal(typeof resolveEnv({}).loadHls, 'function');
});
