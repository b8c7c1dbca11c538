import { Backoff } from './backoff.js';
import {
  CONNECT_TIMEOUT_MS,
  FIRST_FRAME_TIMEOUT_MS,
  DISCONNECT_GRACE_MS,
  HIDDEN_TEARDOWN_DELAY_MS,
  HLS_FIRST_FRAME_TIMEOUT_MS,
  STABLE_LIVE_MS,
  STALL_TIMEOUT_MS,
  STATS_INTERVAL_MS,
  WEBRTC_FALLBACK_TIMEOUT_MS,
  WEBRTC_RETRY_INTERVAL_MS,
} from './constants.js';
import { freezeFrameAsPoster, watchFirstFrame } from './first-frame.js';
import { resolveEnv } from './env.js';
import { HlsSession } from './hls-session.js';
import { PeerSession } from './peer-session.js';
import { Quality, qualityName, validQuality } from './quality.js';
import { QualitySwitch } from './quality-switch.js';
import { StallWatch } from './stall-watch.js';
import { classifySignalError } from './signal-error.js';
import { PlayerState, StateMachine } from './state-machine.js';
import { summarizeStats } from './stats.js';
import { NamedTimers } from './timers.js';
import { Transport, webRtcUnsupported } from './transport.js';
import { firstTransport, validMode } from './transport-mode.js';
import { VisibilityWatcher } from './visibility.js';

export { PlayerState } from './state-machine.js';
export { Transport } from './transport.js';

export { Quality } from './quality.js';

/**
 * @typedef {Object} PlayerOptions
 * @property {string} cameraId
 * @property {import('./peer-session.js').SignalAdapter} signal      carries offer/answer, HLS sessions and hangup to the server
 * @property {string} [quality]                                       'stream2' (SD, default) or 'stream1' (HD)
 * @property {boolean} [audio]                                       ask WebRTC for the camera's audio as well (its tile is muted at first)
 * @property {string} [transport]                                     'auto' (default: WebRTC, HLS when it cannot connect),
 *                                                                    'webrtc' or 'hls'; auto without signal.hls is WebRTC only
 * @property {RTCIceServer[]} [iceServers]                            from the server's configuration
 * @property {(state: string, detail: import('./state-machine.js').StateDetail) => void} [onStateChange]
 * @property {(stats: import('./stats.js').StatsSummary) => void} [onStats]  called every STATS_INTERVAL_MS while live
 * @property {boolean} [autoStart]                                    default true; false leaves the player idle until start()
 * @property {import('./env.js').PlayerEnv} [env]
 */

/**
 * Plays one camera in one <video> element over WebRTC, or LL-HLS when WebRTC cannot work here. Owns the session (two,
 * briefly, during a quality switch or a background WebRTC retry), reconnects with backoff, stops watching while the tile
 * cannot be seen, and cleans everything up on dispose.
 */
export class CameraPlayer {
  /** @type {HTMLVideoElement} */ #video;
  /** @type {string} */ #cameraId;
  /** @type {import('./peer-session.js').SignalAdapter} */ #signal;
  /** @type {RTCIceServer[]} */ #iceServers;
  /** @type {boolean} the camera's audio is on: WebRTC offers ask for it */ #audio = false;
  /** @type {boolean} a quality switch whose connection the server ended may be tried once more */ #switchAgainAllowed = true;
  /** @type {string} the quality the user wants; the primary session may still be on the other one */ #quality;
  /** @type {string} 'auto' | 'webrtc' | 'hls' (TRANSPORT_MODES) */ #mode;
  /** @type {string} the transport the next attempt uses; in 'auto' it stays HLS once WebRTC failed, until a retry works */ #transport;
  /** @type {((stats: import('./stats.js').StatsSummary) => void) | undefined} */ #onStats;
  /** @type {Required<import('./env.js').PlayerEnv>} */ #env;
  /** @type {StateMachine} */ #machine;
  /** @type {Backoff} */ #backoff;
  /** @type {VisibilityWatcher} */ #visibility;
  /** @type {PeerSession | HlsSession | null} the session whose picture is (or is about to be) in the element */ #primary = null;
  /** @type {PeerSession | null} the connected session whose first frame is being waited for (armed once per session) */ #firstFrameWait = null;
  /** @type {QualitySwitch | null} the other quality, or WebRTC while on HLS, connecting in the background */ #pending = null;
  /** @type {boolean} #pending is a background WebRTC retry (fails quietly), not a quality switch */ #pendingIsRetry = false;
  /** @type {NamedTimers} connect, fallback, reconnect, grace, stats, webrtcRetry */ #timers;
  /** @type {(() => void) | null} */ #cancelFirstFrame = null;
  /** @type {number | null} clock time the current session went live */ #liveSince = null;
  /** @type {ReturnType<typeof summarizeStats>} */ #statsPrevious = null;
  /** @type {StallWatch} */ #stall = new StallWatch();
  /** @type {boolean} the element's poster is our frozen frame and must be cleared */ #posterIsOurs = false;
  /** @type {boolean} start() was called before the visibility was known */ #startWhenSettled = false;
  /** @type {boolean} a click listener is waiting to start blocked playback */ #clickToPlayArmed = false;
  /** @type {boolean} */ #disposed = false;

