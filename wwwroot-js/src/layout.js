// Remembers the Live page's grid layout per browser.

/** Layouts the Live page offers. 'auto' fits the grid to the number of cameras. */
export const LAYOUTS = Object.freeze(['auto', '1', '2x2', '3x3', '4x4']);
export const DEFAULT_LAYOUT = 'auto';
const STORAGE_KEY = 'camstudio.live.layout';

/** @param {Storage | undefined} storage */
function storageOrDefault(storage) {
  if (storage) return storage;
  try {
    return globalThis.localStorage;
  } catch {
    return undefined; // storage disabled (privacy settings): layouts just are not remembered
  }
}

/**
 * The remembered layout, or DEFAULT_LAYOUT when none (or an unknown value) is stored.
 * @param {Storage} [storage]  defaults to localStorage
 * @returns {string}
 */
export function getLayout(storage) {
  try {
    const value = storageOrDefault(storage)?.getItem(STORAGE_KEY);
    return value && LAYOUTS.includes(value) ? value : DEFAULT_LAYOUT;
  } catch {
    return DEFAULT_LAYOUT;
  }
}

/**
 * Remembers `layout`; returns false when it is unknown or cannot be stored.
 * @param {string} layout
 * @param {Storage} [storage]
 */
export function setLayout(layout, storage) {
  if (!LAYOUTS.includes(layout)) return false;
  try {
    const target = storageOrDefault(storage);
    if (!target) return false;
    target.setItem(STORAGE_KEY, layout);
    return true;
  } catch {
    return false; // quota exceeded / storage disabled
  }
}
