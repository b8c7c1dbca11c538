/**
 * Player states. The Blazor tile maps them onto its chip/overlay.
 * @readonly
 * @enum {string}
 */
export const PlayerState = Object.freeze({
  /** Created, not started. */
  Idle: 'idle',
  /** Offer/answer, ICE/DTLS, waiting for the first decoded frame. */
  Connecting: 'connecting',
  /** The first frame has been decoded; video is on screen. */
  Live: 'live',
  /** Lost or never got the stream for a retryable reason; a new attempt is scheduled (detail.delayMs). */
  Reconnecting: 'reconnecting',
  /** Non-retryable error (detail.message is the server's text); waits for retry(). */
  Failed: 'failed',
  /** Off-screen or hidden tab: not watching, resumes when visible. */
  Paused: 'paused',
  /** Disposed. Terminal. */
  Stopped: 'stopped',
});

/** @type {Readonly<Record<string, readonly string[]>>} */
const TRANSITIONS = Object.freeze({
  idle: ['connecting', 'paused', 'stopped'],
  connecting: ['live', 'reconnecting', 'failed', 'paused', 'stopped', 'connecting'],
  live: ['live', 'reconnecting', 'failed', 'paused', 'stopped', 'connecting'],
  reconnecting: ['connecting', 'paused', 'stopped', 'failed'],
  failed: ['connecting', 'paused', 'stopped'],
  paused: ['connecting', 'stopped'],
  stopped: [],
});

/**
 * @typedef {Object} StateDetail
 * @property {string} quality       'stream1' (HD) or 'stream2' (SD) being watched or attempted
 * @property {string} [transport]   'webrtc' or 'hls': how the picture on screen (or the attempt) travels
 * @property {string} [reason]      machine-readable cause: 'timeout', 'ice_failed', 'ice_disconnected', 'stalled',
 *                                  'unsupported_codec', 'codec_unsupported' (H.265 this browser cannot decode; failed),
 *                                  'signal_error', 'hidden', 'autoplay_blocked',
 *                                  HLS fallback: 'webrtc_timeout', 'webrtc_unsupported', 'no_h264' (connecting over HLS);
 *                                  HLS: 'hls_error', 'session_expired' (retryable), 'hls_unsupported' (failed),
 *                                  'quality_switch_failed', 'disposed', or the server's offer code ('invalid_offer',
 *                                  'invalid_quality', 'sdp_too_large', 'camera_not_found', 'forbidden', 'rate_limited',
 *                                  'viewer_limit', 'auth_failed', 'unavailable', 'owner_unavailable' (the camera is moving
 *                                  to another cluster node; retryable): the same codes as the REST problems)
 * @property {string} [message]     human-readable text for the tile; the server's own message for signalling errors
 * @property {number} [attempt]     1-based reconnect attempt number (reconnecting, and the connecting that follows it)
 * @property {number} [delayMs]     delay before the next attempt (reconnecting)
 */

/**
 * Guards the allowed transitions so a late event from an old connection can never move the player somewhere invalid
 * (e.g. 'stopped' → 'live').
 */
export class StateMachine {
  /** @type {string} */ #state = PlayerState.Idle;
  /** @type {(state: string, detail: StateDetail) => void} */ #onChange;

  /** @param {(state: string, detail: StateDetail) => void} onChange */
  constructor(onChange) {
    this.#onChange = onChange;
  }

  get state() {
    return this.#state;
  }

  /** @param {string} to */
  can(to) {
    return TRANSITIONS[this.#state].includes(to);
  }

  /**
   * Moves to `to` and notifies. Returns false (and does nothing) when the transition is not allowed.
   * @param {string} to
   * @param {StateDetail} detail
   */
  transition(to, detail) {
    if (!this.can(to)) return false;
    this.#state = to;
    try {
      this.#onChange(to, detail);
    } catch (err) {
      // A throwing UI callback must not break the connection logic that called us.
      console.error('CamStudio player: onStateChange threw', err);
    }
    return true;
  }
}
