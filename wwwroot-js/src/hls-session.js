import { HLS_LIVE_JUMP_THRESHOLD_S } from './constants.js';
import { classifySignalError, SignalError } from './signal-error.js';
import { chooseHlsEngine, HlsEngine, Transport } from './transport.js';

/**
 * hls.js settings for the server's LL-HLS (fMP4 parts, blocking playlist reload, preload hints).
 * - lowLatencyMode: load parts and use the playlist's PART-HOLD-BACK as the target latency (~3 parts behind live).
 * - maxLiveSyncPlaybackRate: fall behind (a stall, a slow part) → play up to 1.5× until back at the target latency,
 *   instead of staying late for the rest of the session.
 * - No liveSyncDuration(Count) or liveMaxLatencyDuration(Count) settings: hls.js lets any of them replace the playlist's PART-HOLD-BACK as its target
 *   latency (3 target durations: 12 s instead of ~1 s), and refuses a max latency without a sync one. Falling far
 *   behind is the stall detector's job (a reconnect starts again at the live edge).
 * - backBufferLength / maxBufferLength: a camera is never rewound; keep seconds, not minutes, in SourceBuffers
 *   (a 4×4 grid of tiles on a phone runs out of memory otherwise).
 * - enableWorker false: the ESM build has no inlined worker, and fMP4 needs no transmuxing anyway.
 */
export const HLS_JS_CONFIG = Object.freeze({
  lowLatencyMode: true,
  maxLiveSyncPlaybackRate: 1.5,
  backBufferLength: 4,
  maxBufferLength: 8,
  enableWorker: false,
});

/**
 * @typedef {Object} HlsSignal
 * @property {(cameraId: string, quality: string) => Promise<{ url?: string, sessionId?: string, error?: string, reason?: string, retryable?: boolean }>} hls
 * @property {(sessionId: string) => Promise<void>} hangup
 */

/**
 * One LL-HLS viewer session played in the tile's own <video>: `signal.hls` opens it on the server (its media playlist
 * URL and session id), then native HLS or hls.js plays it. The server counts the viewer while it fetches and ends the
 * session ~12 s after the last fetch; a request on an ended session answers 404, reported as 'session_expired'.
 * Fatal playback errors go to `onError`; the player then opens a new session.
 */
export class HlsSession {
  /** @type {string} */ transport = Transport.Hls;
  /** @type {string} */ cameraId;
  /** @type {string} */ quality;
  /** @type {string | null} */ sessionId = null;
  /** @type {string | null} */ url = null;
  /** @type {string | null} an HlsEngine, once attached */ engine = null;
  /** @type {boolean} */ closed = false;

  /** @type {HTMLVideoElement} */ #video;
  /** @type {HlsSignal} */ #signal;
  /** @type {{ MediaSource?: any, navigator?: any, loadHls: () => Promise<any>, now: () => number }} */ #env;
  /** @type {(reason: string, message: string) => void} */ #onError;
  /** @type {any} the hls.js instance */ #hls = null;
  /** @type {(() => void) | null} */ #detach = null;

  /**
   * @param {Object} args
   * @param {string} args.cameraId
   * @param {string} args.quality
   * @param {HTMLVideoElement} args.video       the tile's element; the session attaches to it in open()
   * @param {HlsSignal} args.signal
   * @param {{ MediaSource?: any, navigator?: any, loadHls: () => Promise<any>, now: () => number }} args.env
   * @param {(reason: string, message: string) => void} args.onError  playback broke after open(): 'session_expired' or 'hls_error'
   */
  constructor({ cameraId, quality, video, signal, env, onError }) {
    this.cameraId = cameraId;
    this.quality = quality;
    this.#video = video;
    this.#signal = signal;
    this.#env = env;
    this.#onError = onError;
  }

