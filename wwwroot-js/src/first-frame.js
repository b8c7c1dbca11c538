// Detects the first decoded frame of a <video> showing a MediaStream.

/**
 * Calls `onFrame` once, when the element has a decoded frame: requestVideoFrameCallback where the browser has it,
 * otherwise 'loadeddata'/'playing'/'resize' with videoWidth > 0 (all fire only after a frame was decoded).
 * Returns a cancel function that removes every listener.
 * @param {HTMLVideoElement} video
 * @param {() => void} onFrame
 * @returns {() => void}
 */
export function watchFirstFrame(video, onFrame) {
  let done = false;
  /** @type {number | null} */
  let rvfcHandle = null;
  const events = ['loadeddata', 'playing', 'resize'];

  const cancel = () => {
    if (done) return;
    done = true;
    for (const name of events) video.removeEventListener(name, onEvent);
    if (rvfcHandle !== null && typeof video.cancelVideoFrameCallback === 'function') {
      video.cancelVideoFrameCallback(rvfcHandle);
    }
  };
  const fire = () => {
    if (done) return;
    cancel();
    onFrame();
  };
  function onEvent() {
    if (video.videoWidth > 0) fire();
  }

  // Both paths stay armed: rVFC only fires for composited elements, the events also cover hidden helper elements.
  if (typeof video.requestVideoFrameCallback === 'function') {
    rvfcHandle = video.requestVideoFrameCallback(() => fire());
  }
  for (const name of events) video.addEventListener(name, onEvent);
  return cancel;
}

/**
 * Copies the element's current frame into its poster, so the picture stays on screen while srcObject is swapped
 * (the element shows its poster until the new stream's first frame is painted). Returns false when not possible.
 * @param {HTMLVideoElement} video
 * @param {Document} doc
 */
export function freezeFrameAsPoster(video, doc) {
  try {
    if (!(video.videoWidth > 0)) return false;
    const canvas = /** @type {HTMLCanvasElement} */ (doc.createElement('canvas'));
    const ctx = typeof canvas.getContext === 'function' ? canvas.getContext('2d') : null;
    if (!ctx) return false;
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    ctx.drawImage(video, 0, 0);
    video.poster = canvas.toDataURL('image/jpeg', 0.85);
    return true;
  } catch {
    return false;
  }
}
