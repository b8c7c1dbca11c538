// Classifies offer/answer failures into "try again later" and "a person has to fix something".
// The server's message is always kept verbatim: it is what the operator needs to read on the tile.

/**
 * Error thrown when signalling fails. `retryable` decides between 'reconnecting' and 'failed'.
 */
export class SignalError extends Error {
  /**
   * @param {string} message   the server's text
   * @param {string} reason    machine-readable reason (see StateDetail.reason)
   * @param {boolean} retryable
   */
  constructor(message, reason, retryable) {
    super(message);
    this.name = 'SignalError';
    /** @type {string} */
    this.reason = reason;
    /** @type {boolean} */
    this.retryable = retryable;
  }
}

// Order matters: the first match wins. Everything unmatched (camera offline, server busy, circuit hiccup) is retryable,
// because a wrongly "failed" tile needs a human while a wrongly "reconnecting" one only costs a request every 10 s.
/** @type {ReadonlyArray<{ pattern: RegExp, reason: string }>} */
const NON_RETRYABLE = [
  { pattern: /auth_failed|wrong (user(name)?|password)|unauthori[sz]ed|\b401\b|credential/i, reason: 'auth_failed' },
  { pattern: /no h\.?264|h\.?265|hevc|unsupported codec|codec not supported/i, reason: 'unsupported_codec' },
  { pattern: /unknown camera|camera not found|no such (camera|stream)|\b404\b/i, reason: 'camera_not_found' },
  { pattern: /malformed|invalid (sdp|offer)|bad offer/i, reason: 'invalid_offer' },
];

/**
 * Turns anything thrown by the signal adapter (or an answer's `error` field) into a SignalError.
 * Honors an explicit boolean `retryable` / string `reason` on the thrown value when the server provides one.
 * @param {unknown} err
 * @returns {SignalError}
 */
export function classifySignalError(err) {
  if (err instanceof SignalError) return err;
  const anyErr = /** @type {any} */ (err);
  const message = typeof err === 'string' ? err : String(anyErr?.message ?? anyErr ?? 'signalling failed');
  const text = `${anyErr?.reason ?? ''} ${message}`;
  const match = NON_RETRYABLE.find((rule) => rule.pattern.test(text));
  const reason = typeof anyErr?.reason === 'string' && anyErr.reason ? anyErr.reason : (match?.reason ?? 'signal_error');
  const retryable = typeof anyErr?.retryable === 'boolean' ? anyErr.retryable : !match;
  return new SignalError(message, reason, retryable);
}