  /**
   * Opens the server session and starts loading it into the element. Rejects with a SignalError when the server refuses
   * (its reason and message verbatim) or the browser cannot play HLS. Resolves without effect if close() came first
   * (a session opened meanwhile is hung up at once).
   */
  async open() {
    let result;
    try {
      result = await this.#signal.hls(this.cameraId, this.quality);
    } catch (err) {
      throw classifySignalError(err);
    }
    if (result && typeof result.sessionId === 'string' && result.sessionId) {
      if (this.closed) {
        this.#hangup(result.sessionId);
        return;
      }
      this.sessionId = result.sessionId;
    }
    if (!result || result.error || typeof result.url !== 'string' || !result.url) {
      throw classifySignalError(
        result?.error
          ? { message: result.error, retryable: result.retryable, reason: result.reason }
          : 'the server sent no HLS playlist',
      );
    }
    if (this.closed) return;
    this.url = result.url;

    const engine = chooseHlsEngine(this.#video, this.#env);
    if (engine === HlsEngine.Native) this.#attachNative(result.url);
    else if (engine === HlsEngine.HlsJs) await this.#attachHlsJs(result.url);
    else throw new SignalError('this browser can play neither WebRTC nor HLS', 'hls_unsupported', false);
  }

  /**
   * Playback numbers in the shape of the WebRTC stats summary (what HLS has: size, frames, latency), plus `position`
   * (currentTime in ms) for stall detection.
   * @param {{ timestamp: number, framesDecoded: number } | null} previous
   */
  getStats(previous) {
    const video = /** @type {any} */ (this.#video);
    const quality = typeof video.getVideoPlaybackQuality === 'function' ? video.getVideoPlaybackQuality() : null;
    const timestamp = this.#env.now();
    const framesDecoded = num(quality?.totalVideoFrames);
    const seconds = previous ? (timestamp - previous.timestamp) / 1000 : 0;
    const fps = previous && seconds > 0 && framesDecoded >= previous.framesDecoded
      ? Math.round(((framesDecoded - previous.framesDecoded) / seconds) * 10) / 10
      : 0;
    const latency = this.#hls?.latency;
    return {
      transport: Transport.Hls,
      timestamp,
      width: num(video.videoWidth),
      height: num(video.videoHeight),
      fps,
      bitrateKbps: Math.round(num(this.#hls?.bandwidthEstimate) / 100) / 10,
      bytesReceived: 0,
      packetsLost: 0,
      jitterBufferMs: 0,
      framesDecoded,
      framesDropped: num(quality?.droppedVideoFrames),
      freezeCount: 0,
      nackCount: 0,
      pliCount: 0,
      codec: 'video/H264',
      latencyMs: typeof latency === 'number' && Number.isFinite(latency) ? Math.round(latency * 1000) : null,
      position: Math.round(num(video.currentTime) * 1000),
    };
  }

  /** Stops loading (destroys hls.js, empties the element) and hangs the server session up. Idempotent. */
  close() {
    if (this.closed) return;
    this.closed = true;
    this.#detach?.();
    this.#detach = null;
    const hls = this.#hls;
    this.#hls = null;
    try {
      hls?.destroy();
    } catch (err) {
      console.warn('CamStudio player: hls.js destroy failed', err);
    }
    const video = this.#video;
    if (this.engine && (video.getAttribute?.('src') || video.src)) {
      // Without load() the element keeps the old resource (and native HLS keeps fetching it).
      video.removeAttribute('src');
      video.load?.();
    }
    if (this.sessionId) this.#hangup(this.sessionId);
    this.sessionId = null;
  }

  /** @param {string} url */
  #attachNative(url) {
    const video = this.#video;
    this.engine = HlsEngine.Native;
    const onError = () => {
      if (this.closed) return;
      const error = video.error;
      this.#onError('hls_error', `HLS playback failed${error?.message ? ` (${error.message})` : ''}`);
    };
    video.addEventListener('error', onError);
    this.#detach = () => video.removeEventListener('error', onError);
    video.srcObject = null; // srcObject wins over src
    video.src = url;
  }

  /** @param {string} url */
  async #attachHlsJs(url) {
    const Hls = await this.#env.loadHls();
    if (this.closed) return;
    if (typeof Hls?.isSupported === 'function' && !Hls.isSupported()) {
      throw new SignalError('this browser cannot play HLS (no Media Source Extensions)', 'hls_unsupported', false);
    }
    const hls = new Hls({ ...HLS_JS_CONFIG });
    this.#hls = hls;
    this.engine = HlsEngine.HlsJs;
    hls.on(Hls.Events?.FRAG_BUFFERED ?? 'hlsFragBuffered', () => {
      if (!this.closed) this.#jumpToLiveEdge(hls);
    });
    hls.on(Hls.Events?.ERROR ?? 'hlsError', (/** @type {unknown} */ _event, /** @type {any} */ data) => {
      if (this.closed) return;
      if (responseCode(data) === 404 && isPlaylistLoad(data)) {
        // The server forgot this session (no fetch for ~3 target durations: a tab in the background, a network gap).
        // hls.js would retry the same dead URL; only a new session helps.
        this.#onError('session_expired', 'the HLS session expired');
      } else if (isCodecRefusal(data)) {
        // The camera's codec (H.265 in a browser without an H.265 decoder) cannot be played here: retrying changes
        // nothing, so it is said once, in words.
        this.#onError('codec_unsupported', CODEC_UNSUPPORTED_MESSAGE);
      } else if (data?.fatal) {
        this.#onError('hls_error', `HLS playback failed (${data.details ?? data.type ?? 'error'})`);
      }
    });
    this.#video.srcObject = null;
    hls.attachMedia(this.#video);
    hls.loadSource(url);
  }

  /**
   * hls.js starts at an independent part (a key frame) up to a GOP before its target position and would then creep up at
   * maxLiveSyncPlaybackRate; once the data up to the live sync position is buffered, a seek there is instant.
   * @param {any} hls
   */
  #jumpToLiveEdge(hls) {
    const video = this.#video;
    const target = hls.liveSyncPosition;
    const ranges = video.buffered;
    if (typeof target !== 'number' || !ranges || ranges.length === 0) return;
    const bufferedEnd = ranges.end(ranges.length - 1);
    if (video.currentTime < target - HLS_LIVE_JUMP_THRESHOLD_S && bufferedEnd >= target) {
      video.currentTime = target;
    }
  }

  /** @param {string} sessionId */
  #hangup(sessionId) {
    // Synchronous call so that during 'pagehide' the message still leaves; the server also ends idle HLS sessions.
    const warn = (/** @type {unknown} */ err) => console.warn('CamStudio player: hangup failed', err);
    try {
      Promise.resolve(this.#signal.hangup(sessionId)).catch(warn);
    } catch (err) {
      warn(err);
    }
  }
}

/**
 * A playlist (not a part) failed to load. A 404 for a part is normal in LL-HLS: the preload-hinted part is never made
 * when the segment closes at a key frame first (RFC 8216bis §6.2.6), and hls.js moves on by itself.
 * @param {any} data  an hls.js error event's data
 */
function isPlaylistLoad(data) {
  return /^(manifest|level)Load/.test(String(data?.details ?? ''));
}

/** What the tile says when the browser cannot decode the camera's video over HLS (hls.js found no playable codec). */
export const CODEC_UNSUPPORTED_MESSAGE =
  "This browser cannot play this camera's video codec (H.265, most likely). Watch its SD stream, or switch the camera's video encoding to H.264.";

/**
 * hls.js's refusals of the stream's codecs: none of the variants' CODECS can be played by this browser's MSE, or the
 * source buffer refused the codec once media arrived.
 * @param {any} data
 */
function isCodecRefusal(data) {
  return /IncompatibleCodecs|bufferAddCodecError/.test(String(data?.details ?? ''));
}

/** @param {any} data  an hls.js error event's data */
function responseCode(data) {
  const code = data?.response?.code ?? data?.networkDetails?.status;
  return typeof code === 'number' ? code : 0;
}

/** @param {unknown} v */
const num = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
