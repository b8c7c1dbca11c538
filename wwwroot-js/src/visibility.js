import { HIDDEN_TEARDOWN_DELAY_MS } from './constants.js';

/**
 * Watches whether a tile can be seen: in the viewport (IntersectionObserver) and in a visible tab
 * (document.visibilityState). Becoming hidden is reported only after `delayMs` of staying hidden, so scroll jitter
 * and quick tab flips do not tear sessions down; becoming visible again is reported at once.
 */
export class VisibilityWatcher {
  /** @type {boolean} */ #inView = true;
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
   */
  constructor(element, args) {
    this.#element = element;
    this.#document = args.document;
    this.#setTimeout = args.setTimeout;
    this.#clearTimeout = args.clearTimeout;
    this.#delayMs = args.delayMs ?? HIDDEN_TEARDOWN_DELAY_MS;
    this.#onHidden = args.onHidden;
    this.#onVisible = args.onVisible;
    this.#tabVisible = this.#document?.visibilityState !== 'hidden';
    this.#reportedVisible = this.#tabVisible;
    this.#document?.addEventListener('visibilitychange', this.#onVisibilityChange);
    if (args.IntersectionObserver) {
      this.#observer = new args.IntersectionObserver(this.#onIntersection, { threshold: 0 });
      this.#observer.observe(element);
    }
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
    for (const entry of entries) {
      if (entry.target === this.#element) this.#inView = entry.isIntersecting;
    }
    this.#update();
  };

  #update() {
    if (this.#disposed) return;
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
