// Stall detection for a live tile: the decoded-frame count (WebRTC) or the playback position (HLS) must keep growing;
// when it has not for STALL_TIMEOUT_MS the picture is frozen under a connection that still looks healthy.
import { STALL_TIMEOUT_MS } from './constants.js';

export class StallWatch {
  /** @type {number} */ #last = -1;
  /** @type {number} clock time the progress last grew */ #since = 0;

  /** A new picture source from `now` on: its counter starts again. @param {number} now */
  reset(now) {
    this.#last = -1;
    this.#since = now;
  }

  /**
   * @param {number} progress  framesDecoded, or the HLS playback position
   * @param {number} now
   * @returns {boolean} true when the progress has not grown for STALL_TIMEOUT_MS
   */
  stalled(progress, now) {
    if (progress > this.#last) {
      this.#last = progress;
      this.#since = now;
      return false;
    }
    return now - this.#since >= STALL_TIMEOUT_MS;
  }
}
