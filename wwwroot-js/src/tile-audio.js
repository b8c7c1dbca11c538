/**
 * The tile's speaker button. Tiles start muted: browsers only autoplay muted video, and a wall of cameras talking at
 * once helps nobody. Unmuting needs the click's user gesture, which a round trip over the Blazor circuit may lose, so
 * the button is handled here, synchronously in the click, and .NET only hears the outcome (to draw the icon).
 *
 * The choice belongs to the camera, not to one <video>: a tile that is maximised, switches to HD or reconnects keeps
 * the same element and so its sound; a tile rendered again for the same camera (restore after maximise) asks
 * `rememberedMuted` for it. A tile scrolled out of view stops its session, and with it its sound.
 */

/** Per camera, for this page: false once the operator unmuted it. */
const remembered = new Map();

/**
 * @param {string} cameraId
 * @returns {boolean} whether the camera's tiles start muted (true unless the operator unmuted it on this page)
 */
export function rememberedMuted(cameraId) {
  return remembered.get(cameraId) ?? true;
}

/** Forgets every choice (tests). */
export function forgetAudioChoices() {
  remembered.clear();
}

export class TileAudio {
  /** @type {HTMLElement} */ #tile;
  /** @type {HTMLVideoElement} */ #video;
  /** @type {string} */ #cameraId;
  /** @type {(muted: boolean) => void} */ #onChange;

  /**
   * @param {HTMLElement} tile        contains the [data-action="audio"] button
   * @param {HTMLVideoElement} video
   * @param {string} cameraId
   * @param {(muted: boolean) => void} onChange   called after every change, and once at start with the initial state
   */
  constructor(tile, video, cameraId, onChange) {
    this.#tile = tile;
    this.#video = video;
    this.#cameraId = cameraId;
    this.#onChange = onChange;
    video.muted = rememberedMuted(cameraId);
    tile.addEventListener('click', this.#onClick);
    onChange(video.muted);
  }

  /** @returns {boolean} */
  get muted() {
    return this.#video.muted;
  }

  dispose() {
    this.#tile.removeEventListener('click', this.#onClick);
  }

  /** @param {Event} event  any click in the tile; only the speaker button's count */
  #onClick = (event) => {
    const target = /** @type {Element | null} */ (event.target);
    if (!target?.closest?.('[data-action="audio"]')) return;
    const muted = !this.#video.muted;
    this.#video.muted = muted;
    remembered.set(this.#cameraId, muted);
    if (!muted) {
      // Unmuting a paused element (autoplay refused earlier) needs a play() inside the same gesture.
      Promise.resolve(this.#video.play?.()).catch((err) => console.debug('CamStudio player: play with sound refused', err));
    }
    this.#onChange(muted);
  };
}
