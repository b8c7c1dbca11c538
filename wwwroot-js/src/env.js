/**
 * The browser facilities the player uses, injectable so the tests can drive time, visibility and the peer connection.
 * Every member defaults to the browser global of the same name.
 * @typedef {Object} PlayerEnv
 * @property {typeof RTCPeerConnection} [RTCPeerConnection]
 * @property {typeof MediaStream} [MediaStream]
 * @property {(fn: () => void, ms: number) => unknown} [setTimeout]
 * @property {(id: unknown) => void} [clearTimeout]
 * @property {() => number} [now]                                   monotonic ms clock
 * @property {() => number} [random]                                [0, 1) for the backoff jitter
 * @property {Document} [document]                                  visibility source, creates the HD helper element
 * @property {Window | EventTarget} [window]                        'pagehide' source
 * @property {typeof IntersectionObserver | null} [IntersectionObserver]  null disables off-screen detection
 */

/**
 * @param {PlayerEnv | undefined} env
 * @returns {Required<PlayerEnv>} every member filled from the browser globals where not given
 */
export function resolveEnv(env = {}) {
  const g = /** @type {any} */ (globalThis);
  return {
    RTCPeerConnection: env.RTCPeerConnection ?? g.RTCPeerConnection,
    MediaStream: env.MediaStream ?? g.MediaStream,
    setTimeout: env.setTimeout ?? ((fn, ms) => g.setTimeout(fn, ms)),
    clearTimeout: env.clearTimeout ?? ((id) => g.clearTimeout(id)),
    now: env.now ?? (() => g.performance.now()),
    random: env.random ?? Math.random,
    document: env.document ?? g.document,
    window: env.window ?? g.window,
    IntersectionObserver: env.IntersectionObserver === undefined ? g.IntersectionObserver ?? null : env.IntersectionObserver,
  };
}
