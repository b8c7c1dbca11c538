// Named one-shot timers for the player: setting a name replaces its pending timer, so each concern (connect, fallback,
// reconnect, grace, stats, webrtcRetry) has at most one, and a callback that lost the race to a clear never runs.

export class NamedTimers {
  /** @type {Map<string, unknown>} */ #ids = new Map();
  /** @type {{ setTimeout: (fn: () => void, ms: number) => unknown, clearTimeout: (id: unknown) => void }} */ #env;
  /** @type {() => boolean} */ #active;

  /**
   * @param {{ setTimeout: (fn: () => void, ms: number) => unknown, clearTimeout: (id: unknown) => void }} env
   * @param {() => boolean} active  false once the owner is disposed: a due timer then does nothing
   */
  constructor(env, active) {
    this.#env = env;
    this.#active = active;
  }

  /**
   * @param {string} name
   * @param {number} ms
   * @param {() => void} fn
   */
  set(name, ms, fn) {
    this.clear(name);
    const id = this.#env.setTimeout(() => {
      if (this.#ids.get(name) !== id) return;
      this.#ids.delete(name);
      if (this.#active()) fn();
    }, ms);
    this.#ids.set(name, id);
  }

  /** @param {string} name */
  has(name) {
    return this.#ids.has(name);
  }

  /** @param {string[]} names */
  clear(...names) {
    for (const name of names) {
      if (!this.#ids.has(name)) continue;
      this.#env.clearTimeout(this.#ids.get(name));
      this.#ids.delete(name);
    }
  }
}
