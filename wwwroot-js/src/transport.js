// Which way a tile's video travels: WebRTC (UDP, sub-second) or LL-HLS over HTTP (through any proxy or firewall that
// lets the page itself through), and which HLS engine a browser should use.

/** @readonly @enum {string} */
export const Transport = Object.freeze({ WebRtc: 'webrtc', Hls: 'hls' });

/** @readonly @enum {string} */
export const HlsEngine = Object.freeze({ Native: 'native', HlsJs: 'hls.js' });

const HLS_MIME = 'application/vnd.apple.mpegurl';
// What the server's fMP4 parts carry: H.264 (the avc1 profile is checked by the browser itself once playing).
const MSE_H264 = 'video/mp4; codecs="avc1.42E01E"';

/**
 * Why this browser cannot play the cameras over WebRTC, or null when it can (as far as can be told in advance).
 * @param {{ RTCPeerConnection?: unknown, RTCRtpReceiver?: any }} env
 * @returns {{ reason: string, message: string } | null}
 */
export function webRtcUnsupported(env) {
  if (typeof env.RTCPeerConnection !== 'function') {
    return { reason: 'webrtc_unsupported', message: 'this browser has no WebRTC' };
  }
  let codecs;
  try {
    codecs = env.RTCRtpReceiver?.getCapabilities?.('video')?.codecs;
  } catch {
    codecs = undefined;
  }
  // No capability API (older Firefox): assume H.264, the offer/answer will tell.
  if (Array.isArray(codecs) && !codecs.some((c) => /^video\/h264$/i.test(c?.mimeType ?? ''))) {
    return { reason: 'no_h264', message: 'this browser cannot decode H.264 over WebRTC' };
  }
  return null;
}

/**
 * Native HLS where the browser has it and it is the better choice (Safari and every iOS browser: Apple's own player
 * handles LL-HLS best there, and iOS before 17.1 has no MSE at all); hls.js over MSE elsewhere. Android's Chrome answers
 * "maybe" to the HLS MIME type but plays it through a much older path than MSE, hence the Apple check rather than
 * trusting canPlayType alone. null: neither works.
 * @param {{ canPlayType?(type: string): string }} video
 * @param {{ MediaSource?: any, navigator?: { userAgent?: string, vendor?: string } | null }} env
 * @returns {string | null} an HlsEngine
 */
export function chooseHlsEngine(video, env) {
  let native = false;
  try {
    native = typeof video.canPlayType === 'function' && video.canPlayType(HLS_MIME) !== '';
  } catch {
    native = false;
  }
  const mse = env.MediaSource;
  let mseH264 = false;
  try {
    mseH264 = !!mse && (typeof mse.isTypeSupported !== 'function' || mse.isTypeSupported(MSE_H264));
  } catch {
    mseH264 = false;
  }
  if (native && (isAppleWebKit(env.navigator) || !mseH264)) return HlsEngine.Native;
  if (mseH264) return HlsEngine.HlsJs;
  return null;
}

/**
 * Safari, or any browser on iOS/iPadOS (all of them are WebKit there and report Apple as the vendor).
 * @param {{ userAgent?: string, vendor?: string } | null | undefined} navigator
 */
export function isAppleWebKit(navigator) {
  if (!navigator) return false;
  if (/apple/i.test(navigator.vendor ?? '')) return true;
  const ua = navigator.userAgent ?? '';
  return /AppleWebKit/.test(ua) && /Version\/[\d.]+.*Safari/.test(ua) && !/Chrome|Chromium|Android/.test(ua);
}
