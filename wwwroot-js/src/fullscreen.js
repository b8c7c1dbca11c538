/**
 * Browser fullscreen for one tile. The tile element (the video's parent) is what goes fullscreen, so the name bar,
 * state chip and overlays stay visible with the picture. The owner learns of every change, whoever caused it
 * (our button, a double-click, Escape, or the browser's own UI), because only 'fullscreenchange' sees them all.
 *
 * Entering fullscreen needs a user gesture, and a click that travels to the server and back over the Blazor
 * circuit may arrive after the browser has stopped counting it as one. So the button and the double-click are
 * handled here, synchronously in the event, and the server is only told the outcome.
 */
export class TileFullscreen {
  /** @type {HTMLElement} */ #tile;
  /** @type {HTMLElement} */ #video;
  /** @type {Document} */ #document;
  /** @type {(fullscreen: boolean) => void} */ #onChange;
  #active = false;

  /**
   * @param {HTMLElement} tile      the element that goes fullscreen; contains the video and the tile's controls
   * @param {HTMLElement} video
   * @param {Document} document
   * @param {(fullscreen: boolean) => void} onChange   called on every change of whether this tile is fullscreen
   */
  constructor(tile, video, document, onChange) {
    this.#tile = tile;
    this.#video = video;
    this.#document = document;
    this.#onChange = onChange;
    document.addEventListener('fullscreenchange', this.#onFullscreenChange);
    tile.addEventListener('click', this.#onClick);
    video.addEventListener('dblclick', this.#toggle);
  }

  dispose() {
    this.#document.removeEventListener('fullscreenchange', this.#onFullscreenChange);
    this.#tile.removeEventListener('click', this.#onClick);
    this.#video.removeEventListener('dblclick', this.#toggle);
  }

  #onFullscreenChange = () => {
    const element = this.#document.fullscreenElement;
    // contains() is true for the tile itself as well as for the video and anything else inside it.
    const active = element != null && this.#tile.contains(element);
    if (active === this.#active) return;
    this.#active = active;
    this.#onChange(active);
  };

  /** @param {Event} event  any click in the tile; only the fullscreen button's count */
  #onClick = (event) => {
    const target = /** @type {Element | null} */ (event.target);
    if (target?.closest?.('[data-action="fullscreen"]')) this.#toggle();
  };

  #toggle = () => {
    const request = this.#active ? this.#document.exitFullscreen?.() : this.#tile.requestFullscreen?.();
    // Refused (no gesture, an iframe without allowfullscreen, a kiosk policy): the tile simply stays as it is.
    Promise.resolve(request).catch((err) => console.debug('CamStudio player: fullscreen refused', err));
  };
}
