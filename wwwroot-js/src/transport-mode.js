// Remembers, per browser, how the Live page's tiles play: 'auto' (WebRTC, HLS when WebRTC cannot connect), or forced.
import { Transport } from './transport.js';

/** 'auto': WebRTC first, HLS when it cannot connect; 'webrtc' / 'hls': only that one (an operator's override). */
export const TRANSPORT_MODES = Object.freeze(['auto', 'webrtc', 'hls']);
export const DEFAULT_TRANSPORT_MODE = 'auto';
const STORAGE_KEY = 'camstudio.live.transport';

/** @param {string} mode @returns {string} mode when it is one of TRANSPORT_MODES */
export function validMode(mode) {
  if (!TRANSPORT_MODES.includes(mode)) throw new TypeError(`unknown transport '${mode}' (expected 'auto', 'webrtc' or 'hls')`);
  return mode;
}

/** The transport a fresh tile starts with in `mode`. @param {string} mode */
export function firstTransport(mode) {
  return mode === 'hls' ? Transport.Hls : Transport.WebRtc;
}

/** @param {Storage | undefined} storage */
function storageOrDefault(storage) {
  if (storage) return storage;
  try {
    return globalThis.localStorage;
  } catch {
    return undefined; // storage disabled (privacy settings): the choice just is not remembered
  }
}

/**
 * The remembered mode, or DEFAULT_TRANSPORT_MODE when none (or an unknown value) is stored.
 * @param {Storage} [storage]  defaults to localStorage
 * @returns {string}
 */
export function getTransportMode(storage) {
  try {
    const value = storageOrDefault(storage)?.getItem(STORAGE_KEY);
    return value && TRANSPORT_MODES.includes(value) ? value : DEFAULT_TRANSPORT_MODE;
  } catch {
    return DEFAULT_TRANSPORT_MODE;
  }
}

/**
 * Remembers `mode`; returns false when it is unknown or cannot be stored.
 * @param {string} mode
 * @param {Storage} [storage]
 */
export function setTransportMode(mode, storage) {
  if (!TRANSPORT_MODES.includes(mode)) return false;
  try {
    const target = storageOrDefault(storage);
    if (!target) return false;
    target.setItem(STORAGE_KEY, mode);
    return true;
  } catch {
    return false; // quota exceeded / storage disabled
  }
}
