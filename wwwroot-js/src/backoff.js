import {
  RECONNECT_BASE_DELAY_MS,
  RECONNECT_JITTER_RATIO,
  RECONNECT_MAX_DELAY_MS,
} from './constants.js';

/**
 * Capped exponential backoff with jitter. The jitter only shortens a delay, so the cap is a hard cap.
 * delay(n) = min(max, base * 2^n) * (1 - jitterRatio * random())
 */
export class Backoff {
  /** @type {number} */ #baseMs;
  /** @type {number} */ #maxMs;
  /** @type {number} */ #jitterRatio;
  /** @type {() => number} */ #random;
  /** @type {number} consecutive failed attempts since the last reset */ #attempt = 0;

  /**
   * @param {{ baseMs?: number, maxMs?: number, jitterRatio?: number, random?: () => number }} [options]
   */
  constructor(options = {}) {
    this.#baseMs = options.baseMs ?? RECONNECT_BASE_DELAY_MS;
    this.#maxMs = options.maxMs ?? RECONNECT_MAX_DELAY_MS;
    this.#jitterRatio = options.jitterRatio ?? RECONNECT_JITTER_RATIO;
    this.#random = options.random ?? Math.random;
  }

  /** Number of delays handed out since the last reset. */
  get attempt() {
    return this.#attempt;
  }

  /** The un-jittered delay for attempt n (0-based). */
  ceilingFor(n) {
    // Clamp the exponent: 2^n overflows to Infinity long before it matters, but keep the arithmetic finite.
    return Math.min(this.#maxMs, this.#baseMs * 2 ** Math.min(n, 30));
  }

  /** Returns the delay before the next attempt and counts the attempt. */
  next() {
    const ceiling = this.ceilingFor(this.#attempt);
    this.#attempt++;
    return Math.round(ceiling * (1 - this.#jitterRatio * this.#random()));
  }

  reset() {
    this.#attempt = 0;
  }
}
