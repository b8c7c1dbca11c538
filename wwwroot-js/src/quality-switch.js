import { CONNECT_TIMEOUT_MS } from './constants.js';
import { watchFirstFrame } from './first-frame.js';
import { classifySignalError } from './signal-error.js';

/**
 * One SD↔HD switch in progress: the new quality's session plays into a hidden helper <video> until it has decoded a
 * frame. Then `onReady` hands the session to the player (which swaps the tile's srcObject); on error or timeout the
 * session is closed (and hung up) and `onFailed` says why. Either way the helper element is removed.
 */
export class QualitySwitch {
  /** @type {import('./peer-session.js').PeerSession} */ session;
  /** @type {HTMLVideoElement} */ #helper;
  /** @type {() => void} */ #cancelFrame;
  /** @type {unknown} */ #timer;
  /** @type {boolean} */ #done = false;
  /** @type {(id: unknown) => void} */ #clearTimeout;
  /** @type {(sw: QualitySwitch) => void} */ #onReady;
  /** @type {(sw: QualitySwitch, message: string) => void} */ #onFailed;

  /**
   * Starts the switch: creates the helper element and opens the session.
   * @param {Object} args
   * @param {import('./peer-session.js').PeerSession} args.session  not yet opened
   * @param {{ document: Document, setTimeout: (fn: () => void, ms: number) => unknown, clearTimeout: (id: unknown) => void }} args.env
   * @param {(sw: QualitySwitch) => void} args.onReady
   * @param {(sw: QualitySwitch, message: string) => void} args.onFailed
   */
  constructor({ session, env, onReady, onFailed }) {
    this.session = session;
    this.#clearTimeout = env.clearTimeout;
    this.#onReady = onReady;
    this.#onFailed = onFailed;

    const helper = /** @type {HTMLVideoElement} */ (env.document.createElement('video'));
    helper.muted = true;
    helper.playsInline = true;
    // No autoplay attribute: Chromium pauses invisible muted *autoplay* videos to save power; an explicit play() is not.
    helper.setAttribute?.('aria-hidden', 'true');
    // Tiny and transparent rather than display:none, so the browser still decodes and composites it.
    Object.assign(helper.style ?? {}, {
      position: 'fixed', left: '0', top: '0', width: '1px', height: '1px', opacity: '0', pointerEvents: 'none',
    });
    env.document.body?.appendChild(helper);
    this.#helper = helper;
    this.#cancelFrame = watchFirstFrame(helper, () => this.#ready());
    this.#timer = env.setTimeout(() => this.#fail('timed out'), CONNECT_TIMEOUT_MS);
    session.open().catch((err) => this.#fail(classifySignalError(err).message));
  }

  /** The quality being switched to. */
  get quality() {
    return this.session.quality;
  }

  /** The session's remote stream arrived: play it in the helper element. @param {MediaStream} stream */
  attachStream(stream) {
    if (this.#done) return;
    this.#helper.srcObject = stream;
    const result = this.#helper.play?.();
    result?.catch?.(() => {}); // the helper is never seen; loadeddata still tells when a frame was decoded
  }

  /**
   * A switch is judged before its first frame, so 'disconnected' already counts as failed here: it is how Chromium
   * reports a session the server ended (it stops answering ICE checks), seconds before 'failed'.
   * @param {string} state  RTCPeerConnectionState of the session
   */
  connectionState(state) {
    if (state === 'failed' || state === 'closed' || state === 'disconnected') this.#fail('connection failed');
  }

  /** Abandons the switch: closes and hangs up the session, removes the helper. Idempotent. */
  cancel() {
    if (!this.#finish()) return;
    this.session.close();
  }

  #ready() {
    if (this.#done || !this.session.stream) return;
    this.#finish();
    this.#onReady(this);
  }

  /** @param {string} message */
  #fail(message) {
    if (this.#done) return;
    this.cancel();
    this.#onFailed(this, message);
  }

  /** Releases the helper and the timer; the session stays open. Returns false if already finished. */
  #finish() {
    if (this.#done) return false;
    this.#done = true;
    this.#clearTimeout(this.#timer);
    this.#cancelFrame();
    this.#helper.srcObject = null;
    this.#helper.remove?.();
    return true;
  }
}
