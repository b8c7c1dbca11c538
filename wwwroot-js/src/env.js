/**
 * The browser facilities the player uses, injectable so the tests can drive time, visibility and the peer connection.
 * Every member defaults to the browser global of the same name.
 * @typedef {Object} PlayerEnv
 * @property {typeof RTCPeerConnection} [RTCPeerConnection]
 * @property {typeof MediaStream} [MediaStream]
 * @property {{ getCapabilities?(kind: string): { codecs: { mimeType: string }[] } | null } | null} [RTCRtpReceiver]
 *           asked whether WebRTC can receive H.264 at all
 * @property {{ isTypeSupported?(type: string): boolean } | null} [MediaSource]  MSE (or iOS's ManagedMediaSource), for hls.js
 * @property {{ userAgent?: string, vendor?: string } | null} [navigator]      tells Apple's WebKit (native HLS) apart
 * @property {() => Promise<HlsConstructor>} [loadHls]                loads hls.js; by default a dynamic import() of the vendored build
 * @property {HlsConstructor} [Hls]                                   tests: an hls.js stand-in (then loadHls returns it)
 * @property {(fn: () => void, ms: number) => unknown} [setTimeout]
 * @property {(id: unknown) => void} [clearTimeout]
 * @property {() => number} [now]                                   monotonic ms clock
 * @property {() => number} [random]                                [0, 1) for the backoff jitter
 * @property {Document} [document]                                  visibility source, creates the HD helper element
 * @property {Window | EventTarget} [window]                        'pagehide' source
 * @property {typeof IntersectionObserver | null} [IntersectionObserver]  null disables off-screen detection
 */

/**
 * The part of hls.js the player uses.
 * @typedef {{ new (config: object): any, isSupported?(): boolean, Events?: { ERROR?: string } }} HlsConstructor
 */

/**
 * Where the web app serves the vendored hls.js, relative to this module (wwwroot-js/vendor/hls.js is linked to
 * /js/vendor/hls.js by CamStudio.Web.csproj; wwwroot-js/src to /js).
 */
export const HLS_JS_MODULE = './vendor/hls.js/hls.light.min.js';

/** @returns {Promise<HlsConstructor>} */
async function importHls() {
  // Only tiles that actually play HLS through MSE pay for the ~370 KB module.
  const module = await import(HLS_JS_MODULE);
  return module.default;
}

/**
 * @param {PlayerEnv | undefined} env
 * @returns {Required<PlayerEnv>} every member filled from the browser globals where not given
 */
export function resolveEnv(env = {}) {
  const g = /** @type {any} */ (globalThis);
  const given = (/** @type {keyof PlayerEnv} */ name, /** @type {unknown} */ fallback) =>
    env[name] === undefined ? fallback : env[name];
  const Hls = env.Hls;
  return {
    RTCPeerConnection: env.RTCPeerConnection ?? g.RTCPeerConnection,
    MediaStream: env.MediaStream ?? g.MediaStream,
    RTCRtpReceiver: given('RTCRtpReceiver', g.RTCRtpReceiver ?? null),
    MediaSource: given('MediaSource', g.ManagedMediaSource ?? g.MediaSource ?? null),
    navigator: given('navigator', g.navigator ?? null),
    loadHls: env.loadHls ?? (Hls ? async () => Hls : importHls),
    Hls: Hls ?? null,
    setTimeout: env.setTimeout ?? ((fn, ms) => g.setTimeout(fn, ms)),
    clearTimeout: env.clearTimeout ?? ((id) => g.clearTimeout(id)),
    now: env.now ?? (() => g.performance.now()),
    random: env.random ?? Math.random,
    document: env.document ?? g.document,
    window: env.window ?? g.window,
    IntersectionObserver: env.IntersectionObserver === undefined ? g.IntersectionObserver ?? null : env.IntersectionObserver,
  };
}
