// The two streams of a camera as the server names them, and how a tile says them.

/** Camera stream names as the server knows them. */
export const Quality = Object.freeze({ HD: 'stream1', SD: 'stream2' });

/** @param {string} q @returns {string} q when it is a known quality */
export function validQuality(q) {
  if (q !== Quality.HD && q !== Quality.SD) throw new TypeError(`unknown quality '${q}' (expected 'stream1' or 'stream2')`);
  return q;
}

/** @param {string} q */
export function qualityName(q) {
  return q === Quality.HD ? 'HD' : 'SD';
}