  /**
   * @param {HTMLVideoElement} video
   * @param {PlayerOptions} options
   */
  constructor(video, options) {
    if (!video) throw new TypeError('a video element is required');
    if (!options?.cameraId) throw new TypeError('options.cameraId is required');
    if (typeof options.signal?.offer !== 'function' || typeof options.signal?.hangup !== 'function') {
      throw new TypeError('options.signal must provide offer() and hangup()');
    }
    const mode = validMode(options.transport ?? 'auto');
    if (mode === 'hls' && typeof options.signal.hls !== 'function') {
      throw new TypeError("options.transport 'hls' needs options.signal.hls()");
    }
    this.#video = video;
    this.#cameraId = String(options.cameraId);
    this.#signal = options.signal;
    this.#iceServers = options.iceServers ?? [];
    this.#audio = Boolean(options.audio);
    this.#quality = validQuality(options.quality ?? Quality.SD);
    this.#mode = mode;
    this.#transport = firstTransport(mode);
    this.#onStats = options.onStats;
    this.#env = resolveEnv(options.env);
    const onStateChange = options.onStateChange ?? (() => {});
    this.#machine = new StateMachine(onStateChange);
    this.#backoff = new Backoff({ random: this.#env.random });
    this.#timers = new NamedTimers(this.#env, () => !this.#disposed);

    // Every browser autoplays muted inline video; iOS needs playsinline or it goes fullscreen.
    video.muted = true;
    video.playsInline = true;
    video.autoplay = true;
    video.setAttribute?.('playsinline', '');

    this.#visibility = new VisibilityWatcher(video, {
      document: this.#env.document,
      IntersectionObserver: this.#env.IntersectionObserver ?? undefined,
      setTimeout: this.#env.setTimeout,
      clearTimeout: this.#env.clearTimeout,
      delayMs: HIDDEN_TEARDOWN_DELAY_MS,
      onHidden: () => this.#pause(),
      onVisible: () => this.#resume(),
      onSettled: () => {
        if (!this.#startWhenSettled) return;
        this.#startWhenSettled = false;
        this.start();
      },
    });
    this.#env.window?.addEventListener('pagehide', this.#onPageHide);
    if (options.autoStart !== false) this.start();
  }

  /** Current state (see PlayerState). */
  get state() {
    return this.#machine.state;
  }

  /** The requested quality ('stream1' | 'stream2'). */
  get quality() {
    return this.#quality;
  }

  /** The transport on screen (or being attempted): 'webrtc' | 'hls'. */
  get transport() {
    return this.#primary?.transport ?? this.#transport;
  }

  /** The transport mode: 'auto' | 'webrtc' | 'hls'. */
  get transportMode() {
    return this.#mode;
  }

  /**
   * Leaves idle: connects, or pauses straight away if the tile cannot be seen. Stays idle until the first
   * IntersectionObserver report (about a frame), so a tile below the fold never opens a session.
   */
  start() {
    if (this.#disposed || this.#machine.state !== PlayerState.Idle) return;
    if (!this.#visibility.settled && this.#visibility.visible) {
      this.#startWhenSettled = true;
      return;
    }
    if (!this.#visibility.visible) {
      this.#transition(PlayerState.Paused, { reason: 'hidden' });
      return;
    }
    this.#connect();
  }

  /**
   * Switches between SD ('stream2') and HD ('stream1'). While live, the new quality connects in the background and
   * replaces the picture only once it has decoded a frame; the old session is then closed and hung up.
   * @param {string} quality
   */
  setQuality(quality) {
    const q = validQuality(quality);
    if (this.#disposed || q === this.#quality) return;
    this.#quality = q;
    const state = this.#machine.state;
    if (state === PlayerState.Live && this.#primary) {
      if (this.#pending) {
        // Switched back before the switch finished (or a background WebRTC retry was under way): the picture on
        // screen already is what is wanted, or the switch below replaces it.
        this.#closePending();
      }
      this.#switchAgainAllowed = true;
      if (this.#primary.quality === q) this.#transition(PlayerState.Live, {});
      else if (this.#primary instanceof HlsSession) this.#swapHls(q);
      else this.#startSwitch(q);
    } else if (state === PlayerState.Connecting) {
      // Nothing on screen yet to keep: start over with the wanted quality.
      this.#connect();
    }
    // idle/reconnecting/paused/failed: the next attempt uses the new quality.
  }

  /** Tries again now: from 'failed' (the tile's retry button) or while waiting in 'reconnecting'. */
  retry() {
    const state = this.#machine.state;
    if (state !== PlayerState.Failed && state !== PlayerState.Reconnecting) return;
    this.#backoff.reset();
    // A person asked: start over as a fresh tile would (in 'auto', WebRTC first).
    this.#transport = firstTransport(this.#mode);
    if (!this.#visibility.visible) {
      // Retrying a tile nobody can see would count a viewer that is not there; it connects when it is shown.
      this.#stopAttempt();
      this.#timers.clear('reconnect');
      this.#transition(PlayerState.Paused, { reason: 'hidden' });
      return;
    }
    this.#connect();
  }

  /**
   * Changes the transport mode. A tile playing (or connecting) over a transport the new mode rules out reconnects at
   * once; 'auto' keeps whatever plays (HLS then retries WebRTC in the background now and then).
   * @param {string} mode  'auto' | 'webrtc' | 'hls'
   */
  setTransportMode(mode) {
    const m = validMode(mode);
    if (this.#disposed || m === this.#mode) return;
    if (m === 'hls' && typeof this.#signal.hls !== 'function') throw new TypeError("transport 'hls' needs signal.hls()");
    this.#mode = m;
    const state = this.#machine.state;
    if (m === 'auto') {
      if (state === PlayerState.Live) this.#scheduleWebRtcRetry();
      return;
    }
    this.#transport = m;
    this.#timers.clear('fallback', 'webrtcRetry');
    if (this.#pendingIsRetry) this.#closePending();
    const onScreen = this.#primary?.transport;
    if (onScreen && onScreen !== m && (state === PlayerState.Connecting || state === PlayerState.Live)) {
      this.#backoff.reset();
      this.#connect();
    }
    // reconnecting/paused/failed/idle: the next attempt uses it.
  }

  /**
   * A summary of the on-screen connection's stats, or null when there is none yet.
   * @returns {Promise<import('./stats.js').StatsSummary | null>}
   */
  async getStats() {
    const session = this.#primary;
    if (session instanceof HlsSession) {
      // Also before hls.js is attached: a position that never moves is a stall (see #sampleStats).
      if (session.closed) return null;
      const summary = session.getStats(this.#statsPrevious);
      this.#statsPrevious = summary;
      return summary;
    }
    if (!session?.pc || session.closed || typeof session.pc.getStats !== 'function') return null;
    const report = await session.pc.getStats();
    if (session !== this.#primary) return null;
    const summary = summarizeStats(report, this.#statsPrevious);
    // Keep the newest sample as the base for rates, even when concurrent calls resolve out of order.
    if (summary && (!this.#statsPrevious || summary.timestamp > this.#statsPrevious.timestamp)) {
      this.#statsPrevious = summary;
    }
    return summary;
  }

  /** Stops tracks, closes every peer connection, hangs up every session, removes listeners and timers. Idempotent. */
  dispose() {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#visibility.dispose();
    this.#env.window?.removeEventListener('pagehide', this.#onPageHide);
    this.#video.removeEventListener('click', this.#onClickToPlay);
    this.#stopAttempt();
    this.#timers.clear('reconnect');
    this.#video.srcObject = null;
    this.#clearPoster();
    this.#machine.transition(PlayerState.Stopped, { quality: this.#quality, transport: this.#transport, reason: 'disposed' });
  }

  // ---- connection lifecycle -------------------------------------------------------------------------------------

  /**
   * Starts a new attempt over the current transport (in 'auto', WebRTC unless it already failed here).
   * @param {Partial<import('./state-machine.js').StateDetail>} [detail]  why (a fallback says so on the tile)
   */
  #connect(detail = {}) {
    if (this.#disposed) return;
    // One attempt in flight, ever: whatever was there is torn down (and hung up) first.
    this.#stopAttempt();
    this.#timers.clear('reconnect');
    let why = detail;
    const unsupported = this.#transport === Transport.WebRtc ? webRtcUnsupported(this.#env) : null;
    if (unsupported && this.#canFallBack()) {
      this.#transport = Transport.Hls;
      why = { reason: unsupported.reason, message: `${unsupported.message}: playing HLS` };
    }
    // attempt: which reconnect this is (matches the preceding 'reconnecting' detail); absent for a fresh start.
    const attempt = this.#backoff.attempt > 0 ? { attempt: this.#backoff.attempt } : {};
    if (this.#transport === Transport.Hls) {
      this.#connectHls({ ...attempt, ...why });
    } else if (unsupported) {
      // WebRTC forced (or no HLS to fall back to) in a browser that cannot do it: only a person can change that.
      this.#transition(PlayerState.Connecting, attempt);
      this.#fail(unsupported.reason, unsupported.message);
    } else {
      this.#connectWebRtc({ ...attempt, ...why });
    }
  }

  /** @param {Partial<import('./state-machine.js').StateDetail>} detail */
  #connectWebRtc(detail) {
    const session = this.#newSession(this.#quality);
    this.#primary = session;
    this.#transition(PlayerState.Connecting, detail);
    this.#timers.set('connect', CONNECT_TIMEOUT_MS, () =>
      this.#lost(session, 'timeout', `no video within ${CONNECT_TIMEOUT_MS / 1000} s`),
    );
    this.#openPrimary(session);
  }

  /**
   * The answer is applied: from now on only ICE/DTLS stands between us and the picture. UDP blocked on the way (a
   * firewall, a proxy-only network) looks like silence, so in 'auto' WebRTC gets a few seconds only. Counted from here,
   * not from the offer, so a slow server or circuit is not mistaken for a blocked network.
   * @param {PeerSession} session
   */
  #armFallback(session) {
    if (!this.#canFallBack() || session !== this.#primary || this.#disposed || session.closed) return;
    if (this.#machine.state !== PlayerState.Connecting || session.pc?.connectionState === 'connected') return;
    this.#timers.set('fallback', WEBRTC_FALLBACK_TIMEOUT_MS, () =>
      this.#fallBackToHls(session, 'webrtc_timeout', `WebRTC did not connect within ${WEBRTC_FALLBACK_TIMEOUT_MS / 1000} s`),
    );
  }

  /** @param {Partial<import('./state-machine.js').StateDetail>} detail */
  #connectHls(detail) {
    const session = this.#newHlsSession(this.#quality);
    this.#primary = session;
    this.#transition(PlayerState.Connecting, detail);
    this.#timers.set('connect', HLS_FIRST_FRAME_TIMEOUT_MS, () =>
      this.#lost(session, 'timeout', `no video within ${HLS_FIRST_FRAME_TIMEOUT_MS / 1000} s`),
    );
    // HLS plays in the tile's element itself: its first frame is the first frame of this session.
    this.#cancelFirstFrame = watchFirstFrame(this.#video, () => this.#onPrimaryFirstFrame(session));
    this.#openPrimary(session);
  }

  /** @param {PeerSession | HlsSession} session */
  #openPrimary(session) {
    session.open().then(
      () => {
        if (session instanceof PeerSession) this.#armFallback(session);
        else if (session === this.#primary && !this.#disposed && session.engine) this.#play();
      },
      (err) => {
        if (session !== this.#primary || this.#disposed) return;
        // Refusals about the camera or the user (auth_failed, camera_not_found…) are not the network's fault: HLS
        // would be refused the same way, so they show as they are.
        const e = classifySignalError(err);
        // 'auto' and the server refused HLS for now (busy, HLS not offered): WebRTC may well work on the next attempt.
        if (e.retryable && session instanceof HlsSession && this.#mode === 'auto') this.#transport = Transport.WebRtc;
        if (e.retryable) this.#scheduleReconnect(e.reason, e.message);
        else this.#fail(e.reason, e.message);
      },
    );
  }

  /** 'auto' with an adapter that can open HLS sessions. */
  #canFallBack() {
    return this.#mode === 'auto' && typeof this.#signal.hls === 'function';
  }

  /**
   * WebRTC did not work on this network: the attempt restarts over HLS at once (no backoff: nothing is wrong with the
   * camera or the server), and later attempts stay on HLS until a background WebRTC retry succeeds.
   * @param {PeerSession} session
   * @param {string} reason
   * @param {string} message
   */
  #fallBackToHls(session, reason, message) {
    if (this.#disposed || session !== this.#primary || !this.#canFallBack()) return;
    this.#transport = Transport.Hls;
    this.#connect({ reason, message: `${message}: playing HLS` });
  }

  /** @param {string} quality */
  #newHlsSession(quality) {
    /** @type {HlsSession} */
    const session = new HlsSession({
      cameraId: this.#cameraId,
      quality,
      video: this.#video,
      signal: /** @type {import('./hls-session.js').HlsSignal} */ (this.#signal),
      env: this.#env,
      onError: (reason, message) => this.#lost(session, reason, message),
    });
    return session;
  }

  /** @param {string} quality */
  #newSession(quality) {
    /** @type {PeerSession} */
    const session = new PeerSession({
      cameraId: this.#cameraId,
      quality,
      iceServers: this.#iceServers,
      signal: this.#signal,
      env: this.#env,
      audio: this.#audio,
      onStream: (stream) => this.#onSessionStream(session, stream),
      onConnectionState: (state) => this.#onSessionState(session, state),
    });
    return session;
  }

  /**
   * @param {PeerSession} session
   * @param {MediaStream} stream
   */
  #onSessionStream(session, stream) {
    if (this.#disposed) return;
    if (session === this.#primary) {
      this.#video.srcObject = stream;
      this.#play();
      this.#cancelFirstFrame?.();
      this.#cancelFirstFrame = watchFirstFrame(this.#video, () => this.#onPrimaryFirstFrame(session));
    } else if (session === this.#pending?.session) {
      this.#pending.attachStream(stream);
    }
  }

  /**
   * @param {PeerSession} session
   * @param {string} state  RTCPeerConnectionState
   */
  #onSessionState(session, state) {
    if (this.#disposed) return;
    if (session === this.#pending?.session) {
      this.#pending.connectionState(state);
      return;
    }
    if (session !== this.#primary) return;
    if (state === 'failed' && this.#machine.state === PlayerState.Connecting && this.#canFallBack()) {
      // ICE gave up before the first picture: this network does not carry WebRTC.
      this.#fallBackToHls(session, 'ice_failed', 'WebRTC connection failed');
    } else if (state === 'failed') this.#lost(session, 'ice_failed', 'connection failed');
    else if (state === 'closed') this.#lost(session, 'ice_failed', 'connection closed');
    else if (state === 'disconnected') {
      if (!this.#timers.has('grace')) {
        this.#timers.set('grace', DISCONNECT_GRACE_MS, () => this.#lost(session, 'ice_disconnected', 'connection lost'));
      }
    } else if (state === 'connected') {
      this.#timers.clear('grace', 'fallback');
      if (this.#machine.state === PlayerState.Connecting && this.#firstFrameWait !== session) {
        // Connected, so the camera's first frame will reach this session by itself: wait for it rather than start over.
        this.#firstFrameWait = session;
        this.#timers.set('connect', FIRST_FRAME_TIMEOUT_MS, () =>
          this.#lost(session, 'timeout', `connected, but no video within ${FIRST_FRAME_TIMEOUT_MS / 1000} s`),
        );
      }
    }
  }

  /** @param {PeerSession | HlsSession} session */
  #onPrimaryFirstFrame(session) {
    this.#cancelFirstFrame = null;
    if (this.#disposed || session !== this.#primary) return;
    this.#clearPoster();
    if (this.#machine.state !== PlayerState.Connecting) return;
    this.#timers.clear('connect', 'fallback');
    this.#liveSince = this.#env.now();
    this.#statsPrevious = null;
    this.#stall.reset(this.#liveSince);
    this.#transition(PlayerState.Live, {});
    this.#scheduleStats();
    this.#scheduleWebRtcRetry();
  }

  /**
   * The on-screen session broke for a retryable reason.
   * @param {PeerSession | HlsSession} session
   * @param {string} reason
   * @param {string} message
   */
  #lost(session, reason, message) {
    if (this.#disposed || session !== this.#primary) return;
    // A codec this browser cannot decode stays undecodable: say so once instead of reconnecting forever.
    if (reason === 'codec_unsupported') this.#fail(reason, message);
    else this.#scheduleReconnect(reason, message);
  }

  /**
   * @param {string} reason
   * @param {string} message
   */
  #scheduleReconnect(reason, message) {
    // A session that stayed up a while was a success; do not punish its failure with the long delays.
    if (this.#liveSince !== null && this.#env.now() - this.#liveSince >= STABLE_LIVE_MS) this.#backoff.reset();
    this.#stopAttempt();
    this.#timers.clear('reconnect');
    const delayMs = this.#backoff.next();
    this.#transition(PlayerState.Reconnecting, { reason, message, attempt: this.#backoff.attempt, delayMs });
    this.#timers.set('reconnect', delayMs, () => this.#connect());
  }

  /**
   * @param {string} reason
   * @param {string} message
   */
  #fail(reason, message) {
    this.#stopAttempt();
    this.#timers.clear('reconnect');
    this.#transition(PlayerState.Failed, { reason, message });
  }

  #pause() {
    const state = this.#machine.state;
    if (state !== PlayerState.Connecting && state !== PlayerState.Live && state !== PlayerState.Reconnecting) return;
    this.#stopAttempt();
    this.#timers.clear('reconnect');
    this.#transition(PlayerState.Paused, { reason: 'hidden' });
  }

  #resume() {
    if (this.#machine.state !== PlayerState.Paused || this.#disposed) return;
    this.#backoff.reset();
    this.#connect();
  }

  /** Closes the primary and any pending session (hanging both up) and every timer tied to them. */
  #stopAttempt() {
    this.#closePending();
    this.#cancelFirstFrame?.();
    this.#cancelFirstFrame = null;
    this.#timers.clear('connect', 'fallback', 'grace', 'stats', 'webrtcRetry');
    this.#liveSince = null;
    this.#primary?.close();
    this.#primary = null;
  }

  // ---- quality switch -----------------------------------------------------------------------------------------------

  /** @param {string} quality */
  #startSwitch(quality) {
    this.#startBackground(quality, false);
    this.#transition(PlayerState.Live, { message: `switching to ${qualityName(quality)}` });
  }

  /**
   * A WebRTC session of `quality` connecting into a hidden helper element; it replaces the picture once it decoded.
   * @param {string} quality
   * @param {boolean} isRetry  a background WebRTC retry while on HLS: its failure is quiet
   */
  #startBackground(quality, isRetry) {
    this.#pendingIsRetry = isRetry;
    this.#pending = new QualitySwitch({
      session: this.#newSession(quality),
      env: this.#env,
      onReady: (sw) => this.#completeSwitch(sw),
      onFailed: (sw, message) => this.#switchFailed(sw, message),
    });
  }

  /** @param {QualitySwitch} sw */
  #completeSwitch(sw) {
    if (this.#disposed || sw !== this.#pending || !sw.session.stream) return;
    this.#pending = null;
    this.#pendingIsRetry = false;
    const old = this.#primary;
    // Keep the old picture as the poster so the element never flashes empty between srcObjects.
    this.#posterIsOurs = freezeFrameAsPoster(this.#video, this.#env.document) || this.#posterIsOurs;
    if (old instanceof HlsSession) {
      // hls.js lets go of the element (src removed, load()) before the stream goes in, not after, or it would reset it.
      old.close();
      this.#timers.clear('webrtcRetry');
    }
    this.#transport = sw.session.transport;
    this.#cancelFirstFrame?.();
    this.#primary = sw.session;
    this.#video.srcObject = sw.session.stream;
    this.#play();
    this.#cancelFirstFrame = watchFirstFrame(this.#video, () => {
      this.#cancelFirstFrame = null;
      this.#clearPoster();
    });
    old?.close();
    this.#statsPrevious = null;
    this.#stall.reset(this.#env.now());
    this.#transition(PlayerState.Live, {});
  }

  /**
   * @param {QualitySwitch} sw
   * @param {string} message
   */
  #switchFailed(sw, message) {
    if (this.#disposed || sw !== this.#pending) return;
    this.#pending = null;
    if (this.#pendingIsRetry) {
      // WebRTC still does not get through: HLS keeps playing, nothing to tell the viewer.
      this.#pendingIsRetry = false;
      this.#scheduleWebRtcRetry();
      return;
    }
    if (message === 'connection failed' && this.#switchAgainAllowed) {
      // The server ended the new session once connected. That is what it does when the stream turned out to carry
      // another codec than was answered (the first run of an H.265 camera): one more offer gets the real answer, or
      // a refusal in words that the viewer then reads below.
      this.#switchAgainAllowed = false;
      this.#startSwitch(this.#quality);
      return;
    }
    // Stay on what is playing and say so; the quality the user asked for is not available right now.
    const wanted = this.#quality;
    this.#quality = this.#primary?.quality ?? this.#quality;
    this.#transition(PlayerState.Live, {
      reason: 'quality_switch_failed',
      message: `could not switch to ${qualityName(wanted)}: ${message}`,
    });
  }

  #closePending() {
    const pending = this.#pending;
    this.#pending = null;
    this.#pendingIsRetry = false;
    pending?.cancel();
  }

  /**
   * HLS has no background switch: the other quality's session loads into the tile's element at once, with the current
   * frame frozen as the poster until its first frame, so the tile shows the old picture rather than black meanwhile.
   * @param {string} quality
   */
  #swapHls(quality) {
    const old = this.#primary;
    this.#posterIsOurs = freezeFrameAsPoster(this.#video, this.#env.document) || this.#posterIsOurs;
    this.#cancelFirstFrame?.();
    this.#timers.clear('webrtcRetry');
    old?.close();
    const session = this.#newHlsSession(quality);
    this.#primary = session;
    this.#stall.reset(this.#env.now());
    this.#statsPrevious = null;
    this.#transition(PlayerState.Live, { message: `switching to ${qualityName(quality)}` });
    this.#cancelFirstFrame = watchFirstFrame(this.#video, () => {
      this.#cancelFirstFrame = null;
      if (this.#disposed || session !== this.#primary) return;
      this.#clearPoster();
      this.#transition(PlayerState.Live, {});
      this.#scheduleWebRtcRetry();
    });
    // No picture from it is caught by the stall check (live, position not advancing), which reconnects.
    this.#openPrimary(session);
  }

  // ---- background WebRTC retry while on HLS ----------------------------------------------------------------------------

  /** In 'auto' on HLS: tries WebRTC again after a while, in the background (see #startBackground). */
  #scheduleWebRtcRetry() {
    if (!this.#canFallBack() || !(this.#primary instanceof HlsSession) || this.#pending) return;
    if (this.#timers.has('webrtcRetry') || webRtcUnsupported(this.#env)) return;
    this.#timers.set('webrtcRetry', WEBRTC_RETRY_INTERVAL_MS, () => {
      const primary = this.#primary;
      if (this.#machine.state !== PlayerState.Live || !(primary instanceof HlsSession) || this.#pending) return;
      this.#startBackground(primary.quality, true);
    });
  }

  // ---- stats and stall detection -----------------------------------------------------------------------------------

  #scheduleStats() {
    this.#timers.set('stats', STATS_INTERVAL_MS, () => {
      this.#sampleStats().finally(() => {
        if (!this.#disposed && this.#machine.state === PlayerState.Live && !this.#timers.has('stats')) {
          this.#scheduleStats();
        }
      });
    });
  }

  async #sampleStats() {
    const session = this.#primary;
    let summary;
    try {
      summary = await this.getStats();
    } catch {
      return; // the pc went away mid-call; the state machine handles that.
    }
    if (!summary || this.#disposed || session !== this.#primary || this.#machine.state !== PlayerState.Live) return;
    const now = this.#env.now();
    // HLS: the playback position is what must move (hls.js may keep decoding nothing while waiting for data).
    const progress = 'position' in summary ? summary.position : summary.framesDecoded;
    if (this.#stall.stalled(progress, now) && session) {
      // Connected but no frames: the camera or the server's stream died under a healthy ICE/DTLS path.
      this.#lost(session, 'stalled', `no video for ${STALL_TIMEOUT_MS / 1000} s`);
      return;
    }
    if (this.#onStats) {
      try {
        this.#onStats(summary);
      } catch (err) {
        console.error('CamStudio player: onStats threw', err);
      }
    }
  }

  // ---- helpers -------------------------------------------------------------------------------------------------------

  /** Starts the tile's element; a refusal (autoplay policy) is reported on the tile and armed for a click. */
  #play() {
    const video = this.#video;
    let result;
    try {
      result = video.play?.();
    } catch (err) {
      result = Promise.reject(err);
    }
    if (!result || typeof result.catch !== 'function') return;
    result.catch((/** @type {any} */ err) => {
      // AbortError: a newer source replaced this one, nothing is wrong.
      if (this.#disposed || err?.name === 'AbortError') return;
      if (video.srcObject === null && !(this.#primary instanceof HlsSession)) return;
      const state = this.#machine.state;
      if (state !== PlayerState.Connecting && state !== PlayerState.Live) return;
      if (!this.#clickToPlayArmed) {
        // A click is a user gesture, which every autoplay policy accepts.
        this.#clickToPlayArmed = true;
        this.#video.addEventListener('click', this.#onClickToPlay);
      }
      this.#transition(state, {
        reason: 'autoplay_blocked',
        message: `the browser did not start playback (${err?.message ?? err}); click the video to play`,
      });
    });
  }

  #onClickToPlay = () => {
    this.#clickToPlayArmed = false;
    this.#video.removeEventListener('click', this.#onClickToPlay);
    if (!this.#disposed) this.#play();
  };

  #clearPoster() {
    if (!this.#posterIsOurs) return;
    this.#posterIsOurs = false;
    this.#video.removeAttribute?.('poster');
    if (this.#video.poster) this.#video.poster = '';
  }

  /**
   * @param {string} to
   * @param {Partial<import('./state-machine.js').StateDetail>} detail
   */
  #transition(to, detail) {
    // The quality on screen (during a switch, the old one until the new picture is shown).
    const quality = this.#primary?.quality ?? this.#quality;
    return this.#machine.transition(to, { quality, transport: this.transport, ...detail });
  }

  #onPageHide = () => this.dispose();
}

/**
 * Creates a player for one tile and (unless options.autoStart is false) starts it.
 * @param {HTMLVideoElement} video
 * @param {PlayerOptions} options
 */
export function createPlayer(video, options) {
  return new CameraPlayer(video, options);
}
