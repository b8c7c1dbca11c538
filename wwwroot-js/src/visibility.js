import { HIDDEN_TEARDOWN_DELAY_MS } from './constants.js';

/**
 * Watches whether a tile can be seen: in the viewport (IntersectionObserver) and in a visible tab
 * (document.visibilityState). Becoming hidden is reported only after `delayMs` of staying hidden, so scroll jitter
 * and quick tab flips do not tear sessions down; becoming visible again is reported at once.
 */
export class VisibilityWatcher {
  /** @type {boolean | null} null until the IntersectionObserver's first report */ #inView = null;
  /** @type {boolean} */ #tabVisible = true;
  /** @type {boolean} the state last reported to the owner */ #reportedVisible;
  /** @type {unknown} pending deferred-hide timer */ #hideTimer = null;
  /** @type {IntersectionObserver | null} */ #observer = null;
  /** @type {Element} */ #element;
  /** @type {Document | undefined} */ #document;
  /** @type {number} */ #delayMs;
  /** @type {(fn: () => void, ms: number) => unknown} */ #setTimeout;
  /** @type {(id: unknown) => void} */ #clearTimeout;
  /** @type {() => void} */ #onHidden;
  /** @type {() => void} */ #onVisible;
  /** @type {() => void} */ #onSettled;
  /** @type {boolean} */ #disposed = false;

  /**
   * @param {Element} element
   * @param {Object} args
   * @param {Document} [args.document]
   * @param {typeof IntersectionObserver} [args.IntersectionObserver]  absent → only tab visibility is watched
   * @param {(fn: () => void, ms: number) => unknown} args.setTimeout
   * @param {(id: unknown) => void} args.clearTimeout
   * @param {number} [args.delayMs]
   * @param {() => void} args.onHidden
   * @param {() => void} args.onVisible
   * @param {() => void} [args.onSettled]  the first intersection report arrived (see `settled`)
   */
  constructor(element, args) {
    this.#element = element;
    this.#document = args.document;
    this.#setTimeout = args.setTimeout;
    this.#clearTimeout = args.clearTimeout;
    this.#delayMs = args.delayMs ?? HIDDEN_TEARDOWN_DELAY_MS;
    this.#onHidden = args.onHidden;
    this.#onVisible = args.onVisible;
    this.#onSettled = args.onSettled ?? (() => {});
    this.#tabVisible = this.#document?.visibilityState !== 'hidden';
    this.#reportedVisible = this.#tabVisible;
    this.#document?.addEventListener('visibilitychange', this.#onVisibilityChange);
    if (args.IntersectionObserver) {
      this.#observer = new args.IntersectionObserver(this.#onIntersection, { threshold: 0 });
      this.#observer.observe(element);
    } else {
      this.#inView = true;
    }
  }

  /**
   * Whether it is known if the element is in view. The IntersectionObserver reports asynchronously (about one frame
   * after observe()); waiting for that keeps tiles below the fold from ever opening a session.
   */
  get settled() {
    return this.#inView !== null;
  }

  /** Whether the owner should currently be watching (the debounced state). */
  get visible() {
    return this.#reportedVisible;
  }

  dispose() {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#document?.removeEventListener('visibilitychange', this.#onVisibilityChange);
    this.#observer?.disconnect();
    this.#observer = null;
    this.#cancelHide();
  }

  #onVisibilityChange = () => {
    this.#tabVisible = this.#document?.visibilityState !== 'hidden';
    this.#update();
  };

  /** @param {IntersectionObserverEntry[]} entries */
  #onIntersection = (entries) => {
    if (this.#disposed) return;
    const first = this.#inView === null;
    for (const entry of entries) {
      if (entry.target === this.#element) this.#inView = entry.isIntersecting;
    }
    if (first && this.#inView !== null) {
      // Nothing is playing yet, so an initially off-screen tile is reported hidden at once, without the delay.
      if (!(this.#inView && this.#tabVisible)) this.#reportedVisible = false;
      this.#onSettled();
    }
    this.#update();
  };

  #update() {
    if (this.#disposed) return;
    if (this.#inView === null) {
      // Not settled yet: only the tab can be known; the first intersection report decides the rest.
      this.#reportedVisible = this.#tabVisible;
      return;
    }
    const visible = this.#inView && this.#tabVisible;
    if (visible) {
      this.#cancelHide();
      if (!this.#reportedVisible) {
        this.#reportedVisible = true;
        this.#onVisible();
      }
    } else if (this.#reportedVisible && this.#hideTimer === null) {
      this.#hideTimer = this.#setTimeout(() => {
        this.#hideTimer = null;
        if (this.#disposed) return;
        this.#reportedVisible = false;
        this.#onHidden();
      }, this.#delayMs);
    }
  }

  #cancelHide() {
    if (this.#hideTimer !== null) {
      this.#clearTimeout(this.#hideTimer);
      this.#hideTimer = null;
    }
  }
}
