// Reads the wall-clock stamp that scripts/rtsp-test-camera.py --pattern stamp puts in every frame.
// Plain ES module without dependencies: the benchmark page imports it in Chromium, the tests in Node.
//
// Layout (see stamp_band in the camera script): STAMP_BITS square cells of floor(width / STAMP_BITS) pixels, centred
// horizontally, at the top of the picture; the top row shows the value MSB first (light = 1), the row below the
// complement. Each bit is read by comparing a cell with the one under it, so there is no threshold to tune and a cell
// damaged by the encoder (top and bottom alike) makes the whole frame unreadable rather than wrong.

export const STAMP_BITS = 32;
/** Smallest top/bottom luma difference (0–255) accepted as a bit; full contrast is ~220. */
export const MIN_CELL_CONTRAST = 60;
const WRAP = 2 ** 32;

/**
 * @typedef {Object} LumaImage
 * @property {number} width
 * @property {number} height                   at least the band's two rows of cells
 * @property {ArrayLike<number>} data          row-major samples, `channels` per pixel, rows of width * channels
 * @property {1 | 4} channels                  1 = luma/gray, 4 = RGBA (canvas ImageData)
 */

/** Rows the band occupies at the top of a frame `width` pixels wide (draw/read only these). */
export function stampBandHeight(width) {
  return 2 * Math.floor(width / STAMP_BITS);
}

/**
 * @param {LumaImage} image
 * @returns {{ value: number, contrast: number } | null}  value = ms since the epoch mod 2^32; contrast = weakest cell
 */
export function decodeStamp(image) {
  const cell = Math.floor(image.width / STAMP_BITS);
  if (cell < 4 || image.height < 2 * cell) return null;
  const left = Math.floor((image.width - cell * STAMP_BITS) / 2);
  // Sample the middle half of each cell: the edges are where the encoder smears neighbours into each other.
  const inset = Math.floor(cell / 4);
  const span = cell - 2 * inset;
  let value = 0;
  let weakest = Infinity;
  for (let i = 0; i < STAMP_BITS; i++) {
    const x = left + i * cell + inset;
    const top = meanLuma(image, x, inset, span);
    const bottom = meanLuma(image, x, cell + inset, span);
    const contrast = Math.abs(top - bottom);
    if (contrast < MIN_CELL_CONTRAST) return null;
    weakest = Math.min(weakest, contrast);
    value = value * 2 + (top > bottom ? 1 : 0);
  }
  return { value, contrast: Math.round(weakest) };
}

/**
 * Age of a stamp at wall-clock time `nowMs` (Date.now()), in ms, across the 2^32 wrap. Negative = from the future
 * (the camera's clock is ahead, or the value is wrong).
 * @param {number} stamp
 * @param {number} nowMs
 */
export function stampAgeMs(stamp, nowMs) {
  let d = (nowMs % WRAP) - stamp;
  if (d > WRAP / 2) d -= WRAP;
  else if (d < -WRAP / 2) d += WRAP;
  return d;
}

/**
 * @param {LumaImage} image
 * @param {number} x0
 * @param {number} y0
 * @param {number} size
 */
function meanLuma(image, x0, y0, size) {
  const { data, width, channels } = image;
  let sum = 0;
  for (let y = y0; y < y0 + size; y++) {
    let p = (y * width + x0) * channels;
    for (let x = 0; x < size; x++, p += channels) {
      // Rec. 601 weights in integer form; for gray input channels = 1 and the sample is the luma.
      sum += channels === 1 ? data[p] : (77 * data[p] + 150 * data[p + 1] + 29 * data[p + 2]) >> 8;
    }
  }
  return sum / (size * size);
}
